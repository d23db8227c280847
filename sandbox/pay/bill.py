"""The fake gateway's daily trade bill, as api.mch.weixin.qq.com serves it: GET
/v3/bill/tradebill answers (signed) the file's SHA1 and a download address on the same
gateway, valid 30 s; GET /v3/billdownload/file gives the file itself (not signed). The file
is built from the gateway's own orders: a SUCCESS line for each order paid that China day, a
REFUND line for each refund made that day, in WeChat Pay's columns, every field prefixed with
a backtick, then the summary header and the totals.

A day's bill is out as WX-PAY describes (下载账单: "微信在次日9点启动生成前一天的对账单，建议
商户10点后再获取"): before 09:00 China time the next day — today all day — the answer is
NO_STATEMENT_EXIST (请求的账单文件不存在), from 09:00 to 10:00 STATEMENT_CREATING (账单生成中),
then the bill (NO_STATEMENT_EXIST again for a day without trades); a day still to come is a
PARAM_ERROR. The hour is read from the gateway's `bill_clock` (tests move it to a time of day
when yesterday's bill is out).

Tests make the bill disagree with the service: `bill_extra_rows` (trades WeChat Pay has and
the service does not), `bill_amount_override[out_trade_no] = fen`, `bill_dropped` (orders
left out); `bill_not_ready` answers STATEMENT_CREATING and `bill_tampered` serves a file
whose SHA1 is not the one announced."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import secrets
import time
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from typing import Any, Protocol

from aiohttp import web

from services.common.clock import CHINA
from services.payments import BillRow

HEADER = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,"
          "交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,"
          "充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,"
          "费率备注")
SUMMARY = ("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,"
           "申请退款总金额")
RATE = 6  # the fee, per thousand (0.60%)
LINK_TTL = 30.0  # seconds a download address lives
# China time, the next day: the bills are made from 09:00 and out by 10:00
MAKING, OUT = time_of_day(9, 0), time_of_day(10, 0)


class BilledOrder(Protocol):
    out_trade_no: str
    appid: str
    description: str
    trade_type: str
    payer_openid: str
    state: str
    total: int
    transaction_id: str
    success_time: str
    refunds: list[str]
    refunded_at: str
    refunded_fen: int


class BillingGateway(Protocol):
    mchid: str
    base_url: str
    bill_extra_rows: list[BillRow]
    bill_amount_override: dict[str, int]
    bill_dropped: set[str]
    bill_not_ready: bool
    bill_tampered: bool
    bill_clock: Callable[[], datetime]
    bill_files: dict[str, tuple[bytes, float]]

    @property
    def orders(self) -> Mapping[str, BilledOrder]: ...

    def sign_headers(self, body: str) -> dict[str, str]: ...


def yuan(fen: int, places: int = 2) -> str:
    """35000 -> "350.00" (fen), or with places=5 a value in 1e-5 yuan."""
    unit = 10 ** places
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // unit}.{abs(fen) % unit:0{places}d}"


def _when(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(CHINA)


def _line(cells: list[str]) -> str:
    return ",".join("`" + cell for cell in cells)


def _cells(gateway: BillingGateway, when: datetime, transaction_id: str, out_trade_no: str,
           state: str, *, appid: str, openid: str, trade_type: str, description: str,
           total: int, refund: int, out_refund_no: str) -> list[str]:
    """One detail line in the order of HEADER."""
    refunding = state == "REFUND"
    settled = 0 if refunding else total
    fee = (-refund if refunding else total) * RATE * 100  # in 1e-5 yuan
    return [f"{when:%Y-%m-%d %H:%M:%S}", appid, gateway.mchid, "0", "", transaction_id,
            out_trade_no, openid, trade_type, state, "OTHERS", "CNY", yuan(settled), "0.00",
            "50" + transaction_id[2:] if refunding else "0", out_refund_no or "0",
            yuan(refund), "0.00", "ORIGINAL" if refunding else "",
            "SUCCESS" if refunding else "", description, "", yuan(fee, 5),
            f"{RATE / 10:.2f}%", yuan(0 if refunding else total), yuan(refund), ""]


def bill_lines(gateway: BillingGateway, day: date) -> list[list[str]]:
    """The day's detail lines, in time order."""
    found: list[tuple[datetime, list[str]]] = []
    for order in gateway.orders.values():
        if order.out_trade_no in gateway.bill_dropped:
            continue
        common: dict[str, Any] = {"appid": order.appid, "openid": order.payer_openid,
                                  "trade_type": order.trade_type,
                                  "description": order.description}
        if order.success_time and order.state in ("SUCCESS", "REFUND") \
                and _when(order.success_time).date() == day:
            when = _when(order.success_time)
            total = gateway.bill_amount_override.get(order.out_trade_no, order.total)
            found.append((when, _cells(gateway, when, order.transaction_id,
                                       order.out_trade_no, "SUCCESS", total=total, refund=0,
                                       out_refund_no="", **common)))
        if order.refunded_at and _when(order.refunded_at).date() == day:
            when = _when(order.refunded_at)
            found.append((when, _cells(gateway, when, order.transaction_id,
                                       order.out_trade_no, "REFUND", total=0,
                                       refund=order.refunded_fen,
                                       out_refund_no=order.refunds[-1], **common)))
    for row in gateway.bill_extra_rows:
        if row.time is not None and row.time.astimezone(CHINA).date() == day:
            when = row.time.astimezone(CHINA)
            found.append((when, _cells(
                gateway, when, row.transaction_id, row.out_trade_no, row.trade_state,
                appid="wx_sandbox_other", openid="o_sandbox_stranger", trade_type="NATIVE",
                description="沙箱账单外的交易", total=row.amount_fen, refund=row.refund_fen,
                out_refund_no=row.out_refund_no)))
    return [cells for _, cells in sorted(found, key=lambda f: f[0])]


