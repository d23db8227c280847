"""Batches (征集 / 续聘), applications with their attachments, and the review log."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from tortoise import fields

from models.orm.base import Model
from models.orm.sealed_json import SealedJSONField

FORM_PHONES = ("backup_phone", "office_phone")  # the applicant's own numbers in the form

ObjectionRuling = Literal["sustained", "dismissed"]  # Application.objection_ruling (公示)


class BatchKind(StrEnum):
    COLLECT = "collect"  # 征集: new experts
    RENEW = "renew"  # 续聘: experts renewing
    CHANGE = "change"  # formal experts' change requests (always open)
    TRANSFER = "transfer"  # 异动申请: region changes (always open)


class AppKind(StrEnum):
    NEW = "new"
    RENEWAL = "renewal"
    CHANGE = "change"
    TRANSFER = "transfer"


class AppStatus(StrEnum):
    DRAFT = "draft"  # being filled in (also after 撤回)
    PRINTED = "printed"  # the review form was printed: every field is locked
    IN_REVIEW = "in_review"  # at stage `stage` of the batch
    RETURNED = "returned"  # a stage sent it back for changes
    IN_NOTICE = "in_notice"  # approved by every stage of an exam-less batch: 公示 (JL-GP)
    APPROVED = "approved"
    REJECTED = "rejected"


class Batch(Model):
    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=64)
    kind = fields.CharField(max_length=16, default=BatchKind.COLLECT)
    province = fields.CharField(max_length=2)  # applications of this province
    specialty_rule = fields.CharField(max_length=16, default="xinjiang")
    max_qualifications = fields.IntField(default=3)
    # stages: [{"key", "title", "level": "city"|"province", "by_industry": bool}, ...]
    stages: list[dict[str, Any]] = fields.JSONField()
    apply_from = fields.DatetimeField()
    apply_until = fields.DatetimeField()
    review_until = fields.DatetimeField()
    pay_until = fields.DatetimeField(null=True)
    fee_fen = fields.IntField(default=0)  # the training fee, in fen (0: none)
    exam_requires_payment = fields.BooleanField(default=False)
    # JL-GP (Jilin): no exam; after the last review, a public notice (公示) of notice_days
    exam_required = fields.BooleanField(default=True)
    notice_days = fields.IntField(default=5)
    # where and how the public raises an objection during the notice (the published 公示)
    objection_contact = fields.CharField(max_length=200, default="", db_default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "batch"


class Application(Model):
    id = fields.BigIntField(primary_key=True)
    person_id = fields.BigIntField(db_index=True)
    batch: fields.ForeignKeyRelation[Batch] = fields.ForeignKeyField(
        "models.Batch", related_name="applications", on_delete=fields.RESTRICT, db_index=True)
    batch_id: int  # the column, read without a query
    kind = fields.CharField(max_length=16, default=AppKind.NEW)
    status = fields.CharField(max_length=16, default=AppStatus.DRAFT, db_index=True)
    stage = fields.IntField(default=0)
    version = fields.IntField(default=1)  # +1 at every (re)submission
    # the form's sections (miniapp_api schemas)
    # the form; the applicant's own phones in it sealed at rest (models/orm/sealed_json.py)
    data: dict[str, Any] = SealedJSONField(FORM_PHONES, default=dict)
    region = fields.CharField(max_length=6, null=True, db_index=True)  # residence (city or county)
    industry = fields.CharField(max_length=16, null=True)  # of the primary specialty
    # [{"code", "primary": bool, "admitted": bool | None}]
    specialties: list[Any] = fields.JSONField(default=list)
    specialties_fixed = fields.BooleanField(default=False)  # Hunan: fixed once submitted
    # at an industry stage, the industries whose departments approved their specialties
    # (HN-APPLY: 根据申请人填写的专业给到对应的市州行业部门预审); emptied at each new stage
    industries_passed: list[str] = fields.JSONField(default=list, db_default=[])
    catalogue_version = fields.IntField(null=True)  # None: the catalogue the release ships
    returned_items: list[Any] = fields.JSONField(default=list)
    last_reason = fields.TextField(null=True)
    printed_at = fields.DatetimeField(null=True)
    printed_hash = fields.CharField(max_length=64, null=True)  # the data the form shows
    submitted_at = fields.DatetimeField(null=True)
    decided_at = fields.DatetimeField(null=True)
    # the public notice (公示) of an exam-less batch, and an objection raised during it
    notice_until = fields.DatetimeField(null=True, db_index=True)
    objection = fields.CharField(max_length=200, null=True)
    objection_ruling = fields.CharField(max_length=12, null=True)  # ObjectionRuling
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "application"
        unique_together = (("person_id", "batch"),)


class Attachment(Model):
    id = fields.BigIntField(primary_key=True)
    application: fields.ForeignKeyRelation[Application] = fields.ForeignKeyField(
        "models.Application", related_name="attachments", on_delete=fields.CASCADE, db_index=True)
    application_id: int  # the column, read without a query
    kind = fields.CharField(max_length=16)
    filename = fields.CharField(max_length=128)
    content_type = fields.CharField(max_length=32)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    storage_key = fields.CharField(max_length=128)
    uploaded_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "attachment"


class ReviewAction(Model):
    """The review log: every submission, decision, return and withdrawal."""

    id = fields.BigIntField(primary_key=True)
    application: fields.ForeignKeyRelation[Application] = fields.ForeignKeyField(
        "models.Application", related_name="log", on_delete=fields.CASCADE, db_index=True)
    application_id: int  # the column, read without a query
    version = fields.IntField()
    stage_key = fields.CharField(max_length=32, null=True)
    stage_title = fields.CharField(max_length=32, null=True)
    industry = fields.CharField(max_length=32, null=True)  # the department's, at an industry stage
    actor_id = fields.BigIntField(null=True)  # a person (applicant or reviewer)
    actor_name = fields.CharField(max_length=32, null=True)
    action = fields.CharField(max_length=16)
    reason = fields.TextField(null=True)
    items: list[Any] = fields.JSONField(default=list)
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "review_action"
        indexes = (("actor_id", "at", "id"),)  # a reviewer's own decisions, newest first


class Objection(Model):
    """An objection anyone raised against one applicant during the 公示.

    JL-GP: "经财政公示无异议后进入政府采购评审专家库": while one is open the admission waits."""

    id = fields.BigIntField(primary_key=True)
    application: fields.ForeignKeyRelation[Application] = fields.ForeignKeyField(
        "models.Application", related_name="objections", on_delete=fields.CASCADE,
        db_index=True)
    application_id: int  # the column, read without a query
    # the objector's name and contact (a mobile or an e-mail address), sealed at rest
    # (services/common/pii.py Vault, purpose "objector"); `contact_kind`: phone | email
    name_enc = fields.CharField(max_length=255)
    contact_enc = fields.CharField(max_length=512)
    contact_kind = fields.CharField(max_length=8)
    grounds = fields.TextField()
    # [{"key", "filename", "content_type", "size", "sha256"}] in the file store
    evidence: list[Any] = fields.JSONField(default=list)
    raised_at = fields.DatetimeField()
    ruling = fields.CharField(max_length=12, null=True, db_index=True)  # ObjectionRuling
    ruling_note = fields.CharField(max_length=500, null=True)
    ruled_at = fields.DatetimeField(null=True)
    ruled_by_id = fields.BigIntField(null=True)
    ruled_by_name = fields.CharField(max_length=32, null=True)
    # the objector told the ruling (by mail or SMS), or why not yet
    told_at = fields.DatetimeField(null=True)
    tell_attempts = fields.IntField(default=0)
    tell_error = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "objection"
