"""A China day whose WeChat Pay bills are not out yet — today, yesterday before 10:00, or
later while WeChat Pay still makes them (WX-PAY: the bills of day D are made from 09:00 on
D+1) — checked one by one: each of the day's payment orders asked by 查询订单 (out_trade_no),
each of its transfers to experts by 商户单号查询转账单 (out_bill_no), the same queries the
reconciler of a lost notification uses; the answers compared with ours in the bill's terms
(services/payments/bill.py, transfer_bill.py):
- missing_here: WeChat Pay says paid during D (SUCCESS, or REFUND: paid, then refunded), ours
  is not paid;
- missing_there: ours paid during D, WeChat Pay says not paid (or has no such order);
- amount_differs: paid on both sides, for different amounts;
- refund_unknown: WeChat Pay says refunded, ours is paid and not being refunded;
- unanswered: WeChat Pay could not be asked (the error code in the log).
The day's orders: those paid here during D, and those not paid here that could be paid
during D (open, or closed, while their 2 hours overlap D). The day's transfers: those paid
here during D, those still open, and those failed, cancelled or expired during D. A payment
or transfer WeChat Pay has and we never made cannot be asked about: only the bill shows it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar

from tortoise.expressions import Q

from models.money.payments import OrderStatus, PayOrder
from models.money.payouts import OPEN, Payout, PayoutState
from models.money.reconciliation import MismatchKind
from services.payments.findings import PAID, REFUNDING, Mismatch, TransferMismatch, day_span
from services.payments.gateway import NotificationRejected, PayError, PayGateway, Trade

if TYPE_CHECKING:  # the transfers' part imports this module when its door is opened
    from services.payments.transfers.gateway import TransferBill, TransferGateway

log = logging.getLogger(__name__)

AT_ONCE = 8  # queries in flight at a time (WeChat Pay allows far more per merchant)
PAID_THERE = ("SUCCESS", "REFUND")  # a trade_state that says the order was paid
UNPAID = (OrderStatus.CREATING, OrderStatus.OPEN, OrderStatus.CLOSING, OrderStatus.CLOSED)
ENDED = (PayoutState.FAILED, PayoutState.CANCELLED, PayoutState.EXPIRED)

Answer = TypeVar("Answer")


async def ask_each(numbers: Sequence[str], ask: Callable[[str], Awaitable[Answer]],
                   what: str) -> dict[str, Answer | None]:
    """WeChat Pay's answer about each number, a few at a time; None where it gave none."""
    gate = asyncio.Semaphore(AT_ONCE)

    async def one(number: str) -> tuple[str, Answer | None]:
        async with gate:
            try:
                return number, await ask(number)
            except (PayError, NotificationRejected) as exc:
                log.warning("%s %s could not be asked: %s", what, number,
                            getattr(exc, "code", exc))
                return number, None
    return dict(await asyncio.gather(*(one(n) for n in numbers)))


def _within(day: date, moment: datetime | None) -> bool:
    """Whether WeChat Pay's time falls in the China day (unknown: taken as in it)."""
    start, end = day_span(day)
    return moment is None or start <= moment < end


def compare_trades(day: date, orders: Sequence[PayOrder],
                   answers: dict[str, Trade | None]) -> list[Mismatch]:
    """The differences between our orders and WeChat Pay's answers (the module's rules)."""
    found: list[Mismatch] = []
    for order in orders:
        trade = answers.get(order.out_trade_no)
        if trade is None:
            found.append(Mismatch(MismatchKind.UNANSWERED, order.out_trade_no,
                                  order.transaction_id, order.amount_fen, None, order.status))
            continue
        paid_there = trade.trade_state in PAID_THERE
        theirs = trade.total_fen if paid_there else None
        number = trade.transaction_id or order.transaction_id
        kind = None
        if order.status in PAID:
            if not paid_there:
                kind = MismatchKind.MISSING_THERE
            elif theirs is not None and theirs != order.amount_fen:
                kind = MismatchKind.AMOUNT_DIFFERS
            elif trade.trade_state == "REFUND" and order.status not in REFUNDING:
                kind = MismatchKind.REFUND_UNKNOWN
        elif paid_there and _within(day, trade.success_time):
            kind = MismatchKind.MISSING_HERE  # paid another day: that day's finding
        if kind is not None:
            found.append(Mismatch(kind, order.out_trade_no, number, order.amount_fen,
                                  theirs, order.status))
    return found


def compare_transfer_answers(day: date, payouts: Sequence[Payout],
                      answers: dict[str, TransferBill | None]) -> list[TransferMismatch]:
    """The differences between our transfers and WeChat Pay's answers (the module's rules)."""
    found: list[TransferMismatch] = []
    for payout in payouts:
        bill = answers.get(payout.out_bill_no)
        if bill is None:
            found.append(TransferMismatch(MismatchKind.UNANSWERED, payout.out_bill_no,
                                          payout.transfer_bill_no or None, payout.amount_fen,
                                          None, payout.state))
            continue
        paid_there = bill.state == "SUCCESS"
        theirs = bill.amount_fen if paid_there else None
        kind = None
        if payout.state == PayoutState.PAID:
            if not paid_there:
                kind = MismatchKind.MISSING_THERE
            elif theirs is not None and theirs != payout.amount_fen:
                kind = MismatchKind.AMOUNT_DIFFERS
        elif paid_there and _within(day, bill.updated_at):
            kind = MismatchKind.MISSING_HERE
        if kind is not None:
            found.append(TransferMismatch(
                kind, payout.out_bill_no, bill.transfer_bill_no or payout.transfer_bill_no
                or None, payout.amount_fen, theirs, payout.state))
    return found


async def check_orders(gateway: PayGateway, day: date, paid: Sequence[PayOrder]
                       ) -> tuple[int, list[Mismatch]]:
    """The day's orders (`paid`: ours paid during it) asked one by one: how many were
    asked, and the differences."""
    start, end = day_span(day)
    unpaid = await PayOrder.filter(status__in=UNPAID, created_at__lt=end,
                                   expires_at__gt=start).order_by("created_at")
    orders = [*paid, *unpaid]
    answers = await ask_each([o.out_trade_no for o in orders], gateway.query, "order")
    return len(orders), compare_trades(day, orders, answers)


async def check_transfers(gateway: TransferGateway, day: date, paid: Sequence[Payout]
                          ) -> tuple[int, list[TransferMismatch]]:
    """The day's transfers (`paid`: ours paid during it) asked one by one: how many were
    asked, and the differences."""
    start, end = day_span(day)
    others = await Payout.filter(
        Q(state__in=OPEN, created_at__lt=end)
        | Q(state__in=ENDED, finished_at__gte=start, finished_at__lt=end)).order_by("id")
    payouts = [*paid, *others]
    answers = await ask_each([p.out_bill_no for p in payouts], gateway.query, "transfer")
    return len(payouts), compare_transfer_answers(day, payouts, answers)
