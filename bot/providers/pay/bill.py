"""WeChat Pay's daily trade bill (APIv3): the request for it, the download of the file it
points to, and the file read into BillRow values.

`GET /v3/bill/tradebill?bill_date=YYYY-MM-DD&bill_type=ALL` answers, signed,
`{"hash_type": "SHA1", "hash_value": ..., "download_url": ...}`. The download_url (valid
30 s) is fetched with a signed GET whose answer carries no signature: the SHA1 of the bytes
must be hash_value instead (no tar_type is asked for, so the file comes uncompressed, as
hashed). WeChat Pay starts making a day's bill at 09:00 the next day and advises fetching it
after 10:00; meanwhile it answers 400 STATEMENT_CREATING, and for a day without any trade or
refund 400 NO_STATEMENT_EXIST.

The file: a header line of column names, one line per payment (交易状态 SUCCESS) or refund
(REFUND, on the day of the refund) with every field prefixed by a backtick (so that Excel
keeps long numbers as text), amounts in yuan, then a summary header (总交易单数,...) and a
totals line. Columns are found by their names; a line that cannot be read is reported as an
UNREADABLE row with its line number, never with its content (it holds the payer's openid)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import httpx

from services.common.clock import CHINA
from services.payments import UNREADABLE, BillRow, PayError

MAX_BILL_BYTES = 32 * 1024 * 1024  # a day of this merchant's trades is far smaller
MAX_LINE = 4096  # characters; a real line is about 300
MAX_UNREADABLE = 200  # more unreadable lines than this and the file is not a bill
DOWNLOAD_SECONDS = 30.0  # the whole download, however slowly it drips

TIME = "交易时间"
MCHID = "商户号"
TRANSACTION = ("微信订单号", "微信支付订单号")
OUT_TRADE_NO = "商户订单号"
STATE = "交易状态"
CURRENCY = "货币种类"
TOTAL = ("订单金额", "应结订单金额")
REFUND = ("申请退款金额", "退款金额")
OUT_REFUND_NO = "商户退款单号"
SUMMARY = "总交易单数"  # the summary header that ends the detail lines

AMOUNT_RE = re.compile(r"(-?)([0-9]{1,12})(?:\.([0-9]{1,2}))?")
OUT_TRADE_NO_RE = re.compile(r"[0-9A-Za-z_\-|*@]{1,32}")  # WeChat Pay's rule for order numbers
TRANSACTION_RE = re.compile(r"[0-9]{1,32}")
STATE_RE = re.compile(r"[A-Z_]{1,32}")


class BillTooLarge(Exception):
    """The download went past MAX_BILL_BYTES."""


@dataclass(frozen=True)
class BillTicket:
    """Where a requested bill can be downloaded, and the SHA1 its bytes must have."""

    url: str
    path: str  # the URL's path and query on the gateway (what the request signature covers)
    sha1: str


def bill_path(day: date) -> str:
    """The request for a day's trade bill (every payment and refund), uncompressed."""
    return f"/v3/bill/tradebill?bill_date={day:%Y-%m-%d}&bill_type=ALL"


def parse_ticket(body: Any, base: str) -> BillTicket:
    """The answer to the bill request; PayError BAD_RESPONSE unless it is a SHA1 and a
    download address on the gateway itself (a signed request goes nowhere else)."""
    try:
        data = json.loads(body)
        url = str(data["download_url"]).strip()
        kind, digest = str(data["hash_type"]).upper(), str(data["hash_value"]).lower()
    except (ValueError, KeyError, TypeError) as exc:
        raise PayError("BAD_RESPONSE", f"trade bill: {exc!r}") from None
    if kind != "SHA1" or not re.fullmatch(r"[0-9a-f]{40}", digest):
        raise PayError("BAD_RESPONSE", f"trade bill: unexpected hash {kind[:16]!r}")
    if not url.startswith(base + "/") or len(url) > 2048:
        raise PayError("BAD_RESPONSE", "trade bill: download_url is not on the gateway")
    return BillTicket(url=url, path=url[len(base):], sha1=digest)


async def download(client: httpx.AsyncClient, ticket: BillTicket, authorization: str,
                   cap: int = MAX_BILL_BYTES) -> tuple[int, bytes]:
    """GET the bill file, read up to `cap` bytes (BillTooLarge beyond), within
    DOWNLOAD_SECONDS (a timeout beyond: transient, like any other)."""
    headers = {"Authorization": authorization, "Accept": "*/*"}
    try:
        async with asyncio.timeout(DOWNLOAD_SECONDS):
            async with client.stream("GET", ticket.url, headers=headers) as resp:
                declared = resp.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > cap:
                    raise BillTooLarge(f"the bill is {declared} bytes")
                chunks, size = [], 0
                async for chunk in resp.aiter_bytes():
                    size += len(chunk)
                    if size > cap:
                        raise BillTooLarge(f"the bill is over {cap} bytes")
                    chunks.append(chunk)
                return resp.status_code, b"".join(chunks)
    except TimeoutError:
        raise httpx.ReadTimeout(f"bill download took over {DOWNLOAD_SECONDS:.0f} s") from None


def check_hash(raw: bytes, ticket: BillTicket) -> None:
    """PayError BILL_HASH_MISMATCH unless the file is the one WeChat Pay described."""
    if hashlib.sha1(raw).hexdigest() != ticket.sha1:
        raise PayError("BILL_HASH_MISMATCH", f"{len(raw)} bytes whose SHA1 is not hash_value")


