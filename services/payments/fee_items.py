"""What a payer owes and how an order to pay it stands: a fee (its window, its amount), a
line of the payment history, a checkout's order, and a new merchant order number."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from models.money.payments import FeeKind, PayOrder
from services.common.clock import CHINA
from services.common.errors import ClosedWindow, Conflict


@dataclass(frozen=True)
class FeeItem:
    kind: FeeKind
    ref_id: int
    title: str
    amount_fen: int
    opens: datetime
    closes: datetime
    paid_at: datetime | None = None

    @property
    def amount_text(self) -> str:
        return f"{self.amount_fen / 100:.2f}元"

    def require_open(self, now: datetime) -> None:
        """Refuse outside the payment window, saying when it opens or that it closed."""
        if now < self.opens:
            raise ClosedWindow("payment.not_open", item=self.title, opens=self.opens)
        if now > self.closes:
            raise ClosedWindow("payment.closed", item=self.title, closes=self.closes)

    def require_unpaid(self) -> None:
        if self.paid_at is not None:
            raise Conflict("payment.already_paid", item=self.title, paid_at=self.paid_at)


@dataclass(frozen=True, slots=True)
class PaidRecord:
    """One fee as the payment history shows it."""

    title: str
    amount: str
    paid_at: datetime | None
    order_no: str | None
    transaction_id: str | None
    invoice_requested_at: datetime | None
    invoice_no: str | None = None  # once the finance staff issued it
    refunded_at: datetime | None = None  # a training fee refunded before the training


@dataclass(frozen=True)
class Checkout:
    item: FeeItem
    order: PayOrder
    reused: bool

    @property
    def deadline(self) -> datetime:
        return min(self.order.expires_at, self.item.closes)


def new_trade_no(now: datetime) -> str:
    """EB + China time to the second + 10 random characters: 26 characters, unique per try."""
    return f"EB{now.astimezone(CHINA):%y%m%d%H%M%S}{secrets.token_hex(5).upper()}"
