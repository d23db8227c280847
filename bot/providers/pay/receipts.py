"""WeChat Pay's electronic receipt (电子回单) of a merchant transfer bill (WX-PAY 商户单号申请
电子回单 POST /v3/fund-app/mch-transfer/elecsign/out-bill-no, 商户单号查询电子回单 GET
…/out-bill-no/{out_bill_no}): applied for once the bill is paid, ready a while later with the
file's digest and a download address valid 10 minutes ("请务必对比下载的回单文件的摘要值与查询
接口返回的摘要值的一致性"). The file is fetched by a signed GET on the gateway and refused
unless its SHA-256 is the one announced."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import quote

from bot.providers.pay.bill import BillTicket
from services.payments import PayError
from services.payments.transfers import RECEIPT_STATES, TransferReceipt

RECEIPTS = "/v3/fund-app/mch-transfer/elecsign/out-bill-no"


def receipt_path(out_bill_no: str) -> str:
    return f"{RECEIPTS}/{quote(out_bill_no, safe='')}"


def parse_receipt(body: Any, out_bill_no: str, base: str) -> TransferReceipt:
    """The answer to an application or a query; PayError BAD_RESPONSE when it is not what
    the documentation describes (a finished one: a SHA256 and a download address on the
    gateway itself)."""
    try:
        data = json.loads(body)
        state = str(data.get("state", ""))
    except (ValueError, AttributeError) as exc:
        raise PayError("BAD_RESPONSE", f"receipt: {exc!r}") from None
    if state not in RECEIPT_STATES:
        raise PayError("BAD_RESPONSE", f"receipt: unknown state {state[:20]!r}")
    kind = str(data.get("hash_type") or "").upper()
    digest = str(data.get("hash_value") or "").lower()
    url = str(data.get("download_url") or "").strip()
    if state == "FINISHED" and (kind != "SHA256" or not re.fullmatch(r"[0-9a-f]{64}", digest)
                                or not url.startswith(base + "/") or len(url) > 2048):
        raise PayError("BAD_RESPONSE", "receipt: no SHA256 or no download address on the "
                                       "gateway")
    return TransferReceipt(out_bill_no=out_bill_no, state=state, hash_type=kind,
                           hash_value=digest, download_url=url,
                           fail_reason=str(data.get("fail_reason") or "")[:64])


def parse_applied(body: Any, out_bill_no: str) -> TransferReceipt:
    """The answer to an application: its state only (the file's digest and address come
    with a query)."""
    try:
        state = str(json.loads(body).get("state", ""))
    except (ValueError, AttributeError) as exc:
        raise PayError("BAD_RESPONSE", f"receipt apply: {exc!r}") from None
    if state not in RECEIPT_STATES:
        raise PayError("BAD_RESPONSE", f"receipt apply: unknown state {state[:20]!r}")
    return TransferReceipt(out_bill_no=out_bill_no, state=state)


def ticket_of(receipt: TransferReceipt, base: str) -> BillTicket:
    """Where to fetch the file (BillTicket's sha1 field carries the SHA-256 here)."""
    return BillTicket(url=receipt.download_url, path=receipt.download_url[len(base):],
                      sha1=receipt.hash_value)


def check_receipt(raw: bytes, receipt: TransferReceipt) -> bytes:
    """The file, unless its SHA-256 is not the one the query announced."""
    if hashlib.sha256(raw).hexdigest() != receipt.hash_value:
        raise PayError("RECEIPT_HASH_MISMATCH",
                       f"{len(raw)} bytes whose SHA-256 is not hash_value")
    return raw
