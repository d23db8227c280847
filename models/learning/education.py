"""Continuing education (继续教育): courses, enrolments, grading, certificates."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields

from models.orm.base import Model


class Grading(StrEnum):
    NONE = ""
    PENDING = "pending"  # 待批阅
    PASSED = "passed"  # 合格
    FAILED = "failed"  # 不合格


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


class Lesson(Model):
    """One part of a course: a document page or a video page, and the minutes
    it must be studied for before it counts."""

    id = fields.BigIntField(primary_key=True)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "models.Course", related_name="lessons", on_delete=fields.CASCADE)
    course_id: int
    position = fields.IntField()
    title = fields.CharField(max_length=64)
    kind = fields.CharField(max_length=8)  # document | video
    body = fields.TextField()  # the document's text, or the video's address
    minutes = fields.IntField()

    class Meta:
        table = "lesson"
        unique_together = (("course", "position"),)


class LessonStudy(Model):
    """The time one enrolment has spent on one lesson, as the server measured it: each
    heartbeat credits the time since the one before, never more than the clock allows."""

    id = fields.BigIntField(primary_key=True)
    enrollment: fields.ForeignKeyRelation[Enrollment] = fields.ForeignKeyField(
        "models.Enrollment", related_name="studies", on_delete=fields.CASCADE)
    enrollment_id: int
    lesson: fields.ForeignKeyRelation[Lesson] = fields.ForeignKeyField(
        "models.Lesson", related_name="studies", on_delete=fields.CASCADE)
    lesson_id: int
    seconds = fields.IntField(default=0)
    last_beat_at = fields.DatetimeField(null=True)  # None: the lesson is not open now
    done_at = fields.DatetimeField(null=True)

    class Meta:
        table = "lesson_study"
        unique_together = (("enrollment", "lesson"),)
