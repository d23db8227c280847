"""People: registration, lookups by ID number (through its keyed hash) or phone, roles,
passwords and phone changes, under the identity rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tortoise.exceptions import IntegrityError

from models.people import Agency, Person, Role, RoleGrant
from services.identity_rules import (
    RuleError,
    check_applicant_age,
    check_password_policy,
    default_password,
    hash_password,
    next_phone_change,
    parse_id_number,
    parse_phone,
    verify_password,
)
from services.pii import Vault


@dataclass(frozen=True)
class NewPerson:
    name: str
    id_number: str
    phone: str
    email: str | None = None


class People:
    """Everything about persons that more than one channel needs."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    async def by_id_number(self, raw: str) -> Person | None:
        number = parse_id_number(raw)
        return await Person.get_or_none(id_number_hash=self.vault.lookup_hash(number.value),
                                        deregistered_at=None)

    async def by_phone(self, raw: str) -> Person | None:
        return await Person.filter(phone=parse_phone(raw), deregistered_at=None).first()

    async def by_account(self, account: str) -> Person | None:
        """Login name: a phone number or an ID number."""
        account = account.strip()
        try:
            return await self.by_phone(account)
        except RuleError:
            pass
        try:
            return await self.by_id_number(account)
        except RuleError:
            return None

    def id_number_of(self, person: Person) -> str:
        return self.vault.decrypt(person.id_number_enc)

    async def create(self, new: NewPerson, *, password: str | None = None,
                     migrated: bool = False) -> Person:
        """A person with the ID number encrypted and gender / birth date derived from it.
        `migrated`: an expert brought over from the old system, whose password is the last 8
        characters of the ID number until they change it."""
        number = parse_id_number(new.id_number)
        name = new.name.strip()
        if not 2 <= len(name) <= 32:
            raise RuleError("姓名应为2到32个字。")
        phone = parse_phone(new.phone)
        if await Person.filter(phone=phone, deregistered_at=None).exists():
            raise RuleError("该手机号已被其他账户使用，请更换手机号或直接登录。")
        if migrated:
            password = default_password(number.value)
        elif password is not None:
            check_password_policy(password)
        try:
            return await Person.create(
                name=name, id_number_enc=self.vault.encrypt(number.value),
                id_number_hash=self.vault.lookup_hash(number.value),
                id_masked=number.value[:6] + "*" * 8 + number.value[-4:],
                gender=number.gender, birth_date=number.birth_date, phone=phone,
                email=(new.email or None), must_change_password=migrated,
                password_hash=await hash_password(password) if password else None)
        except IntegrityError:
            raise RuleError("该身份证号已注册，请直接登录；如忘记密码，请使用手机验证码登录。") \
                from None

    async def register_applicant(self, new: NewPerson, password: str, today: date) -> Person:
        """Self-registration of an applicant (申请人): the age limit applies."""
        check_applicant_age(parse_id_number(new.id_number).birth_date, today)
        person = await self.create(new, password=password)
        await RoleGrant.create(person=person, role=Role.APPLICANT)
        return person

    async def active_roles(self, person_id: int, now: datetime) -> list[RoleGrant]:
        grants = await RoleGrant.filter(person_id=person_id, revoked_at=None)
        return [g for g in grants if g.active(now)]

    async def login_with_password(self, account: str, password: str) -> Person | None:
        person = await self.by_account(account)
        if person is None or not await verify_password(password, person.password_hash):
            return None
        return person

    async def change_password(self, person: Person, old: str, new: str) -> None:
        if not await verify_password(old, person.password_hash):
            raise RuleError("原密码不正确。")
        check_password_policy(new)
        if new == old:
            raise RuleError("新密码不能与原密码相同。")
        person.password_hash = await hash_password(new)
        person.must_change_password = False
        await person.save(update_fields=["password_hash", "must_change_password", "updated_at"])

    async def change_phone(self, person: Person, raw: str, now: datetime) -> None:
        """The phone receives every notice, so it may change at most once a year."""
        phone = parse_phone(raw)
        allowed = next_phone_change(person.phone_changed_at)
        if allowed is not None and now < allowed:
            raise RuleError(f"手机号每年只能修改一次，下次可修改时间：{allowed:%Y年%m月%d日}。")
        if phone == person.phone:
            raise RuleError("新手机号与原手机号相同。")
        if await Person.filter(phone=phone, deregistered_at=None).exclude(id=person.id).exists():
            raise RuleError("该手机号已被其他账户使用。")
        person.phone, person.phone_changed_at = phone, now
        await person.save(update_fields=["phone", "phone_changed_at", "updated_at"])

    async def agency_of(self, person_id: int, now: datetime) -> Agency | None:
        for grant in await self.active_roles(person_id, now):
            if grant.role in (Role.AGENCY_LEGAL, Role.AGENCY_HANDLER) and grant.agency_id:
                return await Agency.get(id=grant.agency_id)
        return None
