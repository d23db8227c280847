"""Codes sent to a phone number not yet on record: self-registration of an applicant, and a
person's change of phone number (at most once a year, HN-APPLY). The code proves the new
number; the same number must come back with it."""

from __future__ import annotations

from datetime import datetime

from models.people import Person
from services.common.clock import china_today
from services.common.errors import BadInput
from services.notifications import CodeSms
from services.people.codes import VerificationCodes
from services.people.identity_rules import IdentityRules, require_phone_change_allowed
from services.people.persons import NewPerson, People
from services.people.verifiers.realname import RealNameCheck, Verdict

REGISTER = "register"
PHONE = "phone"


class Registration:
    def __init__(self, people: People, codes: VerificationCodes, code_sms: CodeSms,
                 realname: RealNameCheck | None = None) -> None:
        self.people = people
        self.codes = codes
        self._sms = code_sms
        self.realname = realname  # None: identity is checked at review

    async def _send(self, purpose: str, actor: str, phone_raw: str) -> None:
        phone = IdentityRules.parse_phone(phone_raw)

        async def deliver(code: str) -> None:
            await self._sms.send(purpose, phone, code)

        await self.codes.issue(purpose, actor, f"t:{phone}", phone, deliver,
                               destinations=("u:" + self.people.vault.lookup_hash(phone),))

    async def _check(self, purpose: str, actor: str, phone: str, code: str) -> None:
        pending = await self.codes.redeem(purpose, actor, code)
        if pending.payload != phone:
            raise BadInput("code.phone_mismatch")

    async def start(self, actor: str, phone_raw: str) -> None:
        """A registration code to the new phone."""
        await self._send(REGISTER, actor, phone_raw)

    async def register(self, actor: str, new: NewPerson, password: str, code: str,
                       now: datetime) -> tuple[Person, bool]:
        """The new applicant, once the code sent to their phone checks out, and whether the
        real-name check vouched for the name and ID number (False: checked at review). A
        mistake in the form, a name that does not match the number included, is told before
        the code is used up (no new SMS needed)."""
        phone = IdentityRules.parse_phone(new.phone)
        today = china_today(now)
        self.people.require_registrable(new, password, today)
        verdict = Verdict.UNAVAILABLE
        if self.realname is not None:
            verdict = await self.realname.verify(new.name.strip(), new.id_number.strip().upper())
        if verdict == Verdict.MISMATCH:
            raise BadInput("identity.realname_mismatch")
        if verdict == Verdict.NO_RECORD:
            raise BadInput("identity.realname_no_record")
        await self._check(REGISTER, actor, phone, code)
        person = await self.people.register_applicant(
            NewPerson(new.name, new.id_number, phone, new.email), password, today, now)
        return person, verdict == Verdict.MATCH

    async def start_phone_change(self, person: Person, phone_raw: str, now: datetime) -> None:
        """A code to the new phone, if the phone may change now."""
        require_phone_change_allowed(person.phone_changed_at, now)
        await self._send(PHONE, f"p:{person.id}", phone_raw)

    async def change_phone(self, person: Person, phone_raw: str, code: str,
                           now: datetime) -> None:
        phone = IdentityRules.parse_phone(phone_raw)
        await self._check(PHONE, f"p:{person.id}", phone, code)
        await self.people.change_phone(person, phone, now)
