"""People and their roles. ID numbers are stored encrypted with a keyed hash for lookups;
name and ID number never change after registration. Nothing kept in clear gives the number
back: the masked display keeps the first 6 and last 4 characters, so the birth date (the 8
in between) is kept only as a year; the full date comes from decrypting the number."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from tortoise import fields
from tortoise.expressions import Q
from tortoise.manager import Manager
from tortoise.queryset import QuerySet
from tortoise.signals import pre_save

from models.orm import sealing
from models.orm.base import Model

SEALED_PHONE = ("phone_enc", "phone_hash", "phone_masked", "phone_clear")  # set_phone writes
Gender = Literal["M", "F"]  # Person.gender, from the ID number (GB 11643)
IMMUTABLE = ("name", "id_number_enc", "id_number_hash", "id_masked", "gender", "birth_year")


class Role(StrEnum):
    APPLICANT = "applicant"  # applicant / temporary expert (申请人 / 临时专家)
    EXPERT = "expert"  # formal expert with an expert number (正式专家)
    AGENCY_LEGAL = "agency_legal"  # an agency's or tenderer's legal-person account (法人)
    AGENCY_HANDLER = "agency_handler"  # a handler linked to a legal person (经办人)
    REVIEWER = "reviewer"  # city / province industry department (审核人)
    VERIFIER = "verifier"  # trading-centre draw terminal (交易中心核验)
    ADMIN = "admin"  # system administrator (系统管理员): people, roles, batches, reference data
    SECURITY_ADMIN = "security_admin"  # security administrator (安全管理员): second factor, unlock
    AUDIT_ADMIN = "audit_admin"  # audit administrator (审计管理员): reads the audit trail only
    FINANCE = "finance"  # the centre's finance (财务): payments, invoices, experts' fees, ledgers
    SUPPORT = "support"  # the centre's customer service (客服人员): answers 人工客服 in the console


class LinkState(StrEnum):
    """A handler's link to a legal person, as the person answered it (GD-DRAW)."""

    PENDING = "pending"  # asked by the legal person, not yet answered
    ACCEPTED = "accepted"  # the person is the agency's handler (every other grant too)
    REFUSED = "refused"  # the person said no; the legal person sees it until it is removed


# GB/T 22239-2019 level 3 (三权分立): the three administrators, no person holding two of them
ADMINISTRATORS = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# 管用分离 (粤财规〔2025〕1号 Art. 3, 深财规〔2025〕6号 Art. 4): who keeps experts' records
# (reviews them, imports the register, sanctions) never prepares, verifies or runs a draw
KEEPS_RECORDS = frozenset({Role.REVIEWER, Role.ADMIN})
USES_EXPERTS = frozenset({Role.AGENCY_LEGAL, Role.AGENCY_HANDLER, Role.VERIFIER})
# whose work an administrator at someone else's page or endpoint is told by name
NAMED_DUTIES = frozenset({*ADMINISTRATORS, Role.FINANCE})
# the roles that work at a desk (the console), beside the experts and applicants
DESK_ROLES = frozenset({Role.AGENCY_LEGAL, Role.AGENCY_HANDLER, Role.REVIEWER, Role.VERIFIER,
                        Role.FINANCE, Role.SUPPORT, *ADMINISTRATORS})


class ImmutableFieldError(Exception):
    """Name and ID number cannot change after registration."""


IMMUTABLE_MESSAGE = "a person's name and ID number never change once registered"


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


async def rewrap_id_number(person_id: int, old: str, new: str) -> bool:
    """The ID number sealed again under another key, its value unchanged (the caller has
    checked both open to the same number): the one write of an identity field the guard lets
    through, and only while the stored ciphertext is still `old` (a concurrent writer wins)."""
    plain = QuerySet(Person)  # not the guarded queryset
    return bool(await plain.filter(id=person_id, id_number_enc=old).update(id_number_enc=new))


async def anonymise_identity(person_id: int, **values: Any) -> bool:
    """The retention job's one write of the identity fields (PIPL Art. 47: personal data is
    deleted or anonymised once its retention ends; services/rights/retention.py): past the
    guard, and only for a person who deregistered. Nothing else may call it."""
    plain = QuerySet(Person)  # not the guarded queryset
    return bool(await plain.filter(id=person_id, deregistered_at__not_isnull=True)
                .update(**values))


async def rehash_id_number(person_id: int, old: str, new: str) -> bool:
    """The ID number's lookup hash made again (HMAC-SM3 for HMAC-SHA256; the caller has
    checked both are the same number's): past the guard, only while the row holds `old`."""
    plain = QuerySet(Person)  # not the guarded queryset
    return bool(await plain.filter(id=person_id, id_number_hash=old).update(id_number_hash=new))


class _PersonManager(Manager):
    def get_queryset(self) -> QuerySet[Person]:
        return _PersonQuerySet(self._model)


