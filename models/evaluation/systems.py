"""A trading centre's e-evaluation system (电子评标系统) registered by the administrator as a
signed client (docs/evaluation-systems.md): its code and name, the centres it serves (by the
region codes the centres serve, as `DrawActivity.terminal` keeps them), its public key (SM2,
or Ed25519 where its operator has not moved; and the day its operator said it is to be
replaced) and the address it hears the committee's changes at."""

from __future__ import annotations

from typing import Any

from tortoise import fields

from models.orm.base import Model


class EvaluationSystem(Model):
    id = fields.BigIntField(primary_key=True)
    code = fields.CharField(max_length=16, unique=True)  # X-Evaluation-From
    name = fields.CharField(max_length=64)
    centres: list[str] = fields.JSONField(default=list)  # region codes: 44, 4401, 440106
    public_key = fields.CharField(max_length=128)  # "sm2:" + base64 of 65 bytes, or Ed25519's 32
    url = fields.CharField(max_length=200, default="")  # "": it reads, nothing is pushed
    active = fields.BooleanField(default=True)
    registered_by = fields.BigIntField()  # person id
    registered_at = fields.DatetimeField()
    changed_by = fields.BigIntField(null=True)
    changed_at = fields.DatetimeField(null=True)
    # when its operator said its key is to be replaced (warned 30 and 7 days before), and
    # who recorded that date when (services/admin/key_dates.py)
    key_rotate_by = fields.DateField(null=True)
    key_dated_by = fields.BigIntField(null=True)  # person id
    key_dated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "evaluation_system"


class CommitteeWatch(Model):
    """A committee an evaluation system has read: its changes are pushed to the system, the
    whole committee numbered one past the last it acknowledged (the federation's rosters'
    discipline), until a day after the evaluation is over."""

    id = fields.BigIntField(primary_key=True)
    system_id = fields.BigIntField(db_index=True)
    activity_id = fields.BigIntField(db_index=True)  # the evaluation (root activity)
    digest = fields.CharField(max_length=64)  # of the committee last numbered
    seq = fields.IntField(default=1)  # the committee's number as last read or sent
    acked = fields.IntField(default=1)  # the last number the system acknowledged
    tries = fields.IntField(default=0)
    next_at = fields.DatetimeField(null=True)  # when to send again (None: nothing to send)
    last_error = fields.CharField(max_length=200, default="")
    detail: dict[str, Any] = fields.JSONField(default=dict)

    class Meta:
        table = "evaluation_watch"
        unique_together = (("system_id", "activity_id"),)
