"""People and their roles. ID numbers are stored encrypted with a keyed hash for lookups;
name and ID number never change after registration. Nothing kept in clear gives the number
back: the masked display keeps the first 6 and last 4 characters, so the birth date (the 8
in between) is kept only as a year; the full date comes from decrypting the number."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.manager import Manager
from tortoise.models import Model
from tortoise.queryset import QuerySet
from tortoise.signals import pre_save

IMMUTABLE = ("name", "id_number_enc", "id_number_hash", "id_masked", "gender", "birth_year")


class Role(StrEnum):
    APPLICANT = "applicant"  # applicant / temporary expert (申请人 / 临时专家)
    EXPERT = "expert"  # formal expert with an expert number (正式专家)
    AGENCY_LEGAL = "agency_legal"  # an agency's or tenderer's legal-person account (法人)
    AGENCY_HANDLER = "agency_handler"  # a handler linked to a legal person (经办人)
    REVIEWER = "reviewer"  # city / province industry department or finance (审核人)
    VERIFIER = "verifier"  # trading-centre draw terminal (交易中心核验)
    ADMIN = "admin"


class ImmutableFieldError(Exception):
    """Name and ID number cannot change after registration."""


IMMUTABLE_MESSAGE = "姓名和身份证号注册后不能修改。"


class _PersonQuerySet(QuerySet["Person"]):
    """A queryset update skips the pre_save guard below: refuse it on the identity fields."""

    def update(self, **kwargs: Any) -> Any:
        if set(kwargs) & set(IMMUTABLE):
            raise ImmutableFieldError(IMMUTABLE_MESSAGE)
        return super().update(**kwargs)

    def bulk_update(self, objects: Any, fields: Any, batch_size: int | None = None) -> Any:
        if set(fields) & set(IMMUTABLE):
            raise ImmutableFieldError(IMMUTABLE_MESSAGE)
        return super().bulk_update(objects, fields, batch_size)


class _PersonManager(Manager):
    def get_queryset(self) -> QuerySet[Person]:
        return _PersonQuerySet(self._model)


class Person(Model):
    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=32)
    id_number_enc = fields.TextField()  # AES-GCM, services.common.pii.Vault
    id_number_hash = fields.CharField(max_length=64, unique=True)
    id_masked = fields.CharField(max_length=18)  # 110105********002X, for display
    gender = fields.CharField(max_length=1)
    birth_year = fields.IntField()  # the rest of the birth date only in the ID number
    phone = fields.CharField(max_length=11, db_index=True)
    phone_changed_at = fields.DatetimeField(null=True)
    email = fields.CharField(max_length=128, null=True)
    password_hash = fields.CharField(max_length=160, null=True)
    must_change_password = fields.BooleanField(default=False)
    deregistered_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "person"
        manager = _PersonManager()


@pre_save(Person)
async def _keep_identity_fixed(sender: type[Person], instance: Person, using_db: Any,
                               update_fields: Any) -> None:
    if instance.pk is None:  # a new row (an unsaved object with an existing id is no new row)
        return
    if update_fields and not set(update_fields) & set(IMMUTABLE):
        return
    stored = await Person.filter(id=instance.id).values(*IMMUTABLE)
    if stored and any(stored[0][f] != getattr(instance, f) for f in IMMUTABLE):
        raise ImmutableFieldError(IMMUTABLE_MESSAGE)


class Agency(Model):
    """A tendering agency or tenderer (a legal person, 法人)."""

    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=128)
    credit_code = fields.CharField(max_length=18, unique=True)  # unified social credit code
    kind = fields.CharField(max_length=16, default="agency")  # agency | tenderer
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "agency"


class RoleGrant(Model):
    """One role of one person, with its scope (agency, level, region, industry) and validity."""

    id = fields.BigIntField(primary_key=True)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="roles", on_delete=fields.CASCADE, db_index=True)
    person_id: int  # the column, read without a query
    role = fields.CharField(max_length=16)
    agency: fields.ForeignKeyNullableRelation[Agency] = fields.ForeignKeyField(
        "models.Agency", related_name="members", null=True, on_delete=fields.CASCADE, db_index=True)
    agency_id: int | None  # the column, read without a query
    expert_number = fields.CharField(max_length=32, null=True, unique=True)
    level = fields.CharField(max_length=16, null=True)  # reviewer: city | province
    region = fields.CharField(max_length=12, null=True)  # region code, e.g. 4401
    industry = fields.CharField(max_length=32, null=True)
    valid_from = fields.DatetimeField(null=True)
    valid_until = fields.DatetimeField(null=True)
    granted_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "role_grant"

    def active(self, now: datetime) -> bool:
        """Granted, not revoked, and inside its validity period."""
        if self.revoked_at is not None:
            return False
        if self.valid_from is not None and now < self.valid_from:
            return False
        return self.valid_until is None or now < self.valid_until
