"""The security administrator's desk (安全管理员, GB/T 22239-2019 level 3's separation of
administrators): a desk person's second factor reset after a lost phone, and an account
locked by failed sign-ins unlocked. Nobody does either for themselves: a stolen password
would otherwise be enough to remove the second factor that guards it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.people import Person
from services.common.errors import Conflict, NotAllowed, NotFound
from services.people.lockout import Lockout, person_keys
from services.people.persons import active_roles
from services.people.second_factor import SecondFactor


@dataclass(frozen=True)
class Standing:
    """A person's sign-in standing: enrolled a second factor, locked until when, and the
    roles they hold now."""

    person: Person
    enrolled: bool
    locked_until: datetime | None
    roles: list[str]  # role codes, sorted


def _parties(person_id: int) -> tuple[str, ...]:
    """The person's own locks: failed passwords from everyone, wrong codes to their phone,
    wrong second-factor codes."""
    return (*person_keys(f"p:{person_id}"), Lockout.second_factor_party(person_id).key)


class SecurityDesk:
    def __init__(self, second_factor: SecondFactor, lockout: Lockout) -> None:
        self.second_factor = second_factor
        self.lockout = lockout

    async def standing(self, person_id: int, now: datetime) -> Standing:
        person = await Person.get(id=person_id)
        ends = [t for t in [await self.lockout.locked_until(k)
                            for k in _parties(person.id)] if t is not None]
        enrolled = await self.second_factor.enrolled(person.id)
        roles = sorted(g.role for g in await active_roles(person.id, now))
        return Standing(person, enrolled, max(ends, default=None), roles)

    @staticmethod
    async def _other(person_id: int, by: Person) -> Person:
        if person_id == by.id:
            raise NotAllowed("security.not_yourself")
        person = await Person.get_or_none(id=person_id)
        if person is None:
            raise NotFound("admin.no_person")
        return person

    async def reset_second_factor(self, person_id: int, by: Person) -> Person:
        """The person enrols a new authenticator app at the next sign-in."""
        person = await self._other(person_id, by)
        if not await self.second_factor.reset(person.id):
            raise Conflict("security.not_enrolled")
        return person

    async def unlock(self, person_id: int, by: Person) -> Person:
        """The person's account lock lifted (a browser's own lock stays: it is that
        browser's, not the account's)."""
        person = await self._other(person_id, by)
        if not await self.lockout.lift(*_parties(person.id)):
            raise Conflict("security.not_locked")
        return person
