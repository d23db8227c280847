"""A batch's training (培训, XJ-SIGNUP) and the material applicants study before the exam
(HN-APPLY: 可查看考试资料，预习考试知识点; 系统首页的“资料下载”栏目，提供了相关的培训材料)."""

from __future__ import annotations

from tortoise import fields

from models.orm.base import Model


class StudyMaterial(Model):
    """A file an administrator uploaded for a batch, or for one of its exams, that the
    batch's applicants download before the exam."""

    id = fields.BigIntField(primary_key=True)
    batch_id = fields.BigIntField(db_index=True)
    exam_id = fields.BigIntField(null=True)  # for this exam of the batch (None: the batch's)
    title = fields.CharField(max_length=64)
    filename = fields.CharField(max_length=128)
    content_type = fields.CharField(max_length=80)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    storage_key = fields.CharField(max_length=128)
    uploaded_by = fields.BigIntField(null=True)  # the administrator (person id)
    created_at = fields.DatetimeField()

    class Meta:
        table = "study_material"


class TrainingSession(Model):
    """A session of a batch's training (XJ-SIGNUP: 按照规定时间参加培训、测试): when, and
    where or the online link."""

    id = fields.BigIntField(primary_key=True)
    batch_id = fields.BigIntField(db_index=True)
    title = fields.CharField(max_length=64)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    place = fields.CharField(max_length=128, null=True)
    online_url = fields.CharField(max_length=256, null=True)
    note = fields.CharField(max_length=200, default="")
    created_by = fields.BigIntField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "training_session"


class TrainingAttendance(Model):
    """Whether a paid applicant attended a session, as the desk recorded it."""

    id = fields.BigIntField(primary_key=True)
    session: fields.ForeignKeyRelation[TrainingSession] = fields.ForeignKeyField(
        "models.TrainingSession", related_name="attendance", on_delete=fields.CASCADE)
    session_id: int
    person_id = fields.BigIntField(db_index=True)
    attended = fields.BooleanField()
    recorded_by = fields.BigIntField(null=True)
    recorded_at = fields.DatetimeField()

    class Meta:
        table = "training_attendance"
        unique_together = (("session", "person_id"),)
