"""The audit trail (GB/T 22239-2019 level 3, 安全审计: records protected from unexpected
deletion, modification or overwrite): what desks did — sign-in and sign-out, failed sign-ins,
each change, each reading of personal data unmasked (PIPL Art. 51), each export — and every
row of the draws' operation log, each entry chained with HMAC-SM3 over the previous entry's
MAC (services/audit/chain.py). Entries before the chain began have no MAC."""

from __future__ import annotations

from typing import Any

from tortoise import fields

from models.orm.base import Model


class AuditEntry(Model):
    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(db_index=True)
    person_id = fields.BigIntField(db_index=True)  # who (a desk person; 0: nobody known)
    actor_name = fields.CharField(max_length=32)  # masked: 周*
    action = fields.CharField(max_length=24)  # unmask_register, sign_in, change, draw_log ...
    # what it was done to: the operation, its path's ids, the record they named in words
    # (masked), how many people's data a download held; never a body
    detail: dict[str, Any] = fields.JSONField(default=dict)
    seq = fields.BigIntField(null=True, unique=True)  # its place in the chain
    mac = fields.CharField(max_length=64, null=True)  # HMAC-SM3(previous MAC, this entry)

    class Meta:
        table = "audit_entry"
        # the record of access to personal data and the trail by action, newest first
        indexes = (("action", "id"),)


class AuditHead(Model):
    """The chain's end (one row): appending locks it, so the chain has no fork."""

    id = fields.IntField(primary_key=True)
    seq = fields.BigIntField(default=0)
    mac = fields.CharField(max_length=64, default="0" * 64)
    draw_log_id = fields.BigIntField(default=0)  # the operation log is chained up to here

    class Meta:
        table = "audit_head"


# The retention job's report (services/rights/retention.py): one row per run, with what it
# anonymised or removed per kind of the 清单 (services/rights/data_inventory.py).
class RetentionRun(Model):
    id = fields.BigIntField(primary_key=True)
    started_at = fields.DatetimeField(db_index=True)
    finished_at = fields.DatetimeField(null=True)
    counts: dict[str, int] = fields.JSONField(default=dict)  # kind -> rows changed or removed
    persons: int = fields.IntField(default=0)  # persons anonymised in this run

    class Meta:
        table = "retention_run"
