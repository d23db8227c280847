"""Transfers to experts reconciled against WeChat Pay's fund-flow bill, over real HTTP
against the fake gateway: fees paid through the real flow (funded sheet, 发放, the expert
confirms), the bill made to disagree, the run and its findings on finance's desk (the API,
the console page, the home tiles), a day run now from the desk; and the bill file's reader."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient

from bot.providers.pay.fundflow import parse_fundflow
from models.money.payouts import Payout
from models.money.reconciliation import TransferBillRun
from sandbox.pay.fundflow import HEADER, SUMMARY, fundflow_file, fundflow_lines
from sandbox.pay.gateway import PayGateway
from services.payments.gateway import UNREADABLE, PayError
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.payments import bills_out_from_ten
from tests.support.transfer_bill import days_back, paid_fees
from tests.support.wechat import Chat
from web.context import DOMAIN


async def test_a_paid_day_reconciles_clean(
        api: Api, chat: Chat, client: TestClient, demo: dict, pay_gateway: PayGateway) -> None:
    _, bills = await paid_fees(api, chat, client, demo, pay_gateway)
    day = await days_back(pay_gateway, bills)
    # the fake's file is WeChat Pay's: its SHA1 announced, its lines the transfers it paid
    lines = fundflow_lines(pay_gateway, day)
    assert [(c[3], c[4], c[5], c[6], c[10]) for c in lines] == [
        ("商家转账", "商家转账", "支出", "400.00", b.out_bill_no) for b in bills]
    finance = await api.login(demo["finance"].mp_openid)
    ran = await api.call("POST", "/admin/reconciliation/run", finance,
                         {"bill_date": f"{day:%Y-%m-%d}"})
    assert ran.status == 200, ran.data
    transfers = ran.data["transfers"]
    assert (transfers["status"], transfers["bill_rows"], transfers["our_paid"],
            transfers["mismatch_count"]) == ("ok", 2, 2, 0)
    assert ran.data["payments"]["status"] == "ok"  # no payment that day: nothing to differ
    run = await TransferBillRun.get(bill_date=day)
    assert (run.status, run.bill_rows, run.our_paid) == ("ok", 2, 2)
    assert pay_gateway.calls["fund_flow_bill"] == 1


async def test_a_line_missing_or_altered_is_a_finding_finance_sees(
        api: Api, chat: Chat, client: TestClient, demo: dict, pay_gateway: PayGateway) -> None:
    _, (dropped, altered) = await paid_fees(api, chat, client, demo, pay_gateway)
    day = await days_back(pay_gateway, [dropped, altered])
    pay_gateway.fundflow_dropped.add(dropped.out_bill_no)
    pay_gateway.fundflow_amount_override[altered.out_bill_no] = 39000
    report = await client.app[DOMAIN].transfer_reconcile.reconcile_day(day, datetime.now(UTC))
    assert report.status == "mismatches"
    assert {(m.kind, m.out_bill_no, m.our_fen, m.their_fen) for m in report.mismatches} == {
        ("missing_there", dropped.out_bill_no, 40000, None),
        ("amount_differs", altered.out_bill_no, 40000, 39000)}
    # the API: beside the payments' runs
    finance = await api.login(demo["finance"].mp_openid)
    got = await api.call("GET", "/admin/reconciliation", finance, params={"days": "7"})
    assert got.status == 200, got.data
    [run] = got.data["transfer_runs"]
    assert (run["bill_date"], run["status"], run["mismatch_count"]) == (
        f"{day:%Y-%m-%d}", "mismatches", 2)
    kinds = {m["out_bill_no"]: m for m in run["mismatches"]}
    assert kinds[dropped.out_bill_no]["kind"] == "missing_there"
    assert kinds[altered.out_bill_no] == {
        "kind": "amount_differs", "out_bill_no": altered.out_bill_no,
        "transfer_bill_no": altered.transfer_bill_no, "our_fen": 40000, "their_fen": 39000,
        "our_state": "paid", "note": None}
    # the console: finance's payments page and home tile
    desk = Desk(client)
    await desk.sign_in(demo["finance"].phone)
    _, page = await desk.get("/console/payments")
    assert 'data-testid="transfer-mismatches"' in page
    assert "本系统已发放，资金账单中没有" in page and dropped.out_bill_no in page
    assert "金额不符" in page and "390.00" in page
    _, home = await desk.get("/console/home")
    tile = home.split('data-testid="transfer-differences"', 1)[1]
    assert tile.split("<b>", 1)[1].startswith("1</b>")
    # a transfer the bill has and we do not know as paid
    await Payout.filter(out_bill_no=dropped.out_bill_no).update(state="transferring")
    pay_gateway.fundflow_dropped.clear()
    again = await client.app[DOMAIN].transfer_reconcile.reconcile_day(day, datetime.now(UTC))
    assert {(m.kind, m.out_bill_no, m.our_state) for m in again.mismatches} == {
        ("missing_here", dropped.out_bill_no, "transferring"),
        ("amount_differs", altered.out_bill_no, "paid")}


async def test_the_desk_runs_a_day_now_with_the_defaults(
        api: Api, chat: Chat, client: TestClient, demo: dict, pay_gateway: PayGateway) -> None:
    _, bills = await paid_fees(api, chat, client, demo, pay_gateway)
    day = await days_back(pay_gateway, bills, 1)
    bills_out_from_ten(pay_gateway)  # yesterday's bills out, whatever the hour
    pay_gateway.fundflow_dropped.add(bills[0].out_bill_no)
    desk = Desk(client)
    await desk.sign_in(demo["finance"].phone)
    _, page = await desk.get("/console/payments")
    assert 'data-testid="reconcile-now"' in page and "data-confirm=" in page
    resp, _ = await desk.post("/console/payments/reconcile", {"bill_date": f"{day:%Y-%m-%d}"})
    assert resp.status in (302, 303)
    said = await desk.flash("/console/payments")
    assert f"{day:%Y年%-m月%-d日}" in said and "（资金账单）有差异（1处）" in said, said
    # a day still to come: refused in words, nothing run
    tomorrow = day + timedelta(days=2)
    await desk.post("/console/payments/reconcile", {"bill_date": f"{tomorrow:%Y-%m-%d}"})
    assert "还没有到" in await desk.flash("/console/payments")
    assert not await TransferBillRun.exists(bill_date=tomorrow)
    # only finance runs it
    expert = await api.login(demo["expert"].mp_openid)
    assert (await api.call("POST", "/admin/reconciliation/run", expert,
                           {"bill_date": f"{day:%Y-%m-%d}"})).status == 403


# -- the bill file's reader, on its own -----------------------------------------------------
def test_the_reader_takes_either_parentheses_and_reports_a_bad_line() -> None:
    good = ["2026-11-20 10:00:00", "1000000000012345", "19000000002026112000001",
            "商家转账", "商家转账", "支出", "400.00", "9600.00", "system", "评标劳务费",
            "FEE0000000001A1"]
    raw = fundflow_file([good, good])
    text = raw.decode()
    second = text.index("`2026-11-20", text.index("`2026-11-20") + 1)
    text = text[:second] + text[second:].replace("`400.00", "`四百", 1)
    rows = parse_fundflow(text.replace("(", "（").replace(")", "）").encode())
    assert (rows[0].voucher, rows[0].wx_no, rows[0].amount_fen) == (
        "FEE0000000001A1", "1000000000012345", 40000)
    assert rows[1].kind == UNREADABLE and rows[1].line == 3 and "收支金额" in rows[1].problem
    assert HEADER in raw.decode() and SUMMARY in raw.decode()
    assert len(hashlib.sha1(raw).hexdigest()) == 40
    with pytest.raises(PayError):
        parse_fundflow("记账时间,备注\n".encode())
