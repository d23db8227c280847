"""An agency funds its experts' fees by scanning a WeChat Pay QR code (GD-DRAW: the drawing
unit pays): the sheet is held while it is paid, the verified payment (applied once) submits
it to finance with the transaction as its reference, no invoice is asked for; a payment for
a sheet already submitted by bank transfer is logged for finance, never applied twice."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from models.draws import DrawLog
from models.money.payments import Payable, PayOrder
from models.money.payouts import FeeFunding
from sandbox.pay.gateway import PayGateway
from tests.support.api import Api
from tests.support.helpers import eventually
from tests.support.payouts import fees_ready, record
from tests.support.wechat import Chat


async def _ready(api: Api, chat: Chat, client: TestClient, demo: dict) -> tuple[int, str, list]:
    aid, token, served = await fees_ready(api, chat, client, demo)
    assert (await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                           {"channel": "platform"})).status == 200
    for item in served:
        assert (await record(api, aid, token, item)).status == 200
    return aid, token, served


async def test_the_agency_scans_to_fund_the_sheet_and_finance_approves_it(
        api: Api, chat: Chat, client: TestClient, demo: dict,
        pay_gateway: PayGateway) -> None:
    aid, token, (item, _) = await _ready(api, chat, client, demo)
    paying = await api.call("POST", f"/draws/activities/{aid}/fee-funding/checkout", token)
    assert paying.status == 200, paying.data
    assert paying.data["amount_yuan"] == "800.00" and paying.data["code_url"]
    assert paying.data["jsapi"]  # from the mini-program: paid inside it as well
    assert paying.data["qr_png"].startswith("data:image/png;base64,")
    fees = await api.call("GET", f"/draws/activities/{aid}/fees", token)
    assert fees.data["funding"]["state_title"] == "待扫码付款"
    # the sheet is held while it is paid; asked again, the same order (not a second one)
    held = await record(api, aid, token, item, "500.00", "补差")
    assert held.status == 409 and "不能再修改" in held.message
    again = await api.call("POST", f"/draws/activities/{aid}/fee-funding/checkout", token)
    assert again.data["out_trade_no"] == paying.data["out_trade_no"]
    refused = await api.call("POST", f"/draws/activities/{aid}/payouts", token,
                             {"invitation_id": item.id})
    assert refused.status == 409 and "等待微信扫码付款" in refused.message
    finance = await api.login(demo["finance"].mp_openid)
    early = await api.call("POST", f"/finance/fee-sheets/{aid}/decision", finance,
                           {"approve": True, "total_yuan": "800.00"})
    assert early.status == 409 and "等待微信扫码付款" in early.message  # not arrived yet

    await pay_gateway.scan_and_pay(paying.data["code_url"])

    async def submitted() -> bool:
        found = await FeeFunding.get_or_none(activity_id=aid)
        return found is not None and found.state == "submitted"
    await eventually(submitted, timeout=10)
    order = await PayOrder.get(out_trade_no=paying.data["out_trade_no"])
    funded = await FeeFunding.get(activity_id=aid)
    assert funded.reference == f"微信支付 {order.transaction_id}" and funded.total_fen == 80000
    payable = await Payable.get(kind="fee_sheet", ref_id=aid)
    assert payable.paid_at is not None and payable.invoice_requested_at is None  # no invoice
    assert await DrawLog.filter(activity_id=aid, action="funding_submit").count() == 1
    # finance reads it on its desk and approves; the transfer goes out
    sheets = await api.call("GET", "/finance/fee-sheets", finance)
    (sheet,) = [s for s in sheets.data["sheets"] if s["activity_id"] == aid]
    assert sheet["reference"].startswith("微信支付") and sheet["total_yuan"] == "800.00"
    approved = await api.call("POST", f"/finance/fee-sheets/{aid}/decision", finance,
                              {"approve": True, "total_yuan": "800.00"})
    assert approved.status == 200, approved.data
    sent = await api.call("POST", f"/draws/activities/{aid}/payouts", token,
                          {"invitation_id": item.id})
    assert sent.status == 200, sent.data
    # once funded, no second QR for it
    late = await api.call("POST", f"/draws/activities/{aid}/fee-funding/checkout", token)
    assert late.status == 409 and "已经财务批准" in late.message


async def test_a_qr_payment_for_a_sheet_submitted_by_bank_is_logged_not_applied(
        api: Api, chat: Chat, client: TestClient, demo: dict,
        pay_gateway: PayGateway) -> None:
    aid, token, _ = await _ready(api, chat, client, demo)
    paying = await api.call("POST", f"/draws/activities/{aid}/fee-funding/checkout", token)
    assert paying.status == 200
    # the agency changed its mind and paid by bank transfer instead
    by_bank = await api.call("POST", f"/draws/activities/{aid}/fee-funding", token,
                             {"reference": "HX20261126009"})
    assert by_bank.status == 200 and by_bank.data["funding"]["state"] == "submitted"
    await pay_gateway.scan_and_pay(paying.data["code_url"])  # and the QR was paid too

    async def logged() -> bool:
        return await DrawLog.exists(activity_id=aid, action="funding_paid_apart")
    await eventually(logged, timeout=10)
    funding = await FeeFunding.get(activity_id=aid)
    assert (funding.state, funding.reference) == ("submitted", "HX20261126009")
