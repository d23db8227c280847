"""The fake gateway's daily fund-flow bill (资金账单) of the operating account, as
api.mch.weixin.qq.com serves it: GET /v3/bill/fundflowbill answers (signed) the file's SHA1
and a download address served by the trade bill's /v3/billdownload/file (sandbox/pay/bill.py).
The file is built from the gateway's own 商家转账 bills: one 支出 line for each transfer that
succeeded that China day, in WeChat Pay's columns (WX-PAY-FUNDFLOW), every field prefixed with
a backtick, then the summary header and the totals. The transfer lines' 业务名称 and 业务类型
are 商家转账, 微信支付业务单号 the transfer bill number, 业务凭证号 our out_bill_no (ours, see
docs/rules-that-are-ours.md).

It is out when the trade bill is (sandbox/pay/bill.py `not_out`: NO_STATEMENT_EXIST before
09:00 China time the next day, STATEMENT_CREATING until 10:00). Tests make it disagree with
the service: `fundflow_dropped` (transfers left out), `fundflow_amount_override[out_bill_no]
= fen`; the trade bill's `bill_not_ready`, `bill_tampered` and `bill_clock` hold for it too."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from datetime import date, datetime
from typing import Any

from aiohttp import web

from sandbox.pay.bill import LINK_TTL, not_out, yuan
from sandbox.pay.gateway import PayGateway
from services.common.clock import CHINA

HEADER = ("记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),"
          "账户结余(元),资金变更提交申请人,备注,业务凭证号")
SUMMARY = "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额"
TRANSFER = "商家转账"
OPENING_FEN = 100_000_000  # the operating account's balance before the day, when ample
ACCOUNTS = ("BASIC", "OPERATION", "FEES")


def _line(cells: list[str]) -> str:
    return ",".join("`" + cell for cell in cells)


def fundflow_lines(gateway: PayGateway, day: date, account: str = "OPERATION"
                   ) -> list[list[str]]:
    """The day's detail lines of `account`, in time order: transfers leave the operating
    account; the other accounts have none here."""
    if account != "OPERATION":
        return []
    found = []
    for bill in gateway.transfers.values():
        if bill.state != "SUCCESS" or not bill.updated \
                or bill.out_bill_no in gateway.fundflow_dropped:
            continue
        when = datetime.fromisoformat(bill.updated).astimezone(CHINA)
        if when.date() == day:
            found.append((when, bill))
    balance = gateway.transfer_balance_fen
    balance = OPENING_FEN if balance is None else balance
    lines: list[list[str]] = []
    for when, bill in sorted(found, key=lambda f: f[0]):
        fen = gateway.fundflow_amount_override.get(bill.out_bill_no, bill.amount)
        balance -= fen
        lines.append([f"{when:%Y-%m-%d %H:%M:%S}", bill.transfer_bill_no,
                      f"{gateway.mchid}{when:%Y%m%d}{len(lines) + 1:010d}", TRANSFER, TRANSFER,
                      "支出", yuan(fen), yuan(balance), "system", bill.remark[:32],
                      bill.out_bill_no])
    return lines


def fundflow_file(lines: list[list[str]]) -> bytes:
    """The whole file: header, detail lines, summary header, totals."""
    out = sum(int(c[6].replace(".", "")) for c in lines if c[5] == "支出")
    income = sum(int(c[6].replace(".", "")) for c in lines if c[5] == "收入")
    paid = sum(1 for c in lines if c[5] == "支出")
    totals = [str(len(lines)), str(len(lines) - paid), yuan(income), str(paid), yuan(out)]
    text = "\n".join([HEADER, *(_line(c) for c in lines), SUMMARY, _line(totals)]) + "\n"
    return text.encode("utf-8")


def _refusal(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"code": code, "message": message}, status=status)


async def fund_flow_bill(request: web.Request, gateway: PayGateway,
                         data: dict[str, Any]) -> web.StreamResponse:
    """申请资金账单."""
    text = request.query.get("bill_date", "")
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        return _refusal(400, "PARAM_ERROR", "bill_date格式错误")
    account = request.query.get("account_type", "BASIC")
    if account not in ACCOUNTS:
        return _refusal(400, "PARAM_ERROR", "account_type取值错误")
    if (refused := not_out(gateway, day)) is not None:
        return refused
    lines = fundflow_lines(gateway, day, account)
    if not lines:
        return _refusal(400, "NO_STATEMENT_EXIST", "请求的账单文件不存在")
    raw = fundflow_file(lines)
    digest = hashlib.sha1(raw).hexdigest()
    if gateway.bill_tampered:
        raw += b" "
    now = time.monotonic()
    for token in [t for t, (_, until) in gateway.bill_files.items() if until < now]:
        del gateway.bill_files[token]
    token = secrets.token_urlsafe(24)
    gateway.bill_files[token] = (raw, now + LINK_TTL)
    base = gateway.base_url or f"{request.scheme}://{request.host}" \
                               f"{request.path.split('/v3/', 1)[0]}"
    body = json.dumps({"hash_type": "SHA1", "hash_value": digest,
                       "download_url": f"{base}/v3/billdownload/file?token={token}"})
    return web.Response(text=body, headers=gateway.sign_headers(body),
                        content_type="application/json")
