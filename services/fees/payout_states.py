"""A transfer bill's states as WeChat Pay names them and what each means here, and the
bill as the expert sees it: the words services/fees/payouts.py reads WeChat Pay's answers
with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from models.money.payouts import Payout, PayoutState

CANCELLED_BY_AGENCY = "CANCELLED_BY_AGENCY"  # a bill the agency withdrew (not expired)
CHOSE_ANOTHER_WAY = "EXPERT_CHOSE_BANK"  # withdrawn as the expert chose a bank account
# WeChat Pay's states of a bill the expert confirmed (its money moving or moved)
CONFIRMED_STATES = ("TRANSFERING", "SUCCESS")
WITHDRAWN = (CANCELLED_BY_AGENCY, CHOSE_ANOTHER_WAY)

CONFIRM_WITHIN = timedelta(hours=24)  # WeChat Pay closes a bill not confirmed by then
CHECK_AFTER = timedelta(minutes=5)  # a bill WeChat Pay has said nothing of: ask it
BY_STATE = {"ACCEPTED": PayoutState.WAITING, "PROCESSING": PayoutState.WAITING,
            "WAIT_USER_CONFIRM": PayoutState.WAITING, "CANCELING": PayoutState.WAITING,
            "TRANSFERING": PayoutState.TRANSFERRING, "SUCCESS": PayoutState.PAID,
            "FAIL": PayoutState.FAILED}


class PayoutMismatch(Exception):
    """A notification or answer that does not fit our bill (merchant, amount or payee)."""


@dataclass(frozen=True)
class MyPayout:
    """A transfer as the expert sees it: for which evaluation day, and whether it waits
    for their confirmation."""

    payout: Payout
    eval_day: date  # China time
    can_confirm: bool


@dataclass(frozen=True)
class ConfirmParams:
    """What wx.requestMerchantTransfer takes to show the expert the bill to confirm."""

    mch_id: str
    app_id: str
    package: str
    open_id: str
