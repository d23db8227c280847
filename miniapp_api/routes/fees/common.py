"""What the fees routes share: who may call them, amounts in yuan, and a transfer and a bank
account as every fee page shows them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import Field

from miniapp_api.schemas import Model
from models.money.payouts import Payout, PayoutAccount
from models.people import Role
from services.common.texts import Texts
from services.fees import Amounts, Computed

TAG = "专家费"
EXPERT = {Role.EXPERT}
FINANCE = {Role.FINANCE}
CENT = Decimal("0.01")


def fen_yuan(fen: int) -> Decimal:
    """An amount in fen as yuan, with its two decimals (0 is 0.00)."""
    return (Decimal(fen) / 100).quantize(CENT)


def yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else fen_yuan(fen)


def breakdown(texts: Texts, computed: Computed | None) -> str:
    """How the standard's amount came about, in words ("" without a standard)."""
    return "" if computed is None else texts.render("draw/fee_breakdown.j2", computed=computed)


def withheld(texts: Texts, computed: Computed | None, fixed: str) -> str:
    """What the law took off the fee and why, and what became of a line it could no longer
    change, in words ("" when nothing: services/fees/forfeit.py)."""
    if computed is None or not (computed.forfeited_fen or computed.grounds):
        return ""
    return texts.render("draw/fee_withheld.j2", computed=computed, fixed=fixed).strip()


class PayoutOut(Model):
    """The latest WeChat Pay transfer of one expert's fee."""

    id: int
    state: str
    state_title: str
    amount_yuan: Decimal = Field(description="实发：转账金额（专家费减代扣个人所得税）")
    gross_yuan: Decimal = Field(description="应发：登记的专家费")
    tax_yuan: Decimal = Field(description="代扣个人所得税（劳务报酬预扣预缴；0：未扣）")
    amount_words: str = Field(description="金额说明，如“应发 900.00元，代扣个人所得税 20.00元，"
                                          "实发 880.00元”")
    created_at: datetime
    expires_at: datetime = Field(description="须在此前确认收款（24小时）")
    finished_at: datetime | None


class AccountOut(Model):
    """The bank account an expert without the mini-program gave for their fee (masked)."""

    asked_at: datetime = Field(description="短信请专家提供账户的时间")
    holder: str = Field(description="户名（专家未填写时为空）")
    bank: str
    number_masked: str = Field(description="账号（只显示后四位）")
    given_at: datetime | None = Field(description="专家提交账户的时间")
    paid_at: datetime | None = Field(description="登记已转账的时间")
    paid_ref: str = Field(description="转账凭证号")


def money_out(texts: Texts, payout: Payout) -> dict[str, Any]:
    """A transfer's money: transferred (实发), the fee (应发), the tax withheld, in words."""
    return {"amount_yuan": fen_yuan(payout.amount_fen),
            "gross_yuan": fen_yuan(payout.gross_fen or payout.amount_fen),
            "tax_yuan": fen_yuan(payout.tax_fen),
            "amount_words": texts.render("payout/amounts.j2",
                                         **Amounts.of_paid(payout).words())}


def payout_out(texts: Texts, payout: Payout | None) -> PayoutOut | None:
    if payout is None:
        return None
    return PayoutOut(id=payout.id, state=payout.state,
                     state_title=texts.word("payout_state", payout.shown_state),
                     **money_out(texts, payout), created_at=payout.created_at,
                     expires_at=payout.expires_at, finished_at=payout.finished_at)


def account_out(account: PayoutAccount | None) -> AccountOut | None:
    if account is None:
        return None
    return AccountOut(asked_at=account.asked_at, holder=account.holder, bank=account.bank,
                      number_masked=account.number_masked, given_at=account.given_at,
                      paid_at=account.paid_at, paid_ref=account.paid_ref)