class Person(Model):
    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=32)
    id_number_enc = fields.TextField()  # SM4-GCM ("sm4:<key version>:"), or AES-GCM before
    id_number_hash = fields.CharField(max_length=64, unique=True)
    id_masked = fields.CharField(max_length=18)  # 110105********002X, for display
    gender = fields.CharField(max_length=1)  # Gender
    birth_year = fields.IntField()  # the rest of the birth date only in the ID number
    # the phone sealed (SM4-GCM, see models/orm/sealing.py), its keyed lookup hash (HMAC-SM3) and
    # its masked display; `phone_clear` holds a phone written before sealing existed until
    # `expertbot migrate` / `expertbot reencrypt` seals it (NULL after)
    phone_clear = fields.CharField(max_length=11, null=True, db_index=True)
    phone_enc = fields.TextField(default="", db_default="")
    phone_hash = fields.CharField(max_length=64, default="", db_default="", db_index=True)
    phone_masked = fields.CharField(max_length=11, default="", db_default="")
    phone_changed_at = fields.DatetimeField(null=True)
    email = fields.CharField(max_length=128, null=True)
    password_hash = fields.CharField(max_length=160, null=True)
    password_changed_at = fields.DatetimeField(null=True)  # NULL: set when the row was made
    must_change_password = fields.BooleanField(default=False)
    # a migrated expert's account in the old system (XJ-CE: "登录账号为原注册时的【账号】（账号
    # 一般为初始注册时的姓名拼音或手机号）"), kept only as its keyed hash (account_key()): it
    # signs in beside the phone and the ID number, and may itself be an old phone number
    account_key = fields.CharField(max_length=64, null=True, db_index=True)
    deregistered_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "person"
        manager = _PersonManager()

    @property
    def phone(self) -> str:
        """The phone in clear, opened from its seal (or a not yet sealed clear value)."""
        return opened_phone(self.phone_enc, self.phone_clear)

    def set_phone(self, phone: str) -> list[str]:
        """Seal `phone` into this row (not saved); the fields written, for update_fields."""
        for name, value in {**sealed_phone(phone), "phone_clear": None}.items():
            setattr(self, name, value)
        return list(SEALED_PHONE)


def sealed_phone(phone: str) -> dict[str, Any]:
    """The column values of a person's phone, for Person(**...) and create()."""
    seal = sealing.sealer()
    return {"phone_enc": seal.seal_phone(phone), "phone_hash": seal.phone_key(phone),
            "phone_masked": f"{phone[:3]}****{phone[-4:]}"}


def opened_phone(sealed: str | None, clear: str | None) -> str:
    """A phone from its columns: opened from its seal, or a not yet sealed clear value."""
    if sealed:
        return sealing.sealer().open_phone(sealed)
    return clear or ""


def account_key(account: str) -> str:
    """The keyed hash an old system's account name is found by (the name as normalised by
    services.people's normalise_identifier), apart from any phone's hash."""
    return sealing.sealer().phone_key(f"account:{account}")


def phone_is(phone: str) -> Q:
    """The filter of the people whose phone is `phone`, sealed or not yet."""
    return Q(phone_hash=sealing.sealer().phone_key(phone)) | Q(phone_clear=phone)


# the person (not deregistered) whose phone is `phone`, as `phone_is` finds them, as a
# subquery of one row or none (its `?`s: `phone_values`): an SMS answer reads their open
# invitations with them (services/draws/answering/sms_answers.py)
PHONE_PERSON = ("SELECT * FROM person p WHERE (p.phone_hash = ? OR p.phone_clear = ?) "
                "AND p.deregistered_at IS NULL ORDER BY p.id LIMIT 1")


def phone_values(phone: str) -> tuple[str, str]:
    return sealing.sealer().phone_key(phone), phone


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
    # a handler's link asked by a legal person waits for the person (GD-DRAW: "个人账户进入
    # 账户管理处理关联申请, 即可成为该企业经办人"): LinkState; every other grant is accepted
    link_state = fields.CharField(max_length=8, default="accepted", db_default="accepted")
    answered_at = fields.DatetimeField(null=True)  # when the person accepted or refused
    # an agency role signed in through the province's unified identity platform: the level
    # it verified (1–4; GD-DRAW: 法人用户需满足…四级（原L2）核验), read again at each sign-in
    identity_level = fields.SmallIntField(null=True)
    identity_checked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "role_grant"

    def active(self, now: datetime) -> bool:
        """Granted (a handler's link accepted), not revoked, and inside its validity
        period."""
        if self.revoked_at is not None or self.link_state != LinkState.ACCEPTED:
            return False
        if self.valid_from is not None and now < self.valid_from:
            return False
        return self.valid_until is None or now < self.valid_until

    @classmethod
    async def holders(cls, role: Role, now: datetime) -> list[int]:
        """The people who hold `role` now (granted, not revoked, in their period), by id."""
        grants = await cls.filter(role=role, revoked_at=None)
        return sorted({g.person_id for g in grants if g.active(now)})
