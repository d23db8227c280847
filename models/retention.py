"""The retention job's report (services/rights/retention.py): one row per run, with what it
anonymised or removed per kind of the 清单 (services/rights/data_inventory.py)."""

from __future__ import annotations

from tortoise import fields

from models.orm.base import Model


class RetentionRun(Model):
    id = fields.BigIntField(primary_key=True)
    started_at = fields.DatetimeField(db_index=True)
    finished_at = fields.DatetimeField(null=True)
    counts: dict[str, int] = fields.JSONField(default=dict)  # kind -> rows changed or removed
    persons: int = fields.IntField(default=0)  # persons anonymised in this run

    class Meta:
        table = "retention_run"
