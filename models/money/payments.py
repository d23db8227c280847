"""Fees and WeChat Pay orders: one payable per fee item and person, one order per attempt."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from tortoise import fields

from models.orm.base import Model

TradeType = Literal["native", "jsapi"]  # PaymentOrder.trade_type
SettledBy = Literal["notify", "reconcile"]  # PaymentOrder.settled_by: who saw it paid

class FeeKind(StrEnum):
    TRAINING = "training"  # the batch training fee, after approval (培训费)
    COURSE = "course"  # a continuing-education course fee
    FEE_SHEET = "fee_sheet"  # an agency funds its experts' fees (ref: the root activity)


class OrderStatus(StrEnum):
    CREATING = "creating"  # our row exists, WeChat Pay not asked yet (or the call failed)
    OPEN = "open"  # code_url or prepay_id issued, not paid
    CLOSING = "closing"  # replaced by a newer attempt, close not yet confirmed by WeChat Pay
    CLOSED = "closed"
    PAID = "paid"
    DUPLICATE = "duplicate"  # paid although the fee was already paid by another order
    REFUNDED = "refunded"  # a duplicate, refunded


class Payable(Model):
    """A fee a person owes (应缴): created on first checkout, settled by one paid order."""

    id = fields.BigIntField(primary_key=True)
    person_id = fields.BigIntField(db_index=True)
    kind = fields.CharField(max_length=16)
    # the application (training) or the enrolment (course)
    ref_id = fields.BigIntField(db_index=True)
    title = fields.CharField(max_length=64)
    amount_fen = fields.IntField()
    paid_at = fields.DatetimeField(null=True)
    order_no = fields.CharField(max_length=32, null=True)  # the order that paid it
    invoice_email = fields.CharField(max_length=128, null=True)  # 发票 goes there
    invoice_requested_at = fields.DatetimeField(null=True)
    # the invoice's title (抬头): the payer as a person, or the unit that reimburses the fee
    # with its unified social credit code (纳税人识别号); fixed once the invoice is issued
    invoice_title = fields.CharField(max_length=8, default="person", db_default="person")
    invoice_unit_name = fields.CharField(max_length=100, null=True)
    invoice_unit_code = fields.CharField(max_length=18, null=True)
    # recorded by the finance staff once the invoice is issued (the payer is told)
    invoice_no = fields.CharField(max_length=64, null=True)
    invoiced_at = fields.DatetimeField(null=True)
    refunded_at = fields.DatetimeField(null=True)  # a training fee refunded before training
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "payable"
        unique_together = (("kind", "ref_id"),)
        indexes = (("invoice_requested_at", "id"),)  # the invoice desk, in order asked


class PayOrder(Model):
    """One attempt at paying a payable: a Native (QR) or JSAPI (in the mini-program) order."""

    id = fields.BigIntField(primary_key=True)
    out_trade_no = fields.CharField(max_length=32, unique=True)
    payable: fields.ForeignKeyRelation[Payable] = fields.ForeignKeyField(
        "models.Payable", related_name="orders", on_delete=fields.RESTRICT, db_index=True)
    payable_id: int  # the column, read without a query
    trade_type = fields.CharField(max_length=8)  # TradeType
    amount_fen = fields.IntField()
    status = fields.CharField(max_length=12, default=OrderStatus.CREATING, db_index=True)
    code_url = fields.CharField(max_length=128, null=True)
    prepay_id = fields.CharField(max_length=64, null=True)
    payer_openid = fields.CharField(max_length=64, null=True)
    expires_at = fields.DatetimeField()
    transaction_id = fields.CharField(max_length=32, null=True, unique=True)
    paid_at = fields.DatetimeField(null=True)
    settled_by = fields.CharField(max_length=12, null=True)  # SettledBy
    checked_at = fields.DatetimeField(null=True)  # last query by the reconciler
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "pay_order"


class FapiaoState(StrEnum):
    ISSUING = "issuing"  # asked; WeChat Pay accepted it (ISSUE_ACCEPTED), not issued yet
    ISSUED = "issued"
    FAILED = "failed"  # refused; the finance desk may try again
    REVERSING = "reversing"  # 冲红 asked (REVERSE_ACCEPTED)
    REVERSED = "reversed"  # a red invoice cancels it


class EInvoice(Model):
    """The e-invoice (电子发票) of one paid fee, issued through the provider: its number, its
    file kept, whether it was e-mailed, and its reversal (红票) after a refund."""

    id = fields.BigIntField(primary_key=True)
    payable: fields.OneToOneRelation[Payable] = fields.OneToOneField(
        "models.Payable", related_name="einvoice", on_delete=fields.RESTRICT)
    payable_id: int  # the column, read without a query
    apply_id = fields.CharField(max_length=32, unique=True)  # fapiao_apply_id
    fapiao_id = fields.CharField(max_length=32, unique=True)  # 商户发票单号 (ours)
    state = fields.CharField(max_length=12, default=FapiaoState.ISSUING, db_index=True)
    number = fields.CharField(max_length=20, null=True)  # 发票号码
    code = fields.CharField(max_length=12, null=True)  # 发票代码 (none for 数电票)
    issued_at = fields.DatetimeField(null=True)
    file_key = fields.CharField(max_length=128, null=True)
    file_type = fields.CharField(max_length=4, null=True)  # pdf / ofd
    emailed_at = fields.DatetimeField(null=True)  # the SMTP server took it
    emailed_to = fields.CharField(max_length=128, null=True)
    told_at = fields.DatetimeField(null=True)  # the payer was pushed the outcome
    error = fields.CharField(max_length=200, null=True)  # the last refusal, in words
    red_number = fields.CharField(max_length=20, null=True)
    reverse_reason = fields.CharField(max_length=32, null=True)
    reversed_at = fields.DatetimeField(null=True)
    red_file_key = fields.CharField(max_length=128, null=True)
    checks = fields.IntField(default=0)  # queries of the provider so far
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "einvoice"
