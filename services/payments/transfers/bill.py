"""Each China day's transfers to experts (商家转账) checked against WeChat Pay's fund-flow bill
(资金账单) of the operating account, which the transfers leave (WX-PAY-FUNDFLOW). The
payments' trade bill is services/payments/bill.py; this reads the other bill the same way,
on the same schedule, and records what differs in transfer_bill_run / transfer_bill_mismatch.

For day D (China time), over the bill's transfer lines (业务类型 商家转账, 支出; ours: see
docs/rules-that-are-ours.md) and our transfers (Payout):
- missing_here: a transfer line naming (业务凭证号 = out_bill_no, or 微信支付业务单号 =
  transfer_bill_no) no transfer of ours that is paid here;
- missing_there: a transfer of ours paid during D (finished_at: when we learned it) with no
  transfer line in D's bill;
- amount_differs: on both sides, for different amounts (the net transferred);
- unreadable: a line of the bill that could not be read.
Other lines (a top-up, a refund of a failed transfer, fees) are not transfers of ours and are
not compared. The bill's availability is read as for the trade bill (not ready, none that
day); while it is not available (and all of today) each of the day's transfers is asked by
its own query instead (services/payments/day_check.py), recorded as `queried` until the bill
replaces it; a re-run replaces the day's result unless it could not read the bill."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Protocol

from models.money.payouts import Payout, PayoutState
from models.money.reconciliation import (
    MismatchKind,
    RunStatus,
    TransferBillMismatch,
    TransferBillRun,
)
from services.common.clock import china_today
from services.common.errors import BadInput, Unavailable
from services.payments.bill_runs import SETTLED, recent_runs, record_run
from services.payments.day_check import check_transfers
from services.payments.findings import (
    BillDue,
    TransferMismatch,
    TransferReport,
    bill_ready_at,
    day_span,
)
from services.payments.gateway import BILL_NONE, BILL_NOT_READY, UNREADABLE, FundFlowRow, PayError
from services.payments.transfers.gateway import TransferGateway

log = logging.getLogger(__name__)

ACCOUNT = "OPERATION"  # 运营账户: where 商家转账 is paid from
TRANSFER_KIND = "商家转账"  # 业务类型 of a transfer line (ours, see the module's doc)
OUT = "支出"
LOOKUP_CHUNK = 500


class FundFlowGateway(Protocol):
    async def fund_flow_bill(self, day: date, account_type: str) -> list[FundFlowRow]:
        """WeChat Pay's fund-flow bill of one account for a China day; PayError
        STATEMENT_CREATING while it is being made, NO_STATEMENT_EXIST when there is none."""
        ...


def is_transfer(row: FundFlowRow) -> bool:
    return row.kind == UNREADABLE or (row.kind == TRANSFER_KIND and row.direction == OUT)


def compare_transfers(rows: Iterable[FundFlowRow], paid_that_day: Iterable[Payout],
                      known: Sequence[Payout]) -> list[TransferMismatch]:
    """The differences between the bill's transfer lines and our transfers (the module's
    rules): `known` are our transfers the lines name, by either number."""
    by_out = {p.out_bill_no: p for p in known}
    by_wx = {p.transfer_bill_no: p for p in known if p.transfer_bill_no}
    found: list[TransferMismatch] = []
    named: set[int] = set()
    for row in rows:
        payout = by_out.get(row.voucher) or by_wx.get(row.wx_no)
        ours = None if payout is None else payout.amount_fen
        state = None if payout is None else payout.state
        out_bill_no = payout.out_bill_no if payout is not None else row.voucher[:32]
        if payout is not None:
            named.add(payout.id)
        if row.kind == UNREADABLE:
            found.append(TransferMismatch(MismatchKind.UNREADABLE, out_bill_no,
                                          row.wx_no or None, ours, None, state,
                                          f"line {row.line}: {row.problem}"[:128]))
        elif payout is None or payout.state != PayoutState.PAID:
            found.append(TransferMismatch(MismatchKind.MISSING_HERE, out_bill_no, row.wx_no,
                                          ours, row.amount_fen, state))
        elif row.amount_fen != payout.amount_fen:
            found.append(TransferMismatch(MismatchKind.AMOUNT_DIFFERS, out_bill_no,
                                          row.wx_no, ours, row.amount_fen, state))
    for payout in paid_that_day:
        if payout.id not in named:
            found.append(TransferMismatch(MismatchKind.MISSING_THERE, payout.out_bill_no,
                                          payout.transfer_bill_no or None, payout.amount_fen,
                                          None, payout.state))
    return found


async def _known(rows: Sequence[FundFlowRow]) -> list[Payout]:
    found: dict[int, Payout] = {}
    for field, numbers in (("out_bill_no", {r.voucher for r in rows}),
                           ("transfer_bill_no", {r.wx_no for r in rows})):
        unique = sorted(numbers - {""})
        for at in range(0, len(unique), LOOKUP_CHUNK):
            for payout in await Payout.filter(**{f"{field}__in": unique[at:at + LOOKUP_CHUNK]}):
                found[payout.id] = payout
    return list(found.values())


class TransferReconcile:
    """Reconciles a day's transfers with WeChat Pay's fund-flow bill (or, while it is not
    out, with WeChat Pay's answer about each transfer) and keeps the result."""

    def __init__(self, gateway: FundFlowGateway | None,
                 transfers: TransferGateway | None = None) -> None:
        self.gateway = gateway
        self.transfers = transfers  # asked one by one while the bill is not out

    @property
    def enabled(self) -> bool:
        return self.gateway is not None

    async def reconcile_day(self, day: date, now: datetime) -> TransferReport:
        """Reconcile `day` (China time) and record the result, replacing an earlier one:
        against its bill, or transfer by transfer while the bill is not out."""
        if day > china_today(now):
            raise BadInput("payment.day_ahead", day=f"{day:%Y年%m月%d日}")
        if self.gateway is None:
            raise Unavailable("payment.off")
        start, end = day_span(day)
        paid = await Payout.filter(state=PayoutState.PAID, finished_at__gte=start,
                                   finished_at__lt=end).order_by("finished_at")
        status, note, rows = RunStatus.BILL_UNAVAILABLE, None, None  # today: no bill yet
        if day < china_today(now):
            status, note, rows = await self._bill(self.gateway, day, now)
        mismatches: list[TransferMismatch] = []
        counted = 0
        if rows is not None:
            rows = [r for r in rows if is_transfer(r)]
            mismatches = compare_transfers(rows, paid, await _known(rows))
            status = RunStatus.MISMATCHES if mismatches else RunStatus.OK
            counted = len(rows)
        elif status == RunStatus.BILL_UNAVAILABLE and self.transfers is not None:
            counted, mismatches = await check_transfers(self.transfers, day, paid)
            status = RunStatus.QUERIED
        report = TransferReport(day=day, status=status, ran_at=now, bill_rows=counted,
                                our_paid=len(paid), mismatch_count=len(mismatches),
                                mismatches=tuple(mismatches), note=note,
                                due=BillDue.of(day, status, now))
        if not await self._record(report):
            log.warning("fund-flow bill %s: %s (%s); the result read before is kept", day,
                        status, note)
            return report
        for m in mismatches:
            log.warning("fund-flow bill %s: %s, transfer %s (%s): ours %s fen, theirs %s fen"
                        "%s", day, m.kind, m.out_bill_no or "-", m.transfer_bill_no or "-",
                        m.our_fen, m.their_fen, f" ({m.note})" if m.note else "")
        log.info("fund-flow bill %s: %s (%s), %d transfer lines or transfers asked, %d paid "
                 "here, %d mismatches", day, status, note or "-", report.bill_rows,
                 report.our_paid, report.mismatch_count)
        return report

    @staticmethod
    async def _bill(gateway: FundFlowGateway, day: date, now: datetime
                    ) -> tuple[RunStatus, str | None, list[FundFlowRow] | None]:
        try:
            return RunStatus.OK, None, await gateway.fund_flow_bill(day, ACCOUNT)
        except PayError as exc:
            if exc.code == BILL_NONE and now >= bill_ready_at(day):
                return RunStatus.OK, None, []  # no money moved that day
            if exc.code in (BILL_NONE, BILL_NOT_READY):
                return RunStatus.BILL_UNAVAILABLE, exc.code, None
            log.warning("fund-flow bill %s could not be fetched: %s", day, exc)
            return RunStatus.FAILED, str(exc)[:200], None

    @staticmethod
    async def _record(report: TransferReport) -> bool:
        """The day's run and its differences kept (services/payments/bill_runs)."""
        return await record_run(TransferBillRun, TransferBillMismatch, report.day, {
            "ran_at": report.ran_at, "status": report.status, "bill_rows": report.bill_rows,
            "our_paid": report.our_paid, "mismatch_count": report.mismatch_count,
            "note": report.note}, lambda run_id: [TransferBillMismatch(
                run_id=run_id, kind=m.kind, out_bill_no=m.out_bill_no,
                transfer_bill_no=m.transfer_bill_no, our_fen=m.our_fen,
                their_fen=m.their_fen, our_state=m.our_state, note=m.note)
                for m in report.mismatches])

    async def settled(self, day: date) -> bool:
        return await TransferBillRun.exists(bill_date=day, status__in=list(SETTLED))

    async def recent(self, days: int, now: datetime) -> list[TransferReport]:
        """The runs of the last `days` China days, newest first, each with its first
        SHOWN_MISMATCHES differences."""
        return [TransferReport(
            day=r.bill_date, status=RunStatus(r.status), ran_at=r.ran_at,
            bill_rows=r.bill_rows, our_paid=r.our_paid, mismatch_count=r.mismatch_count,
            note=r.note, due=BillDue.of(r.bill_date, RunStatus(r.status), now),
            mismatches=tuple(TransferMismatch(
                MismatchKind(m.kind), m.out_bill_no, m.transfer_bill_no, m.our_fen,
                m.their_fen, m.our_state, m.note) for m in shown))
            for r, shown in await recent_runs(TransferBillRun, TransferBillMismatch, days, now)]
