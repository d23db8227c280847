"""Calls the agency's staff make through a middle number (虚拟呼叫, GD-DRAW): to the original
experts of a re-evaluation (复评/通知原专家), to an expert who has not arrived (虚拟电话催促),
and to one whose withdrawal notice was not delivered (退选未送达). Each is an AXB binding of
the staff's phone and the expert's to a number of the provider's pool; the provider's call
records come back to it."""

from __future__ import annotations

from typing import Literal

from tortoise import fields

from models.orm.base import Model

CallPurpose = Literal["recall", "urge", "withdrawal"]  # VirtualCall.purpose
# VirtualCall.outcome, by purpose: recall attend / decline / unreached; urge coming /
# not_coming / unreached; withdrawal informed / unreached
CallState = Literal["bound", "ended", "failed"]  # VirtualCall.state


class VirtualCall(Model):
    """One binding made for one expert by one member of staff, and what came of it."""

    id = fields.BigIntField(primary_key=True)
    activity_id = fields.BigIntField(db_index=True)
    purpose = fields.CharField(max_length=12)  # CallPurpose
    expert_id = fields.BigIntField()
    person_id = fields.BigIntField()  # the expert's
    invitation_id = fields.BigIntField(null=True)  # urge, withdrawal
    condition_id = fields.BigIntField(null=True)  # recall: the condition the expert serves
    staff_id = fields.BigIntField()  # the person who called
    staff_name = fields.CharField(max_length=32)  # masked, as the operation log writes it
    staff_phone = fields.CharField(max_length=16)  # masked: 139****5678, the staff's own
    binding_id = fields.CharField(max_length=64, null=True)  # the provider's (SubsId)
    middle_number = fields.CharField(max_length=20, null=True)  # X: shown to the staff only
    expires_at = fields.DatetimeField()
    state = fields.CharField(max_length=8, default="bound")  # CallState
    released_at = fields.DatetimeField(null=True)  # the binding ended at the provider
    outcome = fields.CharField(max_length=12, null=True)
    agreed_gather_at = fields.DatetimeField(null=True)  # recall: the time agreed on the phone
    note = fields.CharField(max_length=100, default="")
    created_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)
    records: fields.ReverseRelation[VirtualCallRecord]

    class Meta:
        table = "virtual_call"


class VirtualCallRecord(Model):
    """One call made over a binding, as the provider reported it (never a phone number)."""

    id = fields.BigIntField(primary_key=True)
    call: fields.ForeignKeyRelation[VirtualCall] = fields.ForeignKeyField(
        "models.VirtualCall", related_name="records", on_delete=fields.CASCADE, db_index=True)
    call_id: int  # the column, read without a query
    provider_call_id = fields.CharField(max_length=64, unique=True)
    from_staff = fields.BooleanField()  # the staff dialled X (else the expert called back)
    dialled_at = fields.DatetimeField()
    answered_at = fields.DatetimeField(null=True)
    ended_at = fields.DatetimeField()
    seconds = fields.IntField(default=0)  # talk time: 0 when never answered
    release_cause = fields.IntField(null=True)
    recorded = fields.BooleanField(default=False)  # the provider keeps a recording

    class Meta:
        table = "virtual_call_record"