def bill_file(lines: list[list[str]]) -> bytes:
    """The whole file: header, detail lines, summary header, totals."""
    def total(column: int, places: int = 2) -> str:
        # a column's values all have `places` decimals: "-0.27000" is -27000 of its unit
        return yuan(sum(int(cells[column].replace(".", "")) for cells in lines), places)

    totals = [str(len(lines)), total(12), total(16), total(17), total(22, 5), total(24),
              total(25)]
    text = "\n".join([HEADER, *(_line(c) for c in lines), SUMMARY, _line(totals)]) + "\n"
    return text.encode("utf-8")


def _refusal(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"code": code, "message": message}, status=status)


def not_out(gateway: BillingGateway, day: date) -> web.Response | None:
    """WeChat Pay's answer for a day whose bills are not out at the gateway's hour (or that
    is still to come); None once they are."""
    now = gateway.bill_clock().astimezone(CHINA)
    if day > now.date():
        return _refusal(400, "PARAM_ERROR", "账单日期不能晚于今天")
    next_day = day + timedelta(days=1)
    if now < datetime.combine(next_day, MAKING, tzinfo=CHINA):
        return _refusal(400, "NO_STATEMENT_EXIST", "请求的账单文件不存在")
    if now < datetime.combine(next_day, OUT, tzinfo=CHINA) or gateway.bill_not_ready:
        return _refusal(400, "STATEMENT_CREATING", "账单生成中")
    return None


async def trade_bill(request: web.Request, gateway: BillingGateway,
                     data: dict[str, Any]) -> web.StreamResponse:
    """申请交易账单."""
    text = request.query.get("bill_date", "")
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        return _refusal(400, "PARAM_ERROR", "bill_date格式错误")
    if request.query.get("bill_type", "ALL") != "ALL":
        return _refusal(400, "PARAM_ERROR", "沙箱仅支持 bill_type=ALL")
    if (refused := not_out(gateway, day)) is not None:
        return refused
    lines = bill_lines(gateway, day)
    if not lines:
        return _refusal(400, "NO_STATEMENT_EXIST", "请求的账单文件不存在")
    raw = bill_file(lines)
    digest = hashlib.sha1(raw).hexdigest()  # of the file itself, compressed or not
    if request.query.get("tar_type") == "GZIP":
        raw = gzip.compress(raw)
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


async def bill_download(request: web.Request, gateway: BillingGateway,
                        data: dict[str, Any]) -> web.StreamResponse:
    """下载账单: the file, not signed (WeChat Pay signs no download)."""
    found = gateway.bill_files.get(request.query.get("token", ""))
    if found is None or found[1] < time.monotonic():
        return _refusal(400, "INVALID_REQUEST", "下载链接已过期，请重新申请账单")
    return web.Response(body=found[0], content_type="application/octet-stream")
