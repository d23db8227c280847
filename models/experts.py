"""Formal experts as the draw engine sees them: region, specialties, title, avoidance units,
and the dates they cannot attend."""

from __future__ import annotations

from typing import Any

from tortoise import fields

from models.orm.base import Model


class ExpertProfile(Model):
    specialties: fields.ReverseRelation[ExpertSpecialty]
    id = fields.BigIntField(primary_key=True)
    person_id = fields.BigIntField(unique=True)
    expert_number = fields.CharField(max_length=32, unique=True)
    active = fields.BooleanField(default=True, db_index=True)  # False: deregistered
    region = fields.CharField(max_length=6, db_index=True)  # residence (常驻地区): city or county
    willing_regions: list[str] = fields.JSONField(default=list)  # 意愿评标区 (city or county codes)
    work_unit = fields.CharField(max_length=128)
    unit_credit_code = fields.CharField(max_length=18, null=True, db_index=True)
    # declared by staff of an administrative supervision department (行政监督部门) or of a
    # body under one: that department (empty for everyone else)
    dept_name = fields.CharField(max_length=128, default="", db_default="")
    dept_credit_code = fields.CharField(max_length=18, default="", db_default="")
    title_level = fields.CharField(max_length=8, null=True)  # 初级 / 中级 / 副高 / 正高
    qualifications: list[dict[str, Any]] = fields.JSONField(default=list)
    industry = fields.CharField(max_length=16, null=True)
    remote_ok = fields.BooleanField(default=False)
    emergency_ok = fields.BooleanField(default=False)
    # the close relatives declared or confirmed unchanged last (asked again each year: ours,
    # services/people/relatives_yearly.py); None: never since the question was asked yearly
    relatives_confirmed_at = fields.DatetimeField(null=True)
    application_id = fields.BigIntField(null=True)  # the approved application it came from
    # brought over from the old system (the register's import): XJ-CE's order applies —
    # 完善信息 (续聘) → its review → 继续教育 → only then 异动 and 修改 (services/onboarding)
    migrated = fields.BooleanField(default=False, db_default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "expert_profile"


class ExpertSpecialty(Model):
    """Admitted specialties, one row each so the draw engine can select by index."""

    id = fields.BigIntField(primary_key=True)
    expert: fields.ForeignKeyRelation[ExpertProfile] = fields.ForeignKeyField(
        "models.ExpertProfile", related_name="specialties", on_delete=fields.CASCADE)
    expert_id: int  # the column, read without a query
    code = fields.CharField(max_length=16, db_index=True)
    is_primary = fields.BooleanField(default=False)

    class Meta:
        table = "expert_specialty"
        unique_together = (("expert", "code"),)


class ExpertAvoidUnit(Model):
    """Units the expert declared they must be avoided for (their own unit by default)."""

    id = fields.BigIntField(primary_key=True)
    expert: fields.ForeignKeyRelation[ExpertProfile] = fields.ForeignKeyField(
        "models.ExpertProfile", related_name="avoid_units", on_delete=fields.CASCADE, db_index=True)
    expert_id: int  # the column, read without a query
    unit_name = fields.CharField(max_length=128, db_index=True)  # the draw matches names too
    credit_code = fields.CharField(max_length=18, null=True, db_index=True)
    reason = fields.CharField(max_length=128, default="")

    class Meta:
        table = "expert_avoid_unit"


class ExpertPastUnit(Model):
    """A unit the expert worked for, with its dates (the application's 工作经历, kept current
    by 变更): within the window before an evaluation (政府采购法实施条例 Art. 9: 3 years) the
    draw passes the expert over for an activity that avoids the unit."""

    id = fields.BigIntField(primary_key=True)
    expert: fields.ForeignKeyRelation[ExpertProfile] = fields.ForeignKeyField(
        "models.ExpertProfile", related_name="past_units", on_delete=fields.CASCADE,
        db_index=True)
    expert_id: int  # the column, read without a query
    unit_name = fields.CharField(max_length=128, db_index=True)
    credit_code = fields.CharField(max_length=18, null=True, db_index=True)  # the register's
    started_on = fields.DateField()  # the first day of its start month
    ended_on = fields.DateField(null=True)  # the last day of its end month; None: still there
    position = fields.CharField(max_length=64, default="")
    source = fields.CharField(max_length=16, default="application")  # or import

    class Meta:
        table = "expert_past_unit"


class ExpertRelative(Model):
    """A close relative the expert declared (CK-198 Art. 16 (二), GPL-REG Art. 9 (四): 夫妻、
    直系血亲、三代以内旁系血亲或者近姻亲; GD-CG-1 Art. 21), with a unit where the relative holds a
    post as legal representative, director, supervisor, controller or person in charge (one
    row a unit; "" none). The name is kept masked and the ID number only as the keyed hash
    the draw matches (services/draws/candidates/relations.py)."""

    id = fields.BigIntField(primary_key=True)
    expert_id = fields.BigIntField(db_index=True)
    relation = fields.CharField(max_length=12)  # spouse / lineal / collateral / in_law
    name_masked = fields.CharField(max_length=32)
    id_hash = fields.CharField(max_length=64, db_index=True)
    id_masked = fields.CharField(max_length=18)
    unit_name = fields.CharField(max_length=128, default="")
    credit_code = fields.CharField(max_length=18, null=True)
    post = fields.CharField(max_length=12, default="")  # legal_rep / director / ... / ""
    declared_at = fields.DatetimeField()
    # a later declaration left it out: kept, so that a draw's record naming it is audited
    withdrawn_at = fields.DatetimeField(null=True)

    class Meta:
        table = "expert_relative"


class KinRelease(Model):
    """Two (or more) experts confirmed for one evaluation whom a relation declared since
    makes related (GD-CG-1 Art. 21: "如无法协商一致，则双方均需回避"): their places are
    released only once the library's administrator confirms it; until then nobody loses a
    place (services/draws/candidates/kin_release.py)."""

    id = fields.BigIntField(primary_key=True)
    activity_id = fields.BigIntField(db_index=True)  # the evaluation (the 补抽's parent)
    invitation_ids: Any = fields.JSONField()  # the confirmed invitations, sorted
    declared_by = fields.BigIntField()  # the expert whose declaration made them related
    state = fields.CharField(max_length=10, default="pending")  # pending / confirmed / dismissed
    declared_at = fields.DatetimeField()
    decided_by = fields.BigIntField(null=True)  # the administrator (person id)
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "kin_release"


class Unavailability(Model):
    """日程管理: days an expert cannot evaluate, which the draw engine skips."""

    id = fields.BigIntField(primary_key=True)
    person_id = fields.BigIntField(db_index=True)
    date_from = fields.DateField()
    date_to = fields.DateField()
    reason = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "unavailability"


class RegisterImport(Model):
    """One import of an existing expert register (or its dry run): its progress, counts and
    the rows it refused (row, column, the refusal's code and parameters; never an ID
    number). The file is kept until the import ends, so that a stopped one resumes."""

    id = fields.BigIntField(primary_key=True)
    sha256 = fields.CharField(max_length=64, db_index=True)
    filename = fields.CharField(max_length=128)
    dry_run = fields.BooleanField(default=False)
    status = fields.CharField(max_length=12, default="queued")  # ImportStatus
    total = fields.IntField(default=0)  # rows in the sheet
    done = fields.IntField(default=0)  # rows gone through (a resumed import starts here)
    created = fields.IntField(default=0)
    updated = fields.IntField(default=0)
    refused = fields.IntField(default=0)  # rows
    problems: list[dict[str, Any]] = fields.JSONField(default=list)  # the first PROBLEMS_KEPT
    file_key = fields.CharField(max_length=128, null=True)
    started_by = fields.BigIntField(null=True)
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)  # a running one not moving is stopped

    class Meta:
        table = "register_import"
