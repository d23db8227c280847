"""A day's payments checked against WeChat Pay's trade bill: one run per China day (a re-run
replaces it) and the differences it found."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields

from models.orm.base import Model


class RunStatus(StrEnum):
    OK = "ok"  # the bill and our orders agree
    MISMATCHES = "mismatches"
    BILL_UNAVAILABLE = "bill_unavailable"  # WeChat Pay has not made the bill yet
    FAILED = "failed"  # the bill could not be fetched or read (see `note`)
    # the bill not out yet (today, or before WeChat Pay has made it): each of the day's
    # orders (transfers) asked by its own query instead; the bill replaces it when out
    QUERIED = "queried"


class MismatchKind(StrEnum):
    MISSING_HERE = "missing_here"  # paid at WeChat Pay, not paid (or unknown) here
    MISSING_THERE = "missing_there"  # paid here that day, not in the bill
    AMOUNT_DIFFERS = "amount_differs"
    # a refund in the bill of an order we neither refunded nor are refunding (a duplicate)
    REFUND_UNKNOWN = "refund_unknown"
    REFUND_DIFFERS = "refund_differs"  # refunded, but not the whole order as we do
    UNREADABLE = "unreadable"  # a line of the bill that could not be read
    UNANSWERED = "unanswered"  # an order (transfer) WeChat Pay did not answer about


class BillRun(Model):
    """The last reconciliation of one China day's payments."""

    id = fields.BigIntField(primary_key=True)
    bill_date = fields.DateField(unique=True)
    ran_at = fields.DatetimeField()
    status = fields.CharField(max_length=16)
    # lines in the bill, payments and refunds (queried: the orders asked)
    bill_rows = fields.IntField(default=0)
    our_paid = fields.IntField(default=0)  # our orders paid that day
    mismatch_count = fields.IntField(default=0)
    note = fields.CharField(max_length=200, null=True)  # why the bill was not available

    mismatches: fields.ReverseRelation[BillMismatch]

    class Meta:
        table = "bill_run"


class BillMismatch(Model):
    """One difference between the bill and our orders."""

    id = fields.BigIntField(primary_key=True)
    run: fields.ForeignKeyRelation[BillRun] = fields.ForeignKeyField(
        "models.BillRun", related_name="mismatches", on_delete=fields.CASCADE, db_index=True)
    run_id: int
    kind = fields.CharField(max_length=16)
    out_trade_no = fields.CharField(max_length=32)  # empty for a line that could not be read
    transaction_id = fields.CharField(max_length=32, null=True)
    our_fen = fields.IntField(null=True)  # the order's amount here (None: no such order)
    their_fen = fields.IntField(null=True)  # the amount in the bill
    our_status = fields.CharField(max_length=12, null=True)  # the order's, when found here
    note = fields.CharField(max_length=128, null=True)

    class Meta:
        table = "bill_mismatch"


class TransferBillRun(Model):
    """The last reconciliation of one China day's transfers to experts (商家转账) against
    WeChat Pay's fund-flow bill of the operating account (services/payments/transfers/bill.py)."""

    id = fields.BigIntField(primary_key=True)
    bill_date = fields.DateField(unique=True)
    ran_at = fields.DatetimeField()
    status = fields.CharField(max_length=16)  # a RunStatus
    bill_rows = fields.IntField(default=0)  # transfer lines in the bill (queried: asked)
    our_paid = fields.IntField(default=0)  # our transfers paid that day
    mismatch_count = fields.IntField(default=0)
    note = fields.CharField(max_length=200, null=True)

    mismatches: fields.ReverseRelation[TransferBillMismatch]

    class Meta:
        table = "transfer_bill_run"


class TransferBillMismatch(Model):
    """One difference between the fund-flow bill's transfer lines (or WeChat Pay's answers
    about our transfers) and our transfers (kinds: missing_here, missing_there,
    amount_differs, unreadable, unanswered)."""

    id = fields.BigIntField(primary_key=True)
    run: fields.ForeignKeyRelation[TransferBillRun] = fields.ForeignKeyField(
        "models.TransferBillRun", related_name="mismatches", on_delete=fields.CASCADE,
        db_index=True)
    run_id: int
    kind = fields.CharField(max_length=16)
    out_bill_no = fields.CharField(max_length=32)  # empty when the line names none
    transfer_bill_no = fields.CharField(max_length=64, null=True)
    our_fen = fields.IntField(null=True)  # the transfer here (None: no such transfer)
    their_fen = fields.IntField(null=True)  # the amount in the bill
    our_state = fields.CharField(max_length=16, null=True)
    note = fields.CharField(max_length=128, null=True)

    class Meta:
        table = "transfer_bill_mismatch"
