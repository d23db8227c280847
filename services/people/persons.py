"""People: registration, lookups by ID number (through its keyed hash) or phone, roles,
passwords and phone changes, under the identity rules."""

from __future__ import annotations

import contextlib
import hmac
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from tortoise.exceptions import IntegrityError

from models.people import Person, Role, RoleGrant, account_key, phone_is, sealed_phone
from services.common.clock import china_time, china_today
from services.common.errors import BadInput, Conflict
from services.common.pii import Vault
from services.common.redis_keys import LOCK_TTL
from services.notifications import NotificationKind, Outbox
from services.people.identity_rules import (
    PASSWORD_COST,
    IdentityRules,
    IdNumber,
    default_password,
    hash_password,
    normalise_identifier,
    require_phone_change_allowed,
    require_strong_password,
    verify_password,
)

# A migrated expert's password until changed: the last 8 characters of the ID number, read
# from the encrypted number at login (an import of tens of thousands then costs no scrypt)
FROM_ID = "id-last-8"
# The scrypt hash of a random password nobody knows: checked when no person (or no password)
# matches a login, so that a known and an unknown account cost the same scrypt work.
DUMMY_PASSWORD_HASH = ("scrypt$SoUQ+MYt7wfZ0RGPC3nPqw==$"
                       "vb0B/4MhCI4DKh0ol1sbhNkGbJpAra5C7Q/59Esx0/E=")
# Registration with an ID number or phone that already has an account gets one answer
# (people.register_refused) whichever it was, which does not say that either exists; the
# account's owner is told by SMS on the phone on record (texts/notify/account.register_attempt/).
ACCOUNT_MAX = 64  # an old account name, as normalised
REGISTER_ATTEMPT: NotificationKind = "account.register_attempt"
ACCOUNT_LOCKED: NotificationKind = "account.locked"


class AlreadyRegistered(Conflict):
    """The ID number or the phone of a new person already belongs to an account."""

    def __init__(self, code: str, what: str, person_id: int | None) -> None:
        super().__init__(code)
        self.person_id = person_id
        self.what = what  # id | phone


class WrongPassword(BadInput):
    """The current password given was not the current password."""


@dataclass(frozen=True)
class NewPerson:
    name: str
    id_number: str
    phone: str
    email: str | None = None


async def active_roles(person_id: int, now: datetime) -> list[RoleGrant]:
    """The person's roles in force now."""
    grants = await RoleGrant.filter(person_id=person_id, revoked_at=None)
    return [g for g in grants if g.active(now)]


