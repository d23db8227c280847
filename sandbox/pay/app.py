"""The fake WeChat Pay gateway as an aiohttp app: payments and refunds
(sandbox/pay/gateway.py), the trade bill (sandbox/pay/bill.py), the fund-flow bill
(sandbox/pay/fundflow.py), 电子发票 (sandbox/pay/fapiao.py) and 商家转账
(sandbox/pay/transfer.py, its 用户授权免确认 in sandbox/pay/authorisation.py, its 电子回单 there
too)."""

from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp import web

from sandbox.pay.authorisation import add_authorisation_routes
from sandbox.pay.bill import bill_download, trade_bill
from sandbox.pay.fapiao import add_fapiao_routes
from sandbox.pay.fundflow import fund_flow_bill
from sandbox.pay.gateway import GATEWAY, PayGateway, gateway_view
from sandbox.pay.orders import close, jsapi, native, query, refund
from sandbox.pay.receipts import add_receipt_routes
from sandbox.pay.transfer import add_transfer_routes


def pay_gateway_app(gateway: PayGateway) -> web.Application:
    """The fake gateway as an aiohttp app (mounted at /sandbox/pay, or served on its own)."""
    app = web.Application()
    app[GATEWAY] = gateway

    async def lifecycle(app: web.Application) -> Any:
        gateway.session = aiohttp.ClientSession()
        yield
        await gateway.close()

    app.cleanup_ctx.append(lifecycle)
    app.router.add_post("/v3/pay/transactions/native", native)
    app.router.add_post("/v3/pay/transactions/jsapi", jsapi)
    app.router.add_get("/v3/pay/transactions/out-trade-no/{no}", query)
    app.router.add_post("/v3/pay/transactions/out-trade-no/{no}/close", close)
    app.router.add_post("/v3/refund/domestic/refunds", refund)
    app.router.add_get("/v3/bill/tradebill", gateway_view(trade_bill))
    app.router.add_get("/v3/bill/fundflowbill", gateway_view(fund_flow_bill))
    app.router.add_get("/v3/billdownload/file", gateway_view(bill_download))
    add_fapiao_routes(app)
    add_transfer_routes(app)
    add_receipt_routes(app)
    add_authorisation_routes(app)
    return app
