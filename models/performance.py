"""Experts' performance records (财库〔2016〕198号: the agency records each expert's
performance after the review; the expert may read it and explain): the conduct items an
administrator maintains (招标投标法实施条例 Art. 71–72), one record per expert who served an
evaluation, the expert's single reply, and an administrator's review of a disputed record."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields

from models.orm.base import Model


class ReviewOutcome(StrEnum):
    KEPT = "kept"  # the record stands as the agency wrote it
    CORRECTED = "corrected"  # the administrator changed it


class ConductItem(Model):
    """One conduct item the agency may tick (an offence of Art. 71 or 72, or one an
    administrator adds). Never deleted once a record uses it: deactivated instead."""

    id = fields.BigIntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)  # stable key the records keep
    name = fields.CharField(max_length=200)
    article = fields.CharField(max_length=64, default="")  # where it comes from
    active = fields.BooleanField(default=True)
    position = fields.IntField(default=0)  # the order the form lists them in
    changed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "conduct_item"


class PerformanceRecord(Model):
    """One expert's performance at one evaluation (the root activity: its 补抽 included)."""

    id = fields.BigIntField(primary_key=True)
    activity_id = fields.BigIntField(db_index=True)  # the evaluation (root activity)
    invitation_id = fields.BigIntField(unique=True)
    expert_id = fields.BigIntField()
    person_id = fields.BigIntField(db_index=True)
    late = fields.BooleanField(default=False)  # 迟到
    left_early = fields.BooleanField(default=False)  # 早退 (neither: 准时)
    # the registered absence (缺席 / 请假 / 现场回避, GD-DRAW) of an expert who did not come:
    # no attendance ticks, no conduct and no score (0 is stored, never counted)
    absence = fields.CharField(max_length=8, null=True)
    conduct: list[str] = fields.JSONField(default=list)  # ConductItem codes
    score = fields.IntField()  # 0-100 (0 and not counted for an absence)
    comment = fields.CharField(max_length=500, default="")
    recorded_by = fields.BigIntField()  # person id
    recorded_at = fields.DatetimeField()
    reply = fields.CharField(max_length=500, null=True)  # the expert's 说明, once
    replied_at = fields.DatetimeField(null=True)
    disputed = fields.BooleanField(default=False)  # the reply asks for a review
    review_outcome = fields.CharField(max_length=12, null=True)  # ReviewOutcome
    review_note = fields.CharField(max_length=500, null=True)
    reviewed_by = fields.BigIntField(null=True)
    reviewed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "performance_record"
        unique_together = (("activity_id", "expert_id"),)


class PerformanceSettings(Model):
    """The administrator's settings of performance records: one row (id 1), none means the
    defaults."""

    id = fields.IntField(primary_key=True)
    deadline_days = fields.IntField(default=5)  # working days after the evaluation ends
    # scores (services/evaluation): a deviation from the committee's median above this
    # percent of the maximum is proposed (5: the figure centres report), and a leaning
    # needs this many evaluations
    deviation_percent = fields.DecimalField(max_digits=4, decimal_places=1, default=5)
    leaning_sample = fields.IntField(default=5)
    changed_by = fields.BigIntField(null=True)
    changed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "performance_settings"


class CalendarDay(Model):
    """A change of the centre's own to the national calendar (services/reference/holidays.py):
    a day off on a day the nation works (放假) or a working day on a day it rests (调休上班),
    with who made it and why."""

    id = fields.IntField(primary_key=True)
    day = fields.DateField(unique=True)
    off = fields.BooleanField()  # True: 放假; False: 调休上班
    name = fields.CharField(max_length=32, default="")  # 春节, 国庆节 ...
    reason = fields.CharField(max_length=100, default="", db_default="")
    changed_by = fields.BigIntField(null=True)
    changed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "calendar_day"


class CalendarNotice(Model):
    """A year's national calendar as the State Council's notice (国务院办公厅关于…年部分节假日
    安排的通知) gave it, entered by the system administrator for a year the package does not
    know yet: its document number and date, and its days off and make-up working days."""

    id = fields.IntField(primary_key=True)
    year = fields.SmallIntField(unique=True)
    document = fields.CharField(max_length=64)  # 国办发明电〔2025〕7号
    issued_on = fields.DateField()
    days: list[list[object]] = fields.JSONField(default=list)  # [[iso day, off, name], ...]
    imported_by = fields.BigIntField()
    imported_at = fields.DatetimeField()

    class Meta:
        table = "calendar_notice"
