"""Reference data kept in the database, so that an administrator can update it and every
process reads the same: administrative divisions (GB/T 2260)."""

from __future__ import annotations

from tortoise import fields

from models.orm.base import Model


class Region(Model):
    """A province (code of 2 digits), city (4) or county (6). A code that disappears from a
    newer list is kept, retired, so that old records still read."""

    code = fields.CharField(max_length=6, primary_key=True)
    name = fields.CharField(max_length=32)
    parent = fields.CharField(max_length=4, null=True)
    level = fields.SmallIntField()  # 1 province, 2 city, 3 county
    retired_at = fields.DatetimeField(null=True)

    class Meta:
        table = "region"


class CatalogueVersion(Model):
    """One version of the evaluation-specialty catalogue a province loaded (its items as
    rows of code, name, parent, level, industry); one is current. Applications and draw
    conditions keep the version they were made with."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    filename = fields.CharField(max_length=128, null=True)
    items: list[dict[str, object]] = fields.JSONField()
    item_count = fields.IntField()
    current = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()
    created_by = fields.BigIntField(null=True)  # the administrator (person id)

    class Meta:
        table = "catalogue_version"


class WorkUnit(Model):
    """A unit as people pick it (work unit, avoidance unit, agency, tenderer): one per
    unified social credit code, or by name while its code is not known. The other names it
    was typed as are kept; a duplicate an administrator merged points to the unit kept."""

    id = fields.BigIntField(primary_key=True)
    credit_code = fields.CharField(max_length=18, null=True, unique=True)
    name = fields.CharField(max_length=128, db_index=True)
    other_names: list[str] = fields.JSONField(default=list)
    region = fields.CharField(max_length=6, null=True)  # the code's registration authority
    merged_into = fields.BigIntField(null=True, db_index=True)
    source = fields.CharField(max_length=16)  # applicant / agency / admin / import
    created_at = fields.DatetimeField()

    class Meta:
        table = "work_unit"


class UnitRequest(Model):
    """An applicant's request to add a unit missing from the register (HN-APPLY: 如若在“单位
    列表”中未找到对应单位，可拨打系统服务热线，向工作人员说明情况。待工作人员将单位新增成功后，
    重新进行选择): staff add it (or decline, saying why) and the applicant is told."""

    id = fields.BigIntField(primary_key=True)
    person_id = fields.BigIntField(db_index=True)
    name = fields.CharField(max_length=128)
    credit_code = fields.CharField(max_length=18, null=True)
    note = fields.CharField(max_length=200, default="")
    status = fields.CharField(max_length=12, default="waiting", db_index=True)  # added / declined
    unit_id = fields.BigIntField(null=True)  # the register's unit, once added
    reason = fields.CharField(max_length=200, null=True)  # why it was declined
    decided_by = fields.BigIntField(null=True)
    decided_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "unit_request"


class ConsultContact(Model):
    """Where applicants of a region ask about applying (XJ-SIGNUP: 公开选聘期间开通政策咨询，
    申报人员可根据《各地州市评标专家报名咨询方式》(选聘公告附件4)进行咨询), kept by the
    administrators: a department, its office line and hours."""

    id = fields.BigIntField(primary_key=True)
    region = fields.CharField(max_length=6, db_index=True)  # province, city or county
    department = fields.CharField(max_length=64)
    phone = fields.CharField(max_length=24)  # an office line, never a person's mobile
    address = fields.CharField(max_length=128, default="")
    hours = fields.CharField(max_length=64, default="")  # e.g. 工作日 10:00-13:30 15:30-18:30
    updated_by = fields.BigIntField(null=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "consult_contact"
