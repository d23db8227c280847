"""Reference data kept in the database, so that an administrator can update it and every
process reads the same: administrative divisions (GB/T 2260)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


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
