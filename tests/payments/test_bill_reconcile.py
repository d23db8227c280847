"""Daily reconciliation against WeChat Pay's trade bill, over real HTTP against the
fake gateway: fees paid through the real flow (checkout, the payer scans and pays, the signed
notification settles), the bill made to disagree in each way, the run and its mismatches
recorded and replaced by a re-run, the bill not available, the job, the command line, the
administrator's API and console page; and the bill file's reader on its own."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient

from bot.providers.pay.bill import MAX_UNREADABLE, parse_bill, yuan_to_fen
from config.cli.reconcile import EXIT
from models.money.payments import OrderStatus, PayOrder
from models.money.reconciliation import BillMismatch, BillRun, MismatchKind, RunStatus
from sandbox.pay.bill import HEADER, SUMMARY
from sandbox.pay.gateway import PayGateway
from services.common.clock import CHINA, china_today
from services.common.errors import BadInput
from services.jobs import DOMAIN_CTX, reconcile_bill
from services.payments.bill import BillReconcile, Report, bill_ready_at
from services.payments.gateway import UNREADABLE, BillRow, PayError
from tests.support.api import Api
from tests.support.cli import Expertbot
from tests.support.console import Desk
from tests.support.payments import bills_out_from_ten, china_at, days_ago
from tests.support.payments import pay_fee as pay
from web.context import DOMAIN

STRANGER = "EBX0000000000001"  # an order number WeChat Pay bills and we never made


def reconciler(client: TestClient) -> BillReconcile:
    return client.app[DOMAIN].bill_reconcile


def bill_day(days: int = 2) -> date:
    """A China day whose bill exists by now (its next day's 10:00 is past)."""
    return china_today(datetime.now(UTC)) - timedelta(days=days)


def kinds(report: Report) -> dict[str, MismatchKind]:
    return {m.out_trade_no: m.kind for m in report.mismatches}


async def test_a_day_that_agrees_is_ok(client: TestClient, api: Api, demo: dict,
                                       pay_gateway: PayGateway) -> None:
    paid = [await pay(api, demo, pay_gateway, 20000), await pay(api, demo, pay_gateway, 35000)]
    day = await days_ago(pay_gateway, paid[0], 2)
    assert await days_ago(pay_gateway, paid[1], 2) == day
    report = await reconciler(client).reconcile_day(day, datetime.now(UTC))
    assert report.status == RunStatus.OK and report.mismatches == ()
    assert (report.bill_rows, report.our_paid) == (2, 2)
    run = await BillRun.get(bill_date=day)
    assert (run.status, run.bill_rows, run.our_paid, run.mismatch_count) == ("ok", 2, 2, 0)
    # the ticket was signed and checked, the file fetched by a signed GET and its SHA1 held
    assert pay_gateway.calls["trade_bill"] == 1 and pay_gateway.calls["bill_download"] == 1
    # the day before had no trade: WeChat Pay's NO_STATEMENT_EXIST is an empty bill
    quiet = await reconciler(client).reconcile_day(day - timedelta(days=1), datetime.now(UTC))
    assert (quiet.status, quiet.bill_rows, quiet.our_paid) == (RunStatus.OK, 0, 0)


async def test_each_disagreement_is_recorded_and_a_rerun_replaces_it(
        client: TestClient, api: Api, demo: dict, pay_gateway: PayGateway,
        caplog: pytest.LogCaptureFixture) -> None:
    kept, dropped, cheaper = [await pay(api, demo, pay_gateway) for _ in range(3)]
    unannounced = await pay(api, demo, pay_gateway, notify=False)  # still open here
    day = await days_ago(pay_gateway, kept, 2)
    for order in (dropped, cheaper, unannounced):
        assert await days_ago(pay_gateway, order, 2) == day
    pay_gateway.bill_extra_rows.append(BillRow(
        out_trade_no=STRANGER, transaction_id="4200000000" + "1" * 18, trade_state="SUCCESS",
        amount_fen=12345, time=datetime.combine(day, datetime.min.time(), tzinfo=CHINA)
        + timedelta(hours=15)))
    pay_gateway.bill_dropped.add(dropped.out_trade_no)
    pay_gateway.bill_amount_override[cheaper.out_trade_no] = 19999
    with caplog.at_level(logging.WARNING, logger="services.payments.bill"):
        report = await reconciler(client).reconcile_day(day, datetime.now(UTC))
    assert report.status == RunStatus.MISMATCHES
    assert (report.bill_rows, report.our_paid, report.mismatch_count) == (4, 3, 4)
    assert kinds(report) == {STRANGER: MismatchKind.MISSING_HERE,
                             unannounced.out_trade_no: MismatchKind.MISSING_HERE,
                             dropped.out_trade_no: MismatchKind.MISSING_THERE,
                             cheaper.out_trade_no: MismatchKind.AMOUNT_DIFFERS}
    rows = {m.out_trade_no: m for m in await BillMismatch.filter(run__bill_date=day)}
    assert (rows[STRANGER].our_fen, rows[STRANGER].their_fen) == (None, 12345)
    assert rows[STRANGER].our_status is None
    assert rows[unannounced.out_trade_no].our_status == "open"
    assert (rows[cheaper.out_trade_no].our_fen, rows[cheaper.out_trade_no].their_fen) == \
        (20000, 19999)
    assert rows[dropped.out_trade_no].transaction_id == dropped.transaction_id
    # each mismatch is a warning naming the order, never the payer
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 4 and all(any(no in w for w in warned) for no in rows)
    assert "o_sandbox_payer" not in caplog.text and "o_sandbox_stranger" not in caplog.text
    # the lost notification found by the order-by-order reconciler; the bill put right
    pay_gateway.bill_extra_rows.clear()
    pay_gateway.bill_dropped.clear()
    pay_gateway.bill_amount_override.clear()
    counts = await client.app[DOMAIN].payments.reconcile(datetime.now(UTC) + timedelta(minutes=2))
    assert counts["paid"] == 1
    again = await reconciler(client).reconcile_day(day, datetime.now(UTC))
    assert again.status == RunStatus.OK and (again.bill_rows, again.our_paid) == (4, 4)
    # the day's run replaced, not added to, and its old mismatches gone with it
    assert await BillRun.filter(bill_date=day).count() == 1
    assert await BillMismatch.all().count() == 0
    assert (await BillRun.get(bill_date=day)).mismatch_count == 0


async def test_a_refund_in_the_bill_must_be_a_refund_here(
        client: TestClient, api: Api, demo: dict, pay_gateway: PayGateway) -> None:
    bills_out_from_ten(pay_gateway)  # the refund's day is yesterday: its bill out, any hour
    order = await pay(api, demo, pay_gateway)
    gateway = client.app[DOMAIN].payments.gateway
    assert gateway is not None
    await gateway.refund(order.out_trade_no, "R" + order.out_trade_no[1:], 20000, "测试退款")
    fake = pay_gateway.orders[order.out_trade_no]
    fake.refunded_at = (datetime.fromisoformat(fake.refunded_at) - timedelta(days=1)
                        ).isoformat(timespec="seconds")
    day = await days_ago(pay_gateway, order, 2)  # paid 2 days ago, refunded the next day
    assert datetime.fromisoformat(fake.refunded_at).astimezone(CHINA).date() == \
        day + timedelta(days=1)
    paid_day = await reconciler(client).reconcile_day(day, datetime.now(UTC))
    assert paid_day.status == RunStatus.OK  # the payment line stays SUCCESS on its own day
    refund_day = await reconciler(client).reconcile_day(day + timedelta(days=1),
                                                        datetime.now(UTC))
    assert refund_day.status == RunStatus.MISMATCHES and refund_day.bill_rows == 1
    assert kinds(refund_day) == {order.out_trade_no: MismatchKind.REFUND_UNKNOWN}
    assert refund_day.mismatches[0].their_fen == 20000
    # refunded here too (as a fee paid twice is): the refund is accounted for
    await PayOrder.filter(id=order.id).update(status=OrderStatus.REFUNDED)
    settled = await reconciler(client).reconcile_day(day + timedelta(days=1),
                                                     datetime.now(UTC))
    assert settled.status == RunStatus.OK


async def test_a_bill_not_available_yet_and_a_bill_that_fails_its_hash(
        client: TestClient, api: Api, demo: dict, pay_gateway: PayGateway) -> None:
    order = await pay(api, demo, pay_gateway)
    day, now = await days_ago(pay_gateway, order, 2), datetime.now(UTC)
    pay_gateway.bill_not_ready = True  # STATEMENT_CREATING
    waiting = await reconciler(client).reconcile_day(day, now)
    # not available: the day's order asked by its own query instead (it agrees)
    assert (waiting.status, waiting.note, waiting.our_paid, waiting.bill_rows) == (
        RunStatus.QUERIED, "STATEMENT_CREATING", 1, 1)
    assert waiting.mismatches == () and not await reconciler(client).settled(day)
    pay_gateway.bill_not_ready = False
    pay_gateway.bill_tampered = True  # the file is not the one whose SHA1 was announced
    tampered = await reconciler(client).reconcile_day(day, now)
    assert tampered.status == RunStatus.FAILED and "BILL_HASH_MISMATCH" in (tampered.note or "")
    pay_gateway.bill_tampered = False
    pay_gateway.bill_amount_override[order.out_trade_no] = 1
    assert (await reconciler(client).reconcile_day(day, now)).status == RunStatus.MISMATCHES
    assert await reconciler(client).settled(day) and await BillRun.all().count() == 1
    # a later attempt that cannot read the bill leaves the differences found before alone
    pay_gateway.bill_tampered = True
    again = await reconciler(client).reconcile_day(day, now)
    assert again.status == RunStatus.FAILED
    run = await BillRun.get(bill_date=day)
    assert run.status == RunStatus.MISMATCHES and await BillMismatch.filter(
        run_id=run.id, kind=MismatchKind.AMOUNT_DIFFERS).count() == 1
    pay_gateway.bill_tampered = False
    del pay_gateway.bill_amount_override[order.out_trade_no]
    assert (await reconciler(client).reconcile_day(day, now)).status == RunStatus.OK
    # before 10:00 the next day, "no bill" is not yet "no trades" (WeChat Pay asked at
    # 08:59, before it starts making the bill): the day is asked order by order
    yesterday = day + timedelta(days=1)
    early = china_at(yesterday + timedelta(days=1), 8, 59)
    pay_gateway.bill_clock = lambda: early
    assert early < bill_ready_at(yesterday)
    too_early = await reconciler(client).reconcile_day(yesterday, early)
    assert (too_early.status, too_early.note) == (RunStatus.QUERIED, "NO_STATEMENT_EXIST")
    # a day still to come has nothing to check
    with pytest.raises(BadInput) as refused:
        await reconciler(client).reconcile_day(china_today(now) + timedelta(days=1), now)
    assert refused.value.code == "payment.day_ahead"


async def test_the_job_reconciles_yesterday_until_it_has_a_result(
        client: TestClient, api: Api, demo: dict, pay_gateway: PayGateway) -> None:
    order, billed = await pay(api, demo, pay_gateway), await pay(api, demo, pay_gateway)
    for paid in (order, billed):
        await days_ago(pay_gateway, paid, 1)
    bills_out_from_ten(pay_gateway)  # yesterday's bills out, whatever the hour
    ctx = {DOMAIN_CTX: client.app[DOMAIN]}
    pay_gateway.bill_not_ready = True  # not yet: the day asked order by order meanwhile
    assert await reconcile_bill(ctx) == "payments: queried; transfers: queried"
    pay_gateway.bill_not_ready = False
    pay_gateway.bill_dropped.add(order.out_trade_no)
    # no transfer yesterday: the fund-flow bill is none (ok once its hour has come)
    assert (await reconcile_bill(ctx)).startswith("payments: mismatches; transfers: ")
    calls = pay_gateway.calls["trade_bill"]
    # a later run of the day leaves a result read from the bill alone
    assert (await reconcile_bill(ctx)).startswith("payments: already reconciled; ")
    assert pay_gateway.calls["trade_bill"] == calls
    run = await BillRun.get(bill_date=bill_day(1))
    assert (run.status, run.bill_rows, run.our_paid) == ("mismatches", 1, 2)
    from config.worker import CRON_TIMEZONE, cron_jobs

    entry = next(c for c in cron_jobs() if c.name.endswith("reconcile_bill"))
    # from 10:30 China time, whatever timezone the machine is set to
    entry.calculate_next(datetime(2026, 11, 24, 0, 0, tzinfo=CRON_TIMEZONE))
    assert entry.next_run.astimezone(CHINA).strftime("%H:%M") == "10:30"
    entry.calculate_next(datetime(2026, 11, 24, 12, 45, tzinfo=CRON_TIMEZONE))
    assert entry.next_run.astimezone(CHINA).strftime("%H:%M") == "14:30"
    assert entry.max_tries == 1 and entry.keep_result_s == 0 and entry.timeout_s


async def test_the_command_prints_the_report_and_exits_by_the_outcome(
        client: TestClient, api: Api, demo: dict, pay_gateway: PayGateway,
        expertbot: Expertbot) -> None:
    order = await pay(api, demo, pay_gateway)
    day = await days_ago(pay_gateway, order, 2)
    pay_gateway.bill_amount_override[order.out_trade_no] = 10000
    status, out = await expertbot("reconcile", "--date", f"{day:%Y-%m-%d}")
    assert status == 1, out
    assert "mismatches" in out and "amount_differs" in out and order.out_trade_no in out
    assert "200.00" in out and "100.00" in out
    assert "lines in the bill: 1, paid here that day: 1, mismatches: 1" in out
    run = await BillRun.get(bill_date=day)
    assert run.status == "mismatches"  # recorded by the command, as by the job
    pay_gateway.bill_not_ready = True  # the order asked instead: it agrees
    status, out = await expertbot("reconcile", "--date", f"{day:%Y-%m-%d}")
    assert status == 2 and "queried" in out and "STATEMENT_CREATING" in out, out
    assert "orders asked one by one: 1, paid here that day: 1, mismatches: 0" in out
    today = china_today(datetime.now(UTC))
    status, out = await expertbot("reconcile", "--date", f"{today:%Y-%m-%d}")
    assert status == 2 and "queried" in out, out
    assert f"expected {today + timedelta(days=1):%Y-%m-%d} 10:00 (China time)" in out
    status, said = await expertbot("reconcile", "--date",
                                   f"{today + timedelta(days=1):%Y-%m-%d}")
    assert status == 2 and "还没有到" in said
    assert set(EXIT) == set(RunStatus)  # every outcome has its exit status


async def test_finance_sees_the_runs_in_the_api_and_the_console(
        client: TestClient, api: Api, demo: dict, pay_gateway: PayGateway) -> None:
    order = await pay(api, demo, pay_gateway)
    day = await days_ago(pay_gateway, order, 2)
    pay_gateway.bill_dropped.add(order.out_trade_no)
    await reconciler(client).reconcile_day(day, datetime.now(UTC))
    admin = await api.login(demo["finance"].mp_openid)
    got = await api.call("GET", "/admin/reconciliation", admin, params={"days": "7"})
    assert got.status == 200, got.data
    [run] = got.data["runs"]
    assert run["bill_date"] == f"{day:%Y-%m-%d}" and run["status"] == "mismatches"
    assert (run["bill_rows"], run["our_paid"], run["mismatch_count"]) == (0, 1, 1)
    assert run["mismatches"] == [{
        "kind": "missing_there", "out_trade_no": order.out_trade_no,
        "transaction_id": order.transaction_id, "our_fen": 20000, "their_fen": None,
        "our_status": "paid", "note": None}]
    assert (await api.call("GET", "/admin/reconciliation", admin,
                           params={"days": "1"})).data["runs"] == []
    assert (await api.call("GET", "/admin/reconciliation", admin,
                           params={"days": "1000"})).status == 422
    expert = await api.login(demo["expert"].mp_openid)
    refused = await api.call("GET", "/admin/reconciliation", expert)
    assert refused.status == 403
    desk = Desk(client)
    await desk.sign_in(demo["finance"].phone)
    _, page = await desk.get("/console/payments")
    assert 'data-testid="reconciliation"' in page and "有差异" in page
    assert "本系统已支付，账单中没有" in page and order.out_trade_no in page
    for other in ("reviewer", "admin"):  # not a reviewer's nor the system administrator's
        await desk.sign_in(demo[other].phone)
        resp, page = await desk.get("/console/payments")
        assert resp.status == 403, other
    assert "这是财务人员的职责" in page  # the administrator is told whose work it is


# -- the bill file's reader, on its own -----------------------------------------------------
MCHID = "1900000109"


def line(*cells: str) -> str:
    return ",".join("`" + c for c in cells)


def detail(state: str, no: str, total: str, refund: str = "0.00", product: str = "课程费",
           when: str = "2026-05-01 10:00:00", mchid: str = MCHID) -> str:
    refunding = state == "REFUND"
    return line(when, "wx2421b1c4370ec43b", mchid, "0", "", "4200000000202605010000000001",
                no, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "NATIVE", state, "OTHERS", "CNY",
                "0.00" if refunding else total, "0.00", "50300" if refunding else "0",
                "R" + no if refunding else "0", refund, "0.00",
                "ORIGINAL" if refunding else "", "SUCCESS" if refunding else "", product, "",
                "0.00120", "0.60%", total if not refunding else "0.00", refund, "")


def bill(*details: str) -> bytes:
    return ("\ufeff" + "\r\n".join([HEADER, *details, SUMMARY, line("1", "0.29")]) +
            "\r\n").encode()


def test_amounts_are_read_as_fen_without_floating_point() -> None:
    assert [yuan_to_fen(t) for t in ("0.29", "0.01", "350.00", "1234.5", "7", "-0.27")] == \
        [29, 1, 35000, 123450, 700, -27]
    for bad in ("", "1.234", "1,000.00", "1e3", "¥1.00", "١٢"):
        with pytest.raises(ValueError):
            yuan_to_fen(bad)


def test_a_bill_is_read_by_its_column_names_and_bad_lines_are_reported() -> None:
    rows = parse_bill(bill(
        detail("SUCCESS", "EB1", "0.29", product="课程费,含教材"),  # a comma inside a field
        detail("REFUND", "EB1", "0.00", refund="0.29", when="2026-05-01 11:00:00"),
        detail("SUCCESS", "EB2", "35O.00"),  # a letter O in the amount
        detail("SUCCESS", "EB3", "1.00", mchid="1900000001"),  # another merchant's
        "`2026-05-01 12:00:00,`wx,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"), MCHID)
    assert [(r.out_trade_no, r.trade_state, r.amount_fen, r.refund_fen) for r in rows[:2]] == \
        [("EB1", "SUCCESS", 29, 0), ("EB1", "REFUND", 0, 29)]
    assert rows[0].time == datetime(2026, 5, 1, 10, tzinfo=CHINA)
    assert rows[1].out_refund_no == "REB1" and rows[0].transaction_id.startswith("42")
    bad = rows[2:]
    assert [r.trade_state for r in bad] == [UNREADABLE] * 3
    assert [r.line for r in bad] == [4, 5, 6]
    assert [r.out_trade_no for r in bad] == ["EB2", "EB3", ""]
    assert "not in yuan" in bad[0].problem and "merchant" in bad[1].problem
    assert "fields" in bad[2].problem
    assert not any("oUpF8u" in r.problem for r in bad)  # the payer is never quoted


def test_what_is_not_a_bill_is_refused() -> None:
    for raw, why in ((b"", "empty"), (b"<html>busy</html>\n", "no column"),
                     (b"\xff\xfe\x00", "UTF-8")):
        with pytest.raises(PayError) as refused:
            parse_bill(raw, MCHID)
        assert refused.value.code == "BILL_UNREADABLE" and why in str(refused.value)
    garbage = bill(*[line("x")] * (MAX_UNREADABLE + 1))
    with pytest.raises(PayError, match="unreadable lines"):
        parse_bill(garbage, MCHID)
    assert parse_bill(bill(), MCHID) == []  # a header and a summary only: no line
