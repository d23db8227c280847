"""Continuing education (继续教育): courses, enrolments, grading, certificates."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Grading(StrEnum):
    NONE = ""
    PENDING = "pending"  # 待批阅
    PASSED = "passed"  # 合格
    FAILED = "failed"  # 不合格


GRADING_TITLES = {Grading.NONE: "未提交", Grading.PENDING: "待批阅", Grading.PASSED: "合格",
                  Grading.FAILED: "不合格"}


class Course(Model):
    id = fields.BigIntField(primary_key=True)
    title = fields.CharField(max_length=64)
    year = fields.IntField()
    hours = fields.IntField()
    study_from = fields.DatetimeField()
    study_until = fields.DatetimeField()
    fee_fen = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "course"


class Enrollment(Model):
    id = fields.BigIntField(primary_key=True)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "models.Course", related_name="enrollments", on_delete=fields.RESTRICT)
    course_id: int  # the column, read without a query
    person_id = fields.BigIntField(db_index=True)
    paid_at = fields.DatetimeField(null=True)
    access_from = fields.DatetimeField(null=True)  # 2 days after payment
    progress = fields.IntField(default=0)  # percent studied
    grading = fields.CharField(max_length=8, default=Grading.NONE)
    makeups = fields.IntField(default=0)  # 补学 rounds
    completed_at = fields.DatetimeField(null=True)
    certificate_no = fields.CharField(max_length=24, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "enrollment"
        unique_together = (("course", "person_id"),)
