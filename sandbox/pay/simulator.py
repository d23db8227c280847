"""The simulator's pay side (under /sandbox/api/): the orders a payer could scan at the fake
WeChat Pay gateway and paying one, and the experts' fee transfers waiting for the payee, who
confirms one or lets it expire."""

from __future__ import annotations

from aiohttp import web

from sandbox.pay.gateway import PayGateway
from sandbox.pay.transfer import TransferDesk

PAY_GATEWAY = web.AppKey("sandbox_pay_gateway", PayGateway)


async def pay_orders(request: web.Request) -> web.Response:
    """Unpaid orders at the fake WeChat Pay gateway (what a payer could scan now)."""
    gateway = request.app[PAY_GATEWAY]
    return web.json_response([
        {"out_trade_no": o.out_trade_no, "description": o.description, "total": o.total,
         "trade_type": o.trade_type, "code_url": o.code_url}
        for o in reversed(gateway.orders.values()) if o.state == "NOTPAY"][:10])


async def pay_scan(request: web.Request) -> web.Response:
    """The payer scans an order's QR code and pays; the notification goes to the service."""
    body = await request.json()
    try:
        order = await request.app[PAY_GATEWAY].scan_and_pay(
            str(body.get("out_trade_no", "")), str(body.get("openid") or "o_sandbox_payer"))
    except LookupError as exc:
        return web.json_response({"error": "pay", "message": str(exc)}, status=409)
    return web.json_response({"ok": True, "transaction_id": order.transaction_id})


async def transfers(request: web.Request) -> web.Response:
    """Experts' fee transfers waiting for the payee's confirmation (商家转账)."""
    gateway = request.app[PAY_GATEWAY]
    return web.json_response([
        {"out_bill_no": t.out_bill_no, "openid": t.openid, "amount": t.amount,
         "remark": t.remark, "created": t.created}
        for t in reversed(gateway.transfers.values()) if t.state == "WAIT_USER_CONFIRM"][:10])


async def transfer_confirm(request: web.Request) -> web.Response:
    """The payee taps 收款 on wx.requestMerchantTransfer's page (or, with "expire": true,
    lets the 24 hours pass); the notification goes to the service."""
    body = await request.json()
    desk = TransferDesk(request.app[PAY_GATEWAY])
    no = str(body.get("out_bill_no", ""))
    try:
        if body.get("expire"):
            bill = desk.expire(no)
        else:
            bill = desk.confirm(no, str(body.get("openid", "")))
    except (LookupError, KeyError) as exc:
        return web.json_response({"error": "transfer", "message": str(exc)}, status=409)
    return web.json_response({"ok": True, "state": bill.state})


def setup_pay_simulator(app: web.Application) -> None:
    app.router.add_get("/api/pay-orders", pay_orders)
    app.router.add_post("/api/pay-scan", pay_scan)
    app.router.add_get("/api/transfers", transfers)
    app.router.add_post("/api/transfer-confirm", transfer_confirm)
