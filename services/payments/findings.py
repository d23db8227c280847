"""What a day's reconciliation found, for either side (payments, transfers to experts) and
either way of looking (WeChat Pay's bill, or each order and transfer asked by its own query
while the bill is not out), and when WeChat Pay's bills of a China day are out.

WX-PAY (申请交易账单, 下载账单): WeChat Pay makes a day's bills (00:00–23:59:59 China time)
from 09:00 the next day and advises fetching them after 10:00; the daily job reads
yesterday's at BILL_CHECKS (config/worker.py schedules it by these)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Generic, TypeVar

from models.money.payments import OrderStatus
from models.money.reconciliation import MismatchKind, RunStatus
from services.common.clock import CHINA

PAID = (OrderStatus.PAID, OrderStatus.DUPLICATE, OrderStatus.REFUNDED)  # paid at WeChat Pay
REFUNDING = (OrderStatus.DUPLICATE, OrderStatus.REFUNDED)  # refunded, or about to be
BILL_READY = time(10, 0)  # China time, the next day: WeChat Pay's advice
# China time, the next day, all at :30 (the cron takes hours and minutes apart): the daily
# job's runs, each reading yesterday's bills until one could (services/jobs.py reconcile_bill)
BILL_CHECKS = (time(10, 30), time(11, 30), time(12, 30), time(14, 30), time(16, 30))
# a run whose day still waits for its bill: the bill, when out, replaces its result
PENDING = (RunStatus.QUERIED, RunStatus.BILL_UNAVAILABLE)


def _china(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=CHINA)


def day_span(day: date) -> tuple[datetime, datetime]:
    """The China day as [start, end) instants, in UTC as stored (SQLite compares text)."""
    start = _china(day, time(0)).astimezone(UTC)
    return start, start + timedelta(days=1)


def bill_ready_at(day: date) -> datetime:
    """When WeChat Pay's bills of `day` should exist."""
    return _china(day + timedelta(days=1), BILL_READY)


def next_bill_check(day: date, now: datetime) -> datetime | None:
    """The daily job's next run that reads `day`'s bills (it reads yesterday's); None when
    none is left."""
    return next((at for at in (_china(day + timedelta(days=1), t) for t in BILL_CHECKS)
                 if at > now), None)


@dataclass(frozen=True)
class BillDue:
    """For a day still waiting for its bills: when WeChat Pay should have them (None: that
    time has passed, WeChat Pay is still making them) and when the job reads them next
    (None: no run is left for that day, finance runs it again)."""

    expected: datetime | None
    check: datetime | None

    @classmethod
    def of(cls, day: date, status: RunStatus, now: datetime) -> BillDue | None:
        """The day's due bill, for a run that is still waiting for it."""
        if status not in PENDING:
            return None
        ready = bill_ready_at(day)
        return cls(ready if ready > now else None, next_bill_check(day, now))


@dataclass(frozen=True)
class Mismatch:
    kind: MismatchKind
    out_trade_no: str
    transaction_id: str | None
    our_fen: int | None  # our order's amount (None: no such order here)
    their_fen: int | None  # the bill's amount, the refund's, or the queried order's
    our_status: str | None = None  # our order's status (None: no such order here)
    note: str | None = None  # an unreadable line: its number and what is wrong with it


M = TypeVar("M")  # a difference found: Mismatch (payments) or TransferMismatch


@dataclass(frozen=True)
class DayReport(Generic[M]):
    """One day's reconciliation, as recorded: of payments or of transfers (below)."""

    day: date
    status: RunStatus
    ran_at: datetime
    bill_rows: int
    our_paid: int
    mismatch_count: int
    mismatches: tuple[M, ...]
    note: str | None = None
    due: BillDue | None = None


@dataclass(frozen=True)
class Report(DayReport[Mismatch]):
    """One day's reconciliation of payments, as recorded (`bill_rows`: the lines of the
    bill, or the orders asked when the bill was not out)."""


@dataclass(frozen=True)
class TransferMismatch:
    kind: MismatchKind
    out_bill_no: str
    transfer_bill_no: str | None
    our_fen: int | None
    their_fen: int | None
    our_state: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class TransferReport(DayReport[TransferMismatch]):
    """One day's reconciliation of transfers, as recorded (`bill_rows`: the bill's transfer
    lines, or the transfers asked when the bill was not out)."""
