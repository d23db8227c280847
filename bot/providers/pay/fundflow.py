"""WeChat Pay's daily fund-flow bill (资金账单, APIv3): the request for it and the file read
into FundFlowRow values; the download and its SHA1 check are the trade bill's
(bot/providers/pay/bill.py).

`GET /v3/bill/fundflowbill?bill_date=YYYY-MM-DD&account_type=BASIC|OPERATION|FEES` answers,
signed, `{"hash_type": "SHA1", "hash_value": ..., "download_url": ...}` (WX-PAY-FUNDFLOW).
The file: a header line (记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,
收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号), one line per movement of the
account's money with every field prefixed by a backtick, amounts in yuan, then a summary
header (资金流水总笔数,...) and a totals line. Columns are found by their names, with the
parentheses half- or full-width. A line that cannot be read is reported as an UNREADABLE row
with its line number, never with its content."""

from __future__ import annotations

import re
from datetime import date, datetime

from bot.providers.pay.bill import MAX_BILL_BYTES, MAX_LINE, MAX_UNREADABLE, yuan_to_fen
from services.common.clock import CHINA
from services.payments import UNREADABLE, FundFlowRow, PayError

TIME = "记账时间"
WX_NO = "微信支付业务单号"
FLOW_NO = "资金流水单号"
NAME = "业务名称"
KIND = "业务类型"
DIRECTION = "收支类型"
AMOUNT = "收支金额(元)"
VOUCHER = "业务凭证号"
SUMMARY = "资金流水总笔数"

NUMBER_RE = re.compile(r"[0-9A-Za-z_\-|*@]{0,64}")
WORD_RE = re.compile(r"[^\x00-\x1f]{0,32}")


def fundflow_path(day: date, account_type: str) -> str:
    """The request for a day's fund-flow bill of one account, uncompressed."""
    return f"/v3/bill/fundflowbill?bill_date={day:%Y-%m-%d}&account_type={account_type}"


def _name(cell: str) -> str:
    return cell.strip().strip("`").replace("（", "(").replace("）", ")")


def _fields(line: str) -> list[str]:
    if not line.startswith("`"):
        return line.split(",")
    return line[1:].split(",`")


class _Columns:
    def __init__(self, header: str) -> None:
        names = [_name(n) for n in header.lstrip("\ufeff").split(",")]
        self.count = len(names)

        def find(name: str) -> int:
            if name not in names:
                raise PayError("BILL_UNREADABLE", f"the header has no column {name}")
            return names.index(name)

        self.time, self.wx_no, self.flow_no = find(TIME), find(WX_NO), find(FLOW_NO)
        self.name, self.kind, self.direction = find(NAME), find(KIND), find(DIRECTION)
        self.amount, self.voucher = find(AMOUNT), find(VOUCHER)


def _row(values: list[str], at: _Columns, number: int) -> FundFlowRow:
    if len(values) != at.count:
        raise ValueError(f"{len(values)} fields, the header has {at.count}")
    value = [v.strip() for v in values]
    for index, label in ((at.wx_no, WX_NO), (at.flow_no, FLOW_NO), (at.voucher, VOUCHER)):
        if not NUMBER_RE.fullmatch(value[index]):
            raise ValueError(f"{label} is not a number")
    for index, label in ((at.name, NAME), (at.kind, KIND), (at.direction, DIRECTION)):
        if not WORD_RE.fullmatch(value[index]):
            raise ValueError(f"{label} is not a word")
    try:
        when = datetime.strptime(value[at.time], "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
    except ValueError:
        raise ValueError(f"{TIME} is not a time") from None
    try:
        fen = yuan_to_fen(value[at.amount])
    except ValueError:
        raise ValueError(f"{AMOUNT} is not in yuan") from None
    return FundFlowRow(wx_no=value[at.wx_no], flow_no=value[at.flow_no],
                       name=value[at.name], kind=value[at.kind],
                       direction=value[at.direction], amount_fen=fen,
                       voucher=value[at.voucher], time=when, line=number)


def _unreadable(values: list[str], at: _Columns, number: int, problem: str) -> FundFlowRow:
    def safe(index: int) -> str:
        found = values[index].strip() if 0 <= index < len(values) else ""
        return found if NUMBER_RE.fullmatch(found) else ""

    return FundFlowRow(wx_no=safe(at.wx_no), flow_no="", name="", kind=UNREADABLE,
                       direction="", amount_fen=0, voucher=safe(at.voucher), line=number,
                       problem=problem[:120])


def parse_fundflow(raw: bytes) -> list[FundFlowRow]:
    """Every detail line of a fund-flow bill file, in order; a line that cannot be read
    becomes an UNREADABLE row; a file that is not such a bill raises BILL_UNREADABLE."""
    if len(raw) > MAX_BILL_BYTES:
        raise PayError("BILL_UNREADABLE", f"over {MAX_BILL_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PayError("BILL_UNREADABLE", f"not UTF-8 at byte {exc.start}") from None
    numbered = [(n, line) for n, line in enumerate(text.lstrip("\ufeff").splitlines(), 1)
                if line.strip()]
    if not numbered:
        raise PayError("BILL_UNREADABLE", "the file is empty")
    if len(numbered[0][1]) > MAX_LINE:
        raise PayError("BILL_UNREADABLE", "the header line is too long")
    columns = _Columns(numbered[0][1])
    rows: list[FundFlowRow] = []
    bad = 0
    for number, line in numbered[1:]:
        if line.lstrip("`").startswith(SUMMARY):
            break
        try:
            if len(line) > MAX_LINE:
                raise ValueError(f"the line is over {MAX_LINE} characters")
            rows.append(_row(_fields(line), columns, number))
        except ValueError as exc:
            bad += 1
            if bad > MAX_UNREADABLE:
                raise PayError("BILL_UNREADABLE",
                               f"more than {MAX_UNREADABLE} unreadable lines") from None
            rows.append(_unreadable(_fields(line[:MAX_LINE]), columns, number, str(exc)))
    return rows
