"""A day whose WeChat Pay bills are not out yet — today, or yesterday before 10:00 China
time — reconciled order by order and transfer by transfer, over real HTTP against the fake
gateway (which answers NO_STATEMENT_EXIST for such a day, as WeChat Pay does): each kind of
difference found by the orders' and transfers' own queries, the run recorded as `queried`
with when the bill will be out, replaced by the bill's result once it is; finance's API and
console page in Chinese words and China dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient

from models.money.payments import PayOrder
from models.money.payouts import Payout
from models.money.reconciliation import BillMismatch, BillRun, MismatchKind, RunStatus
from sandbox.pay.gateway import PayGateway
from services.common.clock import china_today
from services.payments import BillDue, PayError
from services.payments.bill import BillReconcile
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.payments import china_at, days_ago, pay_fee
from tests.support.transfer_bill import days_back, paid_fees
from tests.support.wechat import Chat
from web.context import DOMAIN


def reconciler(client: TestClient) -> BillReconcile:
    return client.app[DOMAIN].bill_reconcile


async def test_today_is_checked_order_by_order_and_says_when_the_bill_comes(
        client: TestClient, api: Api, demo: dict, pay_gateway: PayGateway) -> None:
    agrees = await pay_fee(api, demo, pay_gateway)
    cheaper = await pay_fee(api, demo, pay_gateway)
    unpaid_there = await pay_fee(api, demo, pay_gateway)
    refunded_there = await pay_fee(api, demo, pay_gateway)
    silent = await pay_fee(api, demo, pay_gateway)
    unannounced = await pay_fee(api, demo, pay_gateway, notify=False)  # open here
    never_scanned = await pay_fee(api, demo, pay_gateway, scan=False)  # open on both sides
    pay_gateway.orders[cheaper.out_trade_no].total = 19999
    pay_gateway.orders[unpaid_there.out_trade_no].state = "CLOSED"
    pay_gateway.orders[refunded_there.out_trade_no].state = "REFUND"
    pay_gateway.query_failing.add(silent.out_trade_no)
    now = datetime.now(UTC)
    today = china_today(now)
    # WeChat Pay has no bill of today, trades or not: not made before 09:00 tomorrow
    gateway, fund_flow = reconciler(client).gateway, client.app[DOMAIN].transfer_reconcile.gateway
    assert gateway is not None and fund_flow is not None
    for bill in (gateway.trade_bill(today), fund_flow.fund_flow_bill(today, "OPERATION")):
        with pytest.raises(PayError) as none:
            await bill
        assert none.value.code == "NO_STATEMENT_EXIST"
    asked_bills = pay_gateway.calls["trade_bill"]

    report = await reconciler(client).reconcile_day(today, now)
    assert report.status == RunStatus.QUERIED and report.note is None
    assert pay_gateway.calls["trade_bill"] == asked_bills  # today's bill is not asked for
    assert {m.out_trade_no: m.kind for m in report.mismatches} == {
        cheaper.out_trade_no: MismatchKind.AMOUNT_DIFFERS,
        unpaid_there.out_trade_no: MismatchKind.MISSING_THERE,
        refunded_there.out_trade_no: MismatchKind.REFUND_UNKNOWN,
        silent.out_trade_no: MismatchKind.UNANSWERED,
        unannounced.out_trade_no: MismatchKind.MISSING_HERE}
    assert never_scanned.out_trade_no not in {m.out_trade_no for m in report.mismatches}
    assert agrees.status == "paid"
    found = {m.out_trade_no: m for m in report.mismatches}
    assert (found[cheaper.out_trade_no].our_fen, found[cheaper.out_trade_no].their_fen) == (
        20000, 19999)
    assert found[unannounced.out_trade_no].our_status == "open"
    assert found[unannounced.out_trade_no].transaction_id  # WeChat Pay's number, from it
    # every order of today asked once: five paid here, the others open or closed (each fee
    # has its QR code's order and the mini-program's)
    assert (report.bill_rows, report.our_paid, report.mismatch_count) == (
        await PayOrder.all().count(), 5, 5)
    # the bill of today: out at 10:00 tomorrow, read by the job at 10:30
    tomorrow = today + timedelta(days=1)
    assert report.due == BillDue(china_at(tomorrow, 10), china_at(tomorrow, 10, 30))
    run = await BillRun.get(bill_date=today)
    assert (run.status, run.bill_rows, run.mismatch_count) == ("queried", report.bill_rows, 5)
    assert await BillMismatch.filter(run_id=run.id).count() == 5
    assert not await reconciler(client).settled(today)  # the job still reads the bill
    # finance's API: the run, its findings and when the bill comes
    finance = await api.login(demo["finance"].mp_openid)
    got = await api.call("GET", "/admin/reconciliation", finance, params={"days": "3"})
    assert got.status == 200, got.data
    [shown] = got.data["runs"]
    assert (shown["bill_date"], shown["status"], shown["mismatch_count"]) == (
        f"{today:%Y-%m-%d}", "queried", 5)
    due = shown["bill_due"]
    assert datetime.fromisoformat(due["expected_at"]) == china_at(tomorrow, 10)
    assert datetime.fromisoformat(due["check_at"]) == china_at(tomorrow, 10, 30)
    assert {m["kind"] for m in shown["mismatches"]} >= {"unanswered", "missing_here"}


async def test_yesterday_before_its_bill_is_queried_then_the_bill_replaces_it(
        client: TestClient, api: Api, demo: dict, pay_gateway: PayGateway) -> None:
    agrees, cheaper = await pay_fee(api, demo, pay_gateway), await pay_fee(api, demo, pay_gateway)
    day = await days_ago(pay_gateway, agrees, 1)
    assert await days_ago(pay_gateway, cheaper, 1) == day
    pay_gateway.orders[cheaper.out_trade_no].total = 19999  # the query and the bill say so
    today = day + timedelta(days=1)
    service = reconciler(client)
    # 08:30: WeChat Pay has not started making it; 09:30: it is making it
    for hour, minute, code in ((8, 30, "NO_STATEMENT_EXIST"), (9, 30, "STATEMENT_CREATING")):
        at = china_at(today, hour, minute)
        pay_gateway.bill_clock = lambda at=at: at
        early = await service.reconcile_day(day, at)
        assert (early.status, early.note, early.bill_rows, early.our_paid) == (
            RunStatus.QUERIED, code, 2, 2)
        assert [(m.out_trade_no, m.kind) for m in early.mismatches] == [
            (cheaper.out_trade_no, MismatchKind.AMOUNT_DIFFERS)]
        assert early.due == BillDue(china_at(today, 10), china_at(today, 10, 30))
    # 10:45: the bill is out, and its result replaces the one found by asking
    late = china_at(today, 10, 45)
    pay_gateway.bill_clock = lambda: late
    billed = await service.reconcile_day(day, late)
    assert (billed.status, billed.note, billed.due) == (RunStatus.MISMATCHES, None, None)
    run = await BillRun.get(bill_date=day)
    assert (run.status, run.note, run.bill_rows) == ("mismatches", None, 2)
    assert await service.settled(day) and await BillRun.all().count() == 1
    assert await BillMismatch.filter(run_id=run.id).count() == 1
    # after the last run of the day (16:30) nothing reads the bill by itself any more
    assert BillDue.of(day, RunStatus.QUERIED, china_at(today, 17)) == BillDue(None, None)


async def test_todays_transfers_are_checked_one_by_one_from_finance_s_api(
        api: Api, chat: Chat, client: TestClient, demo: dict, pay_gateway: PayGateway) -> None:
    _, (unknown_here, altered) = await paid_fees(api, chat, client, demo, pay_gateway)
    altered.amount = 39000  # WeChat Pay's word differs from ours
    await Payout.filter(out_bill_no=unknown_here.out_bill_no).update(state="transferring")
    today = china_today(datetime.now(UTC))
    transfer_side = client.app[DOMAIN].transfer_reconcile
    assert transfer_side.gateway is not None
    with pytest.raises(PayError) as none:
        await transfer_side.gateway.fund_flow_bill(today, "OPERATION")
    assert none.value.code == "NO_STATEMENT_EXIST"
    finance = await api.login(demo["finance"].mp_openid)
    ran = await api.call("POST", "/admin/reconciliation/run", finance,
                         {"bill_date": f"{today:%Y-%m-%d}"})
    assert ran.status == 200, ran.data
    transfers = ran.data["transfers"]
    assert (transfers["status"], transfers["bill_rows"], transfers["our_paid"],
            transfers["mismatch_count"]) == ("queried", 2, 1, 2)
    assert {(m["kind"], m["out_bill_no"], m["our_fen"], m["their_fen"], m["our_state"])
            for m in transfers["mismatches"]} == {
        ("missing_here", unknown_here.out_bill_no, 40000, 40000, "transferring"),
        ("amount_differs", altered.out_bill_no, 40000, 39000, "paid")}
    tomorrow = today + timedelta(days=1)
    assert datetime.fromisoformat(transfers["bill_due"]["expected_at"]) == \
        china_at(tomorrow, 10)
    assert ran.data["payments"]["status"] == "queried"
    # a day whose transfers were moved back two days has its bill: read as before
    day = await days_back(pay_gateway, [altered], 2)
    back = await transfer_side.reconcile_day(day, datetime.now(UTC))
    assert back.status == RunStatus.MISMATCHES and back.due is None


async def test_finance_s_page_offers_today_and_speaks_in_words_and_china_dates(
        client: TestClient, api: Api, demo: dict, pay_gateway: PayGateway) -> None:
    order = await pay_fee(api, demo, pay_gateway)
    day = await days_ago(pay_gateway, order, 2)
    pay_gateway.bill_tampered = True  # that day's bill fails its SHA1: a failed run
    assert (await reconciler(client).reconcile_day(day, datetime.now(UTC))).status == \
        RunStatus.FAILED
    today = china_today(datetime.now(UTC))
    desk = Desk(client)
    await desk.sign_in(demo["finance"].phone)
    _, page = await desk.get("/console/payments")
    assert f'value="{today:%Y-%m-%d}" max="{today:%Y-%m-%d}"' in page  # China's today
    resp, _ = await desk.post("/console/payments/reconcile", {"bill_date": f"{today:%Y-%m-%d}"})
    assert resp.status in (302, 303)
    said = await desk.flash("/console/payments")
    tomorrow = today + timedelta(days=1)
    assert f"已核对{today:%Y年%-m月%-d日}" in said, said
    assert "账单未出，已逐笔查单，一致" in said
    assert f"微信支付将于{tomorrow:%Y年%m月%d日} 10:00后提供该日账单" in said
    assert f"系统将于{tomorrow:%Y年%m月%d日} 10:30自动用账单核对" in said
    _, page = await desk.get("/console/payments")
    reconciliation = page.split('data-testid="reconciliation"', 1)[1].split("</table>", 1)[0]
    assert f"{today:%Y年%m月%d日}" in reconciliation and f"{day:%Y年%m月%d日}" in reconciliation
    asked = (await BillRun.get(bill_date=today)).bill_rows
    assert "账单未出，已逐笔查单" in reconciliation and f"查询{asked}笔" in reconciliation
    assert "下载的账单与微信支付公布的校验值不符" in reconciliation  # the failed day, in words
    for raw in ("NO_STATEMENT_EXIST", "BILL_HASH_MISMATCH", "queried", "failed",
                f">{today:%Y-%m-%d}<", f">{day:%Y-%m-%d}<"):
        assert raw not in reconciliation, raw
