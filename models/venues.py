"""The trading centres' venues (评标场所) and the identity checks made at their doors."""

from __future__ import annotations

from typing import Literal

from tortoise import fields

from models.orm.base import Model

# IdentityCheck.method: WeChat's face verification in the mini-program, or the venue's
# staff checking the ID card and entering the expert's verification code
CheckMethod = Literal["face", "id_card"]


class Venue(Model):
    """A trading centre's venue as notices name it (GD-DRAW: "评标场所：请选择通知专家集合的
    场所"), and whether check-in there asks for an identity check (the centre turns it on;
    NDRC-26 asks libraries to be able to check identity)."""

    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=64, unique=True)  # Notice.venue
    region = fields.CharField(max_length=6)  # the centre's region: its verifiers keep it
    identity_check = fields.BooleanField(default=False)
    updated_by = fields.BigIntField(null=True)  # person id
    updated_at = fields.DatetimeField()

    class Meta:
        table = "venue"


class IdentityCheck(Model):
    """One identity check at check-in: its result and the way it was made, nothing else —
    never a face image or template, never the ID number (人脸识别技术应用安全管理办法)."""

    id = fields.BigIntField(primary_key=True)
    invitation_id = fields.BigIntField(db_index=True)
    person_id = fields.BigIntField(db_index=True)  # the expert
    method = fields.CharField(max_length=8)  # CheckMethod
    passed = fields.BooleanField()
    # why it did not pass: WeChat's verify_ret (face), or "mismatch" (the ID card)
    failure = fields.CharField(max_length=16, default="")
    checked_by = fields.BigIntField(null=True)  # the staff member (id_card)
    at = fields.DatetimeField()

    class Meta:
        table = "identity_check"