class People:
    """Everything about persons that more than one channel needs."""

    def __init__(self, vault: Vault, outbox: Outbox | None = None,
                 password_cost: int = PASSWORD_COST) -> None:
        self.vault = vault
        self.outbox = outbox or Outbox()  # the service's own wakes the relay at once
        self.password_cost = password_cost  # scrypt's log2 N for new hashes (PASSWORD_COST)
        self._dummy: str | None = None if password_cost != PASSWORD_COST \
            else DUMMY_PASSWORD_HASH

    async def _dummy_hash(self) -> str:
        """A hash of a random password at this service's cost (made once)."""
        if self._dummy is None:
            self._dummy = await hash_password(os.urandom(16).hex(), self.password_cost)
        return self._dummy

    @staticmethod
    async def by_id(person_id: int) -> Person | None:
        """The person, unless they deregistered."""
        return await Person.get_or_none(id=person_id, deregistered_at=None)

    async def by_id_number(self, raw: str) -> Person | None:
        number = IdentityRules.parse_id_number(raw)
        return await Person.filter(id_number_hash__in=self.vault.lookup_hashes(number.value),
                                   deregistered_at=None).first()

    async def by_phone(self, raw: str) -> Person | None:
        return await Person.filter(phone_is(IdentityRules.parse_phone(raw)),
                                   deregistered_at=None).first()

    async def by_account(self, account: str) -> Person | None:
        """Login name: a phone number, an ID number, or a migrated expert's account in the
        old system (XJ-CE: 姓名拼音或手机号; an old phone number no longer theirs too)."""
        account = normalise_identifier(account)
        for finder in (self.by_phone, self.by_id_number):
            try:
                found = await finder(account)
            except BadInput:
                continue
            if found is not None:
                return found
        if not 2 <= len(account) <= ACCOUNT_MAX:
            return None
        return await Person.filter(account_key=account_key(account),
                                   deregistered_at=None).first()

    @staticmethod
    def old_account_key(account: str) -> str:
        """The keyed hash of an old account name; BadInput when it cannot be one."""
        name = normalise_identifier(account)
        if not 2 <= len(name) <= ACCOUNT_MAX:
            raise BadInput("people.old_account_length", min=2, max=ACCOUNT_MAX)
        return account_key(name)

    @staticmethod
    async def old_account_holder(key: str, person_id: int | None) -> bool:
        """Whether someone else signs in by this old account already."""
        return await Person.filter(account_key=key, deregistered_at=None).exclude(
            id=person_id or 0).exists()

    def id_number_of(self, person: Person) -> str:
        return self.vault.decrypt(person.id_number_enc)

    def birth_date_of(self, person: Person) -> date:
        """The full birth date, from the encrypted ID number (only the year is kept in clear:
        with the masked number's first 6 and last 4 characters, the date is the rest)."""
        return IdentityRules.parse_id_number(self.id_number_of(person), date.max).birth_date

    @staticmethod
    def parse_form(new: NewPerson) -> tuple[IdNumber, str, str]:
        """The form's own rules (no lookup): the parsed ID number, the name, the phone."""
        number = IdentityRules.parse_id_number(new.id_number)
        name = new.name.strip()
        if not 2 <= len(name) <= 32:
            raise BadInput("people.name_length", min=2, max=32)
        return number, name, IdentityRules.parse_phone(new.phone)

    def require_registrable(self, new: NewPerson, password: str, today: date) -> None:
        """What registration can refuse before the SMS code is spent: the form, the age
        limit and the password policy (none of which tells whether an account exists)."""
        number, _, _ = self.parse_form(new)
        IdentityRules.require_applicant_age(number.birth_date, today)
        require_strong_password(password)

    async def create(self, new: NewPerson, *, password: str | None = None,
                     migrated: bool = False, old_account: str | None = None) -> Person:
        """A person with the ID number encrypted and gender / birth year derived from it.
        `migrated`: an expert brought over from the old system, whose password is the last 8
        characters of the ID number until they change it; `old_account`, their account name
        there, which signs in too."""
        number, name, phone = self.parse_form(new)
        key = self.old_account_key(old_account) if old_account else None
        if key is not None and await self.old_account_holder(key, None):
            raise BadInput("people.old_account_taken")
        holder = await Person.filter(phone_is(phone), deregistered_at=None).first()
        if holder is not None:
            raise AlreadyRegistered("people.phone_taken", "phone", holder.id)
        if password is not None and not migrated:
            require_strong_password(password)
        person = self.person(number, name, phone, new.email or None, migrated=migrated)
        person.account_key = key
        if password and not migrated:
            person.password_hash = await hash_password(password, self.password_cost)
            person.password_changed_at = datetime.now(UTC)
        lookups = self.vault.lookup_hashes(number.value)
        try:
            if await Person.exists(id_number_hash__in=lookups[1:]):  # not rehashed yet
                raise IntegrityError("id_number_hash")
            await person.save()
            return person
        except IntegrityError:
            owner = await Person.filter(id_number_hash__in=lookups).first()
            raise AlreadyRegistered("people.id_taken", "id", owner.id if owner else None) \
                from None

    def person(self, number: IdNumber, name: str, phone: str, email: str | None, *,
               migrated: bool = False) -> Person:
        """A person, unsaved (an import saves thousands at once): the ID number encrypted,
        its keyed hash to find it, gender and birth year read from it; `migrated`, its
        password the ID number's last 8 characters until changed."""
        return Person(name=name, id_number_enc=self.vault.encrypt(number.value),
                      id_number_hash=self.vault.lookup_hash(number.value),
                      id_masked=number.value[:6] + "*" * 8 + number.value[-4:],
                      gender=number.gender, birth_year=number.birth_date.year,
                      **sealed_phone(phone), email=email, must_change_password=migrated,
                      password_hash=FROM_ID if migrated else None)

    async def register_applicant(self, new: NewPerson, password: str, today: date,
                                 now: datetime | None = None) -> Person:
        """Self-registration of an applicant (申请人): the age limit applies. An ID number or
        phone that already has an account gets people.register_refused, which does not say
        which (nor that one exists), and the account's owner an SMS about the attempt."""
        self.require_registrable(new, password, today)
        try:
            person = await self.create(new, password=password)
        except AlreadyRegistered as taken:
            if taken.person_id is not None:
                await self._tell_owner(taken.person_id, taken.what, now or datetime.now(UTC))
            raise BadInput("people.register_refused") from None
        await RoleGrant.create(person=person, role=Role.APPLICANT)
        return person

    async def _tell_owner(self, person_id: int, what: str, now: datetime) -> None:
        """An SMS to the phone on record: someone tried to register with your ID number (or
        phone), and how to log in. At most one a day, so that attempts cannot flood it."""
        if not await Person.exists(id=person_id, deregistered_at=None):
            return
        with contextlib.suppress(IntegrityError):  # a simultaneous attempt already told them
            await self.outbox.notify(now, REGISTER_ATTEMPT, {"what": what, "at": china_time(now)},
                                  person_id=person_id,
                                  dedupe_key=f"{REGISTER_ATTEMPT}:{person_id}:"
                                             f"{china_today(now)}")

    async def tell_locked(self, person_id: int) -> None:
        """Others' wrong passwords or codes locked this account: its owner is told how to
        lift the lock (an SMS code login), once a lock."""
        now = datetime.now(UTC)
        with contextlib.suppress(IntegrityError):
            await self.outbox.notify(now, ACCOUNT_LOCKED, {
                "at": china_time(now), "minutes": str(LOCK_TTL // 60)}, person_id=person_id,
                dedupe_key=f"{ACCOUNT_LOCKED}:{person_id}:{int(now.timestamp()) // LOCK_TTL}")

    async def active_roles(self, person_id: int, now: datetime) -> list[RoleGrant]:
        return await active_roles(person_id, now)

    async def login_with_password(self, account: str, password: str) -> Person | None:
        """The person, or None. The scrypt check runs whether or not the account exists
        (against a dummy hash when it does not), so the time taken does not tell."""
        person = await self.by_account(account)
        if person is None or not person.password_hash:
            await verify_password(password, await self._dummy_hash())
            return None
        return person if await self._password_is(person, password) else None

    async def _password_is(self, person: Person, password: str) -> bool:
        """Whether `password` is the person's: a migrated expert's is the last 8 characters
        of the ID number until changed (FROM_ID: checked against the ID, at the same scrypt
        cost as any other, so that the time taken does not tell)."""
        if person.password_hash != FROM_ID:
            return await verify_password(password, person.password_hash)
        await verify_password(password, await self._dummy_hash())
        expected = default_password(self.id_number_of(person))
        return hmac.compare_digest(password.strip().upper().encode(), expected.encode())

    async def change_password(self, person: Person, old: str, new: str) -> None:
        """WrongPassword unless `old` is the current password (Binding.change_password
        counts such attempts); then the new one must be strong and different."""
        if not await self._password_is(person, old):
            raise WrongPassword("people.wrong_password")
        require_strong_password(new)
        if new == old:
            raise BadInput("people.same_password")
        person.password_hash = await hash_password(new, self.password_cost)
        person.must_change_password = False
        person.password_changed_at = datetime.now(UTC)
        await person.save(update_fields=["password_hash", "must_change_password",
                                         "password_changed_at", "updated_at"])

    async def change_phone(self, person: Person, raw: str, now: datetime) -> None:
        """The phone receives every notice, so it may change at most once a year."""
        phone = IdentityRules.parse_phone(raw)
        require_phone_change_allowed(person.phone_changed_at, now)
        if phone == person.phone:
            raise BadInput("people.same_phone")
        if await Person.filter(phone_is(phone), deregistered_at=None).exclude(
                id=person.id).exists():
            raise Conflict("people.phone_in_use")
        person.phone_changed_at = now
        await person.save(update_fields=[*person.set_phone(phone), "phone_changed_at",
                                         "updated_at"])

    @staticmethod
    async def names_of(person_ids: Iterable[int]) -> dict[int, str]:
        """Each person's name, by id (a page of rows that name people: one query)."""
        return dict(await Person.filter(id__in=list(person_ids)).values_list("id", "name"))
