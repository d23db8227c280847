"""Each China day's payments checked against WeChat Pay's trade bill. The
reconciler of services/payments/orders.py asks about one order at a time, when its notification
did not come; this reads the whole day as WeChat Pay bills it and records what differs.

For day D (China time), over the bill's lines and our orders:
- missing_here: a payment (SUCCESS line) whose order is not paid here (or not ours at all);
- missing_there: an order of ours paid during D (paid_at is WeChat Pay's success time) with
  no payment line in D's bill;
- amount_differs: paid on both sides, for different amounts;
- refund_unknown: a refund (REFUND line, in the bill of the day it was made) of an order we
  neither refunded nor are refunding (only a fee paid twice is refunded here, whole);
- refund_differs: a refund of less or more than the whole order;
- unreadable: a line of the bill that could not be read (its line number, what is wrong).
Refunds of ours missing from a bill are not looked for: we do not keep when a refund was
made, so which day's bill should show it is not known.

WeChat Pay answers STATEMENT_CREATING while it makes the bill (from 09:00 the next day; it
advises fetching after 10:00): the bill is not available. NO_STATEMENT_EXIST is its word for
a day without trades or refunds: read as an empty bill from 10:00 the next day on, as "not
available" before. While the bill is not available (and all of today, which has none), each
of the day's orders is asked by its own query instead (services/payments/day_check.py), the
result recorded as `queried`: the bill replaces it once out. Re-running a day replaces its
run and differences in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from models.money.payments import OrderStatus, PayOrder
from models.money.reconciliation import BillMismatch, BillRun, MismatchKind, RunStatus
from services.common.clock import china_today
from services.common.errors import BadInput, Unavailable
from services.payments.bill_runs import SETTLED, recent_runs, record_run
from services.payments.day_check import check_orders
from services.payments.findings import (
    PAID,
    REFUNDING,
    BillDue,
    Mismatch,
    Report,
    bill_ready_at,
    day_span,
)
from services.payments.gateway import (
    BILL_NONE,
    BILL_NOT_READY,
    UNREADABLE,
    BillRow,
    PayError,
    PayGateway,
)

log = logging.getLogger(__name__)

LOOKUP_CHUNK = 500  # order numbers per query


# a payment line and a refund line: the statuses of ours that account for it, the bill's
# amount to compare with our order's, and what it is when it is not accounted for / differs
LINE_RULES: dict[str, tuple[tuple[OrderStatus, ...], str, MismatchKind, MismatchKind]] = {
    "SUCCESS": (PAID, "amount_fen", MismatchKind.MISSING_HERE, MismatchKind.AMOUNT_DIFFERS),
    "REFUND": (REFUNDING, "refund_fen", MismatchKind.REFUND_UNKNOWN,
               MismatchKind.REFUND_DIFFERS),
}


def compare(rows: Iterable[BillRow], paid_that_day: Iterable[PayOrder],
            known: Mapping[str, PayOrder]) -> list[Mismatch]:
    """The differences between the bill's lines and our orders (see the module's rules):
    `paid_that_day` are our orders paid during the bill's day, `known` our orders the bill
    names, by out_trade_no."""
    found: list[Mismatch] = []
    named: set[str] = set()
    for row in rows:
        order = known.get(row.out_trade_no)
        ours = None if order is None else order.amount_fen
        status = None if order is None else order.status
        named.add(row.out_trade_no)
        if row.trade_state == UNREADABLE:
            found.append(Mismatch(MismatchKind.UNREADABLE, row.out_trade_no,
                                  row.transaction_id or None, ours, None, status,
                                  f"line {row.line}: {row.problem}"[:128]))
        elif (rule := LINE_RULES.get(row.trade_state)) is not None:
            accepted, amount_of, unknown, differs = rule
            theirs = getattr(row, amount_of)
            if order is None or order.status not in accepted:
                found.append(Mismatch(unknown, row.out_trade_no, row.transaction_id, ours,
                                      theirs, status))
            elif theirs != order.amount_fen:
                found.append(Mismatch(differs, row.out_trade_no, row.transaction_id, ours,
                                      theirs, status))
        # other states (REVOKED: a cancelled 付款码 payment) are no order of ours
    for order in paid_that_day:
        if order.out_trade_no not in named:
            found.append(Mismatch(MismatchKind.MISSING_THERE, order.out_trade_no,
                                  order.transaction_id, order.amount_fen, None, order.status))
    return found


async def _known(numbers: Sequence[str]) -> dict[str, PayOrder]:
    found: dict[str, PayOrder] = {}
    unique = sorted(set(numbers) - {""})
    for at in range(0, len(unique), LOOKUP_CHUNK):
        for order in await PayOrder.filter(out_trade_no__in=unique[at:at + LOOKUP_CHUNK]):
            found[order.out_trade_no] = order
    return found


class BillReconcile:
    """Reconciles a day's payments with WeChat Pay's trade bill and keeps the result."""

    def __init__(self, gateway: PayGateway | None) -> None:
        self.gateway = gateway

    @property
    def enabled(self) -> bool:
        return self.gateway is not None

    async def reconcile_day(self, day: date, now: datetime) -> Report:
        """Reconcile `day` (China time) and record the result, replacing an earlier one:
        against its bill, or order by order while the bill is not out."""
        if day > china_today(now):
            raise BadInput("payment.day_ahead", day=f"{day:%Y年%m月%d日}")
        if self.gateway is None:
            raise Unavailable("payment.off")
        start, end = day_span(day)
        paid = await PayOrder.filter(paid_at__gte=start, paid_at__lt=end,
                                     status__in=PAID).order_by("paid_at")
        status, note, rows = RunStatus.BILL_UNAVAILABLE, None, None  # today: no bill yet
        if day < china_today(now):
            status, note, rows = await self._bill(self.gateway, day, now)
        mismatches: list[Mismatch] = []
        counted = 0
        if rows is not None:
            mismatches = compare(rows, paid, await _known([r.out_trade_no for r in rows]))
            status = RunStatus.MISMATCHES if mismatches else RunStatus.OK
            counted = len(rows)
        elif status == RunStatus.BILL_UNAVAILABLE:
            counted, mismatches = await check_orders(self.gateway, day, paid)
            status = RunStatus.QUERIED
        report = Report(day=day, status=status, ran_at=now, bill_rows=counted,
                        our_paid=len(paid), mismatch_count=len(mismatches),
                        mismatches=tuple(mismatches), note=note,
                        due=BillDue.of(day, status, now))
        if not await self._record(report):
            log.warning("trade bill %s: %s (%s); the result read from the bill before is "
                        "kept", day, status, note)
            return report
        for m in mismatches:
            log.warning("trade bill %s: %s, order %s (transaction %s): ours %s fen, "
                        "theirs %s fen%s", day, m.kind, m.out_trade_no or "-",
                        m.transaction_id or "-", m.our_fen, m.their_fen,
                        f" ({m.note})" if m.note else "")
        log.info("trade bill %s: %s (%s), %d lines or orders asked, %d paid here, "
                 "%d mismatches", day, status, note or "-", report.bill_rows,
                 report.our_paid, report.mismatch_count)
        return report

    @staticmethod
    async def _bill(gateway: PayGateway, day: date, now: datetime
                    ) -> tuple[RunStatus, str | None, list[BillRow] | None]:
        """The bill's lines, or why there are none (a status and a note)."""
        try:
            return RunStatus.OK, None, await gateway.trade_bill(day)
        except PayError as exc:
            if exc.code == BILL_NONE and now >= bill_ready_at(day):
                return RunStatus.OK, None, []  # no trade and no refund that day
            if exc.code in (BILL_NONE, BILL_NOT_READY):
                return RunStatus.BILL_UNAVAILABLE, exc.code, None
            log.warning("trade bill %s could not be fetched: %s", day, exc)
            return RunStatus.FAILED, str(exc)[:200], None

    @staticmethod
    async def _record(report: Report) -> bool:
        """The day's run and its differences kept (services/payments/bill_runs)."""
        return await record_run(BillRun, BillMismatch, report.day, {
            "ran_at": report.ran_at, "status": report.status, "bill_rows": report.bill_rows,
            "our_paid": report.our_paid, "mismatch_count": report.mismatch_count,
            "note": report.note}, lambda run_id: [BillMismatch(
                run_id=run_id, kind=m.kind, out_trade_no=m.out_trade_no,
                transaction_id=m.transaction_id, our_fen=m.our_fen, their_fen=m.their_fen,
                our_status=m.our_status, note=m.note) for m in report.mismatches])

    async def settled(self, day: date) -> bool:
        """Whether `day` has a result read from its bill (ok or mismatches)."""
        return await BillRun.exists(bill_date=day, status__in=list(SETTLED))

    async def recent(self, days: int, now: datetime) -> list[Report]:
        """The runs of the last `days` China days, newest first, each with its first
        SHOWN_MISMATCHES differences (two queries, however many days)."""
        return [Report(day=r.bill_date, status=RunStatus(r.status), ran_at=r.ran_at,
                       bill_rows=r.bill_rows, our_paid=r.our_paid,
                       mismatch_count=r.mismatch_count, note=r.note,
                       due=BillDue.of(r.bill_date, RunStatus(r.status), now), mismatches=tuple(
                           Mismatch(MismatchKind(m.kind), m.out_trade_no, m.transaction_id,
                                    m.our_fen, m.their_fen, m.our_status, m.note)
                           for m in shown))
                for r, shown in await recent_runs(BillRun, BillMismatch, days, now)]
