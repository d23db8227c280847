"""The 失信被执行人 check: each finding on an expert as a flag for the
administrator, and each run of the check with its progress. The ID number asked about is
never stored here, only what the provider said about the cases."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields

from models.orm.base import Model


class FlagStatus(StrEnum):
    OPEN = "open"  # waiting for the administrator
    HANDLED = "handled"  # the administrator has decided (a sanction or none) and noted why


class RunTrigger(StrEnum):
    SCHEDULE = "schedule"  # the periodic check of every active expert
    ADMIN = "admin"  # an administrator started a check of every active expert
    ADMISSION = "admission"  # one expert, as they are admitted


class RunStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    REFUSED = "refused"  # the provider refused our credentials: stopped, nothing to retry


class DishonestyFlag(Model):
    """An expert found on the list of dishonest judgment debtors, with the cases.

    `cases`: the provider's summaries, each {"case_number", "court", "published_on"}."""

    id = fields.BigIntField(primary_key=True)
    expert_id = fields.BigIntField(db_index=True)
    found_at = fields.DatetimeField()
    run_id = fields.BigIntField(null=True)
    cases: list[dict[str, Any]] = fields.JSONField(default=list)
    status = fields.CharField(max_length=8, default="open", db_index=True)  # FlagStatus
    note = fields.CharField(max_length=300, default="")  # the administrator's decision
    handled_by = fields.BigIntField(null=True)
    handled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "dishonesty_flag"
        # the administrator's list, newest first: open ones, or all
        indexes = (("status", "found_at", "id"), ("found_at", "id"))


class DishonestyRun(Model):
    """One run of the check, resumable: experts are taken in id order after `cursor`."""

    id = fields.BigIntField(primary_key=True)
    trigger = fields.CharField(max_length=10)  # RunTrigger
    expert_id = fields.BigIntField(null=True)  # an admission check: this expert only
    started_by = fields.BigIntField(null=True)  # the administrator, for a run started by hand
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    status = fields.CharField(max_length=8, default="running", db_index=True)  # RunStatus
    total = fields.IntField(default=0)  # experts to check when the run started
    cursor = fields.BigIntField(default=0)  # the last expert id done
    checked = fields.IntField(default=0)  # answered by the provider
    found = fields.IntField(default=0)  # of them, listed
    flagged = fields.IntField(default=0)  # findings that opened or grew a flag
    failed = fields.IntField(default=0)  # no answer after the retries

    class Meta:
        table = "dishonesty_run"
