"""Experts' fees paid through the platform (WeChat Pay's 商家转账): per activity, whether its
fees are paid here or recorded as paid elsewhere, and each transfer bill with its state."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields

from models.orm.base import Model


class FeeChannel(StrEnum):
    ELSEWHERE = "elsewhere"  # paid by the agency its own way, recorded here (the default)
    PLATFORM = "platform"  # paid through WeChat Pay from the centre's merchant account


class PayoutState(StrEnum):
    WAITING = "waiting"  # made at WeChat Pay, waiting for the expert to confirm (24 h)
    TRANSFERRING = "transferring"  # confirmed, the money on its way
    PAID = "paid"
    FAILED = "failed"  # WeChat Pay could not pay (the reason kept)
    CANCELLED = "cancelled"  # withdrawn by the agency before the expert confirmed
    EXPIRED = "expired"  # not confirmed within 24 hours: closed, the money stays with us


OPEN = (PayoutState.WAITING, PayoutState.TRANSFERRING)


class FeeChannelChoice(Model):
    """How one activity's fees are paid (no row: elsewhere), and who chose it when."""

    activity_id = fields.BigIntField(primary_key=True)
    channel = fields.CharField(max_length=16, default=FeeChannel.ELSEWHERE)
    chosen_by = fields.BigIntField()
    chosen_at = fields.DatetimeField()

    class Meta:
        table = "fee_channel_choice"


class Payout(Model):
    """One transfer of one expert's fee for one evaluation (a new one after a cancelled,
    expired or failed one; at most one open at a time)."""

    id = fields.BigIntField(primary_key=True)
    invitation_id = fields.BigIntField(db_index=True)
    activity_id = fields.BigIntField(db_index=True)  # the root activity
    person_id = fields.BigIntField(db_index=True)  # the payee
    out_bill_no = fields.CharField(max_length=32, unique=True)
    amount_fen = fields.IntField()  # the transfer: 实发, the fee less the tax withheld
    # the fee (应发) and its pre-withholding (TAX-61 Art. 8, services/fees/withholding.py):
    # a bill made before withholding has gross = amount and no tax
    gross_fen = fields.IntField(default=0, db_default=0)
    taxable_fen = fields.IntField(default=0, db_default=0)  # 预扣预缴应纳税所得额
    tax_rate = fields.SmallIntField(default=0, db_default=0)  # 预扣率, %
    tax_fen = fields.IntField(default=0, db_default=0)  # 代扣个人所得税
    openid = fields.CharField(max_length=64)  # the payee's mini-program openid
    state = fields.CharField(max_length=16, default=PayoutState.WAITING, db_index=True)
    wx_state = fields.CharField(max_length=24, default="")  # WeChat Pay's last word
    transfer_bill_no = fields.CharField(max_length=64, default="")
    package_info = fields.TextField(default="")  # for wx.requestMerchantTransfer
    fail_reason = fields.CharField(max_length=64, default="")
    created_by = fields.BigIntField()
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True)
    finished_at = fields.DatetimeField(null=True)
    checked_at = fields.DatetimeField(null=True)  # last asked WeChat Pay (reconciliation)
    # sent under the expert's 免确认收款授权 (its out_authorization_no): no confirmation
    authorisation_no = fields.CharField(max_length=32, default="", db_default="")

    class Meta:
        table = "payout"

    @property
    def shown_state(self) -> str:
        """The state a person reads: a bill still open while WeChat Pay cancels it reads
        "canceling" (no confirmation possible, no new bill yet), not as waiting."""
        if self.state == PayoutState.WAITING and self.wx_state == "CANCELING":
            return "canceling"
        return str(self.state)


class AuthorisationState(StrEnum):
    WAITING = "waiting"  # asked at WeChat Pay, the expert has not agreed yet (24 h)
    ACTIVE = "active"  # agreed: transfers to them need no confirmation
    CLOSED = "closed"  # revoked (by the expert, here or in WeChat), expired or refused


class TransferAuthorisation(Model):
    """An expert's 免确认收款授权 at WeChat Pay (WX-PAY): asked once, agreed in the
    mini-program, then every fee transfer to them goes without a confirmation until it is
    revoked. At most one waiting or active per expert."""

    id = fields.BigIntField(primary_key=True)
    person_id = fields.BigIntField(db_index=True)
    openid = fields.CharField(max_length=64)  # the expert's mini-program openid
    out_authorization_no = fields.CharField(max_length=32, unique=True)  # ours
    authorization_id = fields.CharField(max_length=64, default="")  # WeChat Pay's
    state = fields.CharField(max_length=16, default=AuthorisationState.WAITING, db_index=True)
    wx_state = fields.CharField(max_length=24, default="")  # WeChat Pay's last word
    package_info = fields.TextField(default="")  # for wx.requestMerchantTransfer, while waiting
    close_reason = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField()
    granted_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "transfer_authorisation"