def yuan_to_fen(text: str) -> int:
    """"350.00" -> 35000, "-0.5" -> -50, by integer arithmetic; ValueError otherwise."""
    found = AMOUNT_RE.fullmatch(text)
    if found is None:
        raise ValueError(text)
    sign, whole, cents = found.groups()
    fen = int(whole) * 100 + int((cents or "0").ljust(2, "0"))
    return -fen if sign else fen


def _fields(line: str) -> list[str]:
    """The fields of a detail line: each starts with a backtick, so a comma inside a field
    (a product name) does not split it."""
    if not line.startswith("`"):
        return line.split(",")
    return line[1:].split(",`")


class _Columns:
    """Where each column we read is, from the header line."""

    def __init__(self, header: str) -> None:
        names = [n.strip().strip("`") for n in header.lstrip("\ufeff").split(",")]
        self.count = len(names)

        def find(*options: str, need: bool = True) -> int:
            for option in options:
                if option in names:
                    return names.index(option)
            if need:
                raise PayError("BILL_UNREADABLE", f"the header has no column {options[0]}")
            return -1

        self.time, self.mchid = find(TIME), find(MCHID, need=False)
        self.transaction, self.out_trade_no = find(*TRANSACTION), find(OUT_TRADE_NO)
        self.state, self.currency = find(STATE), find(CURRENCY, need=False)
        self.total, self.refund = find(*TOTAL), find(*REFUND)
        self.refund_fallback = find(REFUND[1], need=False)
        self.out_refund_no = find(OUT_REFUND_NO, need=False)


def _row(values: list[str], at: _Columns, number: int, mchid: str) -> BillRow:
    """One detail line as a BillRow; ValueError naming what is wrong."""
    if len(values) != at.count:
        raise ValueError(f"{len(values)} fields, the header has {at.count}")
    value = [v.strip() for v in values]
    out_trade_no, transaction_id = value[at.out_trade_no], value[at.transaction]
    if not OUT_TRADE_NO_RE.fullmatch(out_trade_no):
        raise ValueError(f"{OUT_TRADE_NO} is not an order number")
    if not TRANSACTION_RE.fullmatch(transaction_id):
        raise ValueError(f"{TRANSACTION[0]} is not a WeChat Pay number")
    if not STATE_RE.fullmatch(value[at.state]):
        raise ValueError(f"{STATE} is not a state")
    if at.mchid >= 0 and value[at.mchid] != mchid:
        raise ValueError(f"{MCHID} is another merchant's")
    if at.currency >= 0 and value[at.currency] not in ("CNY", ""):
        raise ValueError(f"{CURRENCY} is not CNY")
    try:
        when = datetime.strptime(value[at.time], "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
    except ValueError:
        raise ValueError(f"{TIME} is not a time") from None
    amounts = {}
    for name, index in (("total", at.total), ("refund", at.refund)):
        text = value[index]
        if name == "refund" and not text and at.refund_fallback >= 0:
            text = value[at.refund_fallback]
        try:
            amounts[name] = yuan_to_fen(text or "0")
        except ValueError:
            raise ValueError(f"the amount in column {index + 1} is not in yuan") from None
    refund_no = value[at.out_refund_no] if at.out_refund_no >= 0 else ""
    return BillRow(out_trade_no=out_trade_no, transaction_id=transaction_id,
                   trade_state=value[at.state], amount_fen=amounts["total"],
                   refund_fen=amounts["refund"], time=when,
                   out_refund_no="" if refund_no == "0" else refund_no[:64], line=number)


def _unreadable(values: list[str], at: _Columns, number: int, problem: str) -> BillRow:
    """What can be told about a line that could not be read: its numbers where they look
    right, never anything else from it."""
    def safe(index: int, pattern: re.Pattern[str]) -> str:
        found = values[index].strip() if 0 <= index < len(values) else ""
        return found if pattern.fullmatch(found) else ""

    return BillRow(out_trade_no=safe(at.out_trade_no, OUT_TRADE_NO_RE),
                   transaction_id=safe(at.transaction, TRANSACTION_RE),
                   trade_state=UNREADABLE, amount_fen=0, line=number, problem=problem[:120])


def parse_bill(raw: bytes, mchid: str) -> list[BillRow]:
    """Every detail line of a trade bill file, in order. A line that cannot be read becomes
    an UNREADABLE row; a file that is not a bill at all raises PayError BILL_UNREADABLE."""
    if len(raw) > MAX_BILL_BYTES:
        raise PayError("BILL_UNREADABLE", f"over {MAX_BILL_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PayError("BILL_UNREADABLE", f"not UTF-8 at byte {exc.start}") from None
    lines = text.lstrip("\ufeff").splitlines()
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        raise PayError("BILL_UNREADABLE", "the file is empty")
    header = numbered[0][1]
    if len(header) > MAX_LINE:
        raise PayError("BILL_UNREADABLE", "the header line is too long")
    columns = _Columns(header)
    rows: list[BillRow] = []
    bad = 0
    for number, line in numbered[1:]:
        if line.lstrip("`").startswith(SUMMARY):
            break  # the summary header and the totals after it
        try:
            if len(line) > MAX_LINE:
                raise ValueError(f"the line is over {MAX_LINE} characters")
            rows.append(_row(_fields(line), columns, number, mchid))
        except ValueError as exc:
            bad += 1
            if bad > MAX_UNREADABLE:
                raise PayError("BILL_UNREADABLE",
                               f"more than {MAX_UNREADABLE} unreadable lines") from None
            rows.append(_unreadable(_fields(line[:MAX_LINE]), columns, number, str(exc)))
    return rows
