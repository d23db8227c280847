"""Exams and candidates' attempts; the timer is the deadline stored here. An exam is a
batch's entry exam or a continuing-education course's test."""

from __future__ import annotations

from typing import Any

from tortoise import fields

from models.orm.base import Model


class Exam(Model):
    id = fields.BigIntField(primary_key=True)
    batch_id = fields.BigIntField(db_index=True, null=True)  # an entry exam of a batch
    course_id = fields.BigIntField(null=True, unique=True)  # or a course's (one) test
    title = fields.CharField(max_length=64)
    opens_at = fields.DatetimeField()
    closes_at = fields.DatetimeField()
    duration_minutes = fields.IntField()
    pass_score = fields.IntField()
    # [{"id", "kind": single|multiple|judge|essay, "text", "options": [...], "answer",
    #   "points"}]: essays have no answer key and are marked by an administrator
    questions: list[dict[str, Any]] = fields.JSONField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "exam"


class ExamAttempt(Model):
    id = fields.BigIntField(primary_key=True)
    exam: fields.ForeignKeyRelation[Exam] = fields.ForeignKeyField(
        "models.Exam", related_name="attempts", on_delete=fields.CASCADE)
    exam_id: int  # the column, read without a query
    person_id = fields.BigIntField(db_index=True)
    round = fields.IntField(default=0)  # a course test is taken again after each 补学
    started_at = fields.DatetimeField()
    deadline = fields.DatetimeField(db_index=True)  # the timer: it never stops
    answers: dict[str, Any] = fields.JSONField(default=dict)
    submitted_at = fields.DatetimeField(null=True)
    submitted_by = fields.CharField(max_length=12, null=True)  # candidate | timer
    score = fields.IntField(null=True)  # the objective part at hand-in, the whole once marked
    passed = fields.BooleanField(null=True)  # None: not handed in, or essays not yet marked
    essay_points: dict[str, int] | None = fields.JSONField(null=True)
    marked_at = fields.DatetimeField(null=True)
    marked_by = fields.BigIntField(null=True)

    class Meta:
        table = "exam_attempt"
        unique_together = (("exam", "person_id", "round"),)
