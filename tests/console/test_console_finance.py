"""Finance's invoice desk in the console (XJ-SIGNUP: the training fee's invoice is
sent to the payer): a paid fee whose invoice was asked for waits on the desk in yuan and China
time, the number typed once issued reaches the payer, and the request moves to 已开具."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp.test_utils import TestClient

from models.money.payments import Payable
from models.notifications import Notification
from sandbox.pay.gateway import PayGateway
from tests.support.access import exact_access
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.helpers import eventually
from tests.support.payments import course_fee, due, payments


async def test_finance_records_an_issued_invoice_and_the_payer_is_told(
        client: TestClient, api: Api, demo: dict, pay_gateway: PayGateway) -> None:
    await course_fee(api, demo)
    person_id, item = await due(client, demo)
    checkout = await payments(client).checkout(person_id, item, datetime.now(UTC))
    await pay_gateway.scan_and_pay(checkout.order.out_trade_no)
    await eventually(lambda: Payable.exists(paid_at__not_isnull=True))
    payable = await Payable.get(paid_at__not_isnull=True)
    desk = Desk(client)
    assert (await desk.sign_in(demo["finance"].phone)).status == 303
    _, shown = await desk.get("/console/invoices")
    assert f'data-testid="invoice-{payable.id}"' in shown and "200.00" in shown
    assert checkout.order.out_trade_no in shown
    short, _ = await desk.post(f"/console/invoices/{payable.id}", {"invoice_no": "12"})
    assert "发票号码" in await desk.flash(short.headers["Location"])
    recorded, _ = await desk.post(f"/console/invoices/{payable.id}",
                                  {"invoice_no": "25442000000123456789"})
    said = await desk.flash(recorded.headers["Location"])
    assert "25442000000123456789" in said and "缴费人会收到通知" in said
    told = await Notification.filter(kind="payment.invoiced", person_id=person_id)
    assert len(told) == 1
    _, pending = await desk.get("/console/invoices")
    assert "没有待开具的发票申请" in pending
    _, issued = await desk.get("/console/invoices?issued=1")
    assert "25442000000123456789" in issued
    sheets, exported = await exact_access(client, "/console/invoices.csv?issued=1")
    assert "25442000000123456789" in str(sheets) and exported.detail["rows"] == 1
    # only the administrators (finance) reach it
    await desk.sign_out()
    assert (await desk.sign_in(demo["handler"].phone)).status == 303
    refused, _ = await desk.get("/console/invoices")
    assert refused.status == 403