class PayoutAccount(Model):
    """Another way to pay one expert's fee: a bank account the expert gives on the page
    their SMS links to (an expert WeChat Pay cannot reach: no mini-program), and finance's
    record of the transfer made to it from the funded sheet, the tax withheld as for a
    WeChat transfer. The account number is sealed (Vault)."""

    id = fields.BigIntField(primary_key=True)
    invitation_id = fields.BigIntField(unique=True)
    activity_id = fields.BigIntField(db_index=True)  # the root activity
    person_id = fields.BigIntField(db_index=True)  # the payee
    amount_fen = fields.IntField()  # the transfer: 实发, the fee less the tax withheld
    # the fee (应发) and its pre-withholding (TAX-61 Art. 8), as on Payout; a row made before
    # withholding has gross = amount and no tax
    gross_fen = fields.IntField(default=0, db_default=0)
    taxable_fen = fields.IntField(default=0, db_default=0)
    tax_rate = fields.SmallIntField(default=0, db_default=0)
    tax_fen = fields.IntField(default=0, db_default=0)
    asked_by = fields.BigIntField()
    asked_at = fields.DatetimeField()
    holder = fields.CharField(max_length=30, default="")  # 户名
    bank = fields.CharField(max_length=40, default="")  # 开户银行
    number_enc = fields.TextField(default="")  # the account number, sealed
    number_masked = fields.CharField(max_length=24, default="")
    given_at = fields.DatetimeField(null=True)
    paid_at = fields.DatetimeField(null=True)
    paid_by = fields.BigIntField(null=True)
    paid_ref = fields.CharField(max_length=64, default="")  # the bank's transfer reference

    class Meta:
        table = "payout_account"


class FundingState(StrEnum):
    PAYING = "paying"  # the agency is paying the total by WeChat Pay (its QR code shown)
    SUBMITTED = "submitted"  # the agency sent the sheet's total and says so: finance checks
    APPROVED = "approved"  # finance saw the money arrive and approved the sheet
    RETURNED = "returned"  # finance sent it back with its reason: the agency corrects, resubmits


# the sheet's amounts are fixed: being paid, waiting for finance, or approved
FUNDING_HELD = (FundingState.PAYING, FundingState.SUBMITTED, FundingState.APPROVED)


class FeeFunding(Model):
    """The agency's funding of one activity's experts' fees paid from the centre's merchant
    account, and finance's approval of the sheet: the amounts as submitted (by invitation
    id) are the only ones a transfer may carry, and none goes out before the approval."""

    activity_id = fields.BigIntField(primary_key=True)  # the root activity
    state = fields.CharField(max_length=16, default=FundingState.SUBMITTED, db_index=True)
    amounts: dict[str, int] = fields.JSONField(default=dict)  # {invitation id: fen}
    total_fen = fields.IntField()
    reference = fields.CharField(max_length=64)  # the agency's bank transfer reference
    submitted_by = fields.BigIntField()
    submitted_at = fields.DatetimeField()
    decided_by = fields.BigIntField(null=True)  # finance
    decided_at = fields.DatetimeField(null=True)
    returned_reason = fields.CharField(max_length=200, default="")

    class Meta:
        table = "fee_funding"


class PayoutReceipt(Model):
    """The electronic receipt (电子回单) of a fee paid by WeChat transfer: applied for once the
    transfer is paid, polled until WeChat Pay has made it, its file archived with the fee
    when its SHA-256 is the one WeChat Pay announced (services/fees/receipts.py)."""

    id = fields.BigIntField(primary_key=True)
    payout_id = fields.BigIntField(unique=True)
    state = fields.CharField(max_length=10, default="applied")  # applied / archived / failed
    applied_at = fields.DatetimeField()
    checked_at = fields.DatetimeField(null=True)  # the last query
    archived_at = fields.DatetimeField(null=True)
    sha256 = fields.CharField(max_length=64, default="")
    storage_key = fields.CharField(max_length=128, default="")
    size = fields.IntField(default=0)
    tries = fields.IntField(default=0)
    problem = fields.CharField(max_length=64, default="")  # the last: a digest mismatch, ...

    class Meta:
        table = "payout_receipt"
