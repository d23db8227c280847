"""The fake gateway's payment orders and refunds, as WeChat Pay's APIv3 endpoints: a Native
or JSAPI order made (or found again with the same parameters), queried, closed, refunded
(sandbox/pay/gateway.py keeps the orders and signs the answers)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from sandbox.pay.gateway import Body, FakeOrder, PayGateway, _error, _signed, gateway_view
from services.common.clock import CHINA


async def _create(request: web.Request, gateway: PayGateway, data: dict[str, Any],
                  trade_type: str) -> web.StreamResponse:
    no = str(data.get("out_trade_no", ""))
    total = (data.get("amount") or {}).get("total")
    if not (6 <= len(no) <= 32) or not isinstance(total, int) or total <= 0 \
            or not data.get("description") or data.get("mchid") != gateway.mchid:
        return _error(400, "PARAM_ERROR", "参数错误")
    if not str(data.get("notify_url", "")).startswith(("http://", "https://")) \
            or "?" in str(data.get("notify_url")):
        return _error(400, "PARAM_ERROR", "notify_url格式错误")
    existing = gateway.orders.get(no)
    if existing is not None:
        if existing.state == "SUCCESS":
            return _error(400, "ORDERPAID", "该订单已支付")
        if existing.state == "CLOSED":
            return _error(400, "ORDER_CLOSED", "订单已关闭")
        if existing.params != data:
            return _error(400, "INVALID_REQUEST", "201 商户订单号重复")
        order = existing
    else:
        order = FakeOrder(no, str(data.get("appid")), gateway.mchid, str(data["description"]),
                          total, str(data["notify_url"]), trade_type, data,
                          payer_openid=str((data.get("payer") or {}).get("openid", "")))
        gateway.orders[no] = order
    if trade_type == "NATIVE":
        if not order.code_url:
            order.code_url = f"weixin://wxpay/bizpayurl?pr={secrets.token_urlsafe(6)}"
            gateway.by_code[order.code_url] = no
        return _signed(gateway, 200, {"code_url": order.code_url})
    if not order.payer_openid:
        return _error(400, "PARAM_ERROR", "缺少payer.openid")
    if not order.prepay_id:
        order.prepay_id = "wx" + "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz")
                                         for _ in range(30))
        gateway.by_code[order.prepay_id] = no
    return _signed(gateway, 200, {"prepay_id": order.prepay_id})


@gateway_view
async def native(request: web.Request, gateway: PayGateway, data: Body) -> web.StreamResponse:
    return await _create(request, gateway, data, "NATIVE")


@gateway_view
async def jsapi(request: web.Request, gateway: PayGateway, data: Body) -> web.StreamResponse:
    return await _create(request, gateway, data, "JSAPI")


@gateway_view
async def query(request: web.Request, gateway: PayGateway, data: Body) -> web.StreamResponse:
    order = gateway.orders.get(request.match_info["no"])
    if request.match_info["no"] in gateway.query_failing:
        return _error(500, "SYSTEM_ERROR", "系统错误")
    if order is None or request.query.get("mchid") != gateway.mchid:
        return _error(404, "ORDER_NOT_EXIST", "订单不存在")
    return _signed(gateway, 200, order.as_transaction())


@gateway_view
async def close(request: web.Request, gateway: PayGateway, data: Body) -> web.StreamResponse:
    order = gateway.orders.get(request.match_info["no"])
    if order is None:
        return _error(404, "ORDER_NOT_EXIST", "订单不存在")
    if order.state in ("SUCCESS", "REFUND"):
        return _error(400, "ORDERPAID", "订单已支付")
    order.state = "CLOSED"
    return _signed(gateway, 204, None)


@gateway_view
async def refund(request: web.Request, gateway: PayGateway, data: Body) -> web.StreamResponse:
    order = gateway.orders.get(str(data.get("out_trade_no", "")))
    if order is None or order.state not in ("SUCCESS", "REFUND"):
        return _error(400, "INVALID_REQUEST", "订单状态不允许退款")
    amount = data.get("amount") or {}
    if amount.get("total") != order.total or amount.get("refund", 0) > order.total:
        return _error(400, "PARAM_ERROR", "退款金额错误")
    no = str(data.get("out_refund_no", ""))
    if no not in order.refunds:
        order.refunds.append(no)
        order.refunded_at = datetime.now(CHINA).isoformat(timespec="seconds")
        order.refunded_fen = int(amount.get("refund", 0))
    order.state = "REFUND"
    return _signed(gateway, 200, {"refund_id": "50" + secrets.token_hex(12), "out_refund_no": no,
                                  "out_trade_no": order.out_trade_no, "status": "SUCCESS",
                                  "create_time": datetime.now(UTC).isoformat(),
                                  "amount": {"refund": amount.get("refund"),
                                             "total": order.total, "currency": "CNY"}})
