"""The administrator's register of evaluation systems: each with its code, name, the centres
it serves (by the region each centre serves: 44 the province's, 4401 a city's), its public
key and where it hears the committee's changes. A system is never deleted (the trail names
it): it is stopped, and a stopped one is refused as unknown."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from models.evaluation.systems import EvaluationSystem
from services.common.errors import BadInput, Conflict, NotFound
from services.federation import BadKey, Identity, Keys
from services.reference import NOT_A_CITY, Reference

CODE = re.compile(r"[A-Za-z0-9]{2,16}")
NAME_MAX, URL_MAX, CENTRES_MAX = 64, 200, 20


@dataclass(frozen=True)
class SystemInput:
    code: str
    name: str
    centres: list[str]  # GB/T 2260 codes (440000, 440100) or as kept (44, 4401)
    public_key: str
    url: str = ""
    active: bool = True
    key_rotate_by: date | None = None  # when its operator said its key is to be replaced


def _checked(data: SystemInput, identity: Identity | None) -> SystemInput:
    code, name, url = data.code.strip(), " ".join(data.name.split()), data.url.strip()
    if not CODE.fullmatch(code):
        raise BadInput("evaluation.system_code")
    if not name or len(name) > NAME_MAX:
        raise BadInput("evaluation.system_name", most=NAME_MAX)
    centres: list[str] = []
    for raw in data.centres[:CENTRES_MAX + 1]:
        kept = Reference.regions().canonical(Reference.regions.normalise(raw.strip()))
        if kept is None or len(kept) > 4:
            raise BadInput("evaluation.system_centre", code=raw.strip()[:8])
        centres.append(kept)
    if not centres or len(centres) > CENTRES_MAX:
        raise BadInput("evaluation.system_centres", most=CENTRES_MAX)
    try:
        algorithm = Keys.check(data.public_key, "public_key").algorithm
    except BadKey:
        raise BadInput("evaluation.system_key") from None
    try:
        if identity is not None:  # its key's algorithm decides the link's: one this holds
            identity.key(algorithm)
    except BadKey:
        raise BadInput("evaluation.system_key_algorithm", algorithm=algorithm.name) from None
    if url and (len(url) > URL_MAX or not re.fullmatch(r"https?://[^\s]+", url)):
        raise BadInput("evaluation.system_url", most=URL_MAX)
    return SystemInput(code, name, list(dict.fromkeys(centres)), data.public_key.strip(), url,
                       data.active, data.key_rotate_by)


class EvaluationSystems:
    """Register, change, stop and list the systems."""

    def __init__(self, identity: Identity | None = None) -> None:
        """`identity`: this library's keys toward the systems (None: the protocol is off)."""
        self.identity = identity

    @staticmethod
    async def listing() -> list[EvaluationSystem]:
        return list(await EvaluationSystem.all().order_by("-active", "id"))

    @staticmethod
    async def get(system_id: int) -> EvaluationSystem:
        found = await EvaluationSystem.get_or_none(id=system_id)
        if found is None:
            raise NotFound("evaluation.no_system")
        return found

    async def register(self, data: SystemInput, person_id: int, now: datetime
                       ) -> EvaluationSystem:
        got = _checked(data, self.identity)
        if await EvaluationSystem.exists(code=got.code):
            raise Conflict("evaluation.system_taken", code=got.code)
        dated = got.key_rotate_by is not None
        return await EvaluationSystem.create(
            code=got.code, name=got.name, centres=got.centres, public_key=got.public_key,
            url=got.url, active=got.active, registered_by=person_id, registered_at=now,
            key_rotate_by=got.key_rotate_by, key_dated_by=person_id if dated else None,
            key_dated_at=now if dated else None)

    async def change(self, system_id: int, data: SystemInput, person_id: int,
                     now: datetime) -> EvaluationSystem:
        """Everything but the code (the other side signs with it); a new key date records
        who gave it when."""
        system = await self.get(system_id)
        got = _checked(SystemInput(system.code, data.name, data.centres, data.public_key,
                                   data.url, data.active, data.key_rotate_by), self.identity)
        dated = {} if got.key_rotate_by == system.key_rotate_by else {
            "key_rotate_by": got.key_rotate_by, "key_dated_by": person_id, "key_dated_at": now}
        await EvaluationSystem.filter(id=system.id).update(
            name=got.name, centres=got.centres, public_key=got.public_key, url=got.url,
            active=got.active, changed_by=person_id, changed_at=now, **dated)
        return await self.get(system.id)

    @staticmethod
    def offered() -> list[str]:
        """The centres a system may serve: each province's and each of its cities', by the
        region each serves, in the list's order (a stand-in for a city is none)."""
        regions = Reference.regions()
        found = []
        for province in regions.children.get(None, []):
            found.append(province)
            found.extend(c for c in regions.children.get(province, [])
                         if regions.name(c) not in NOT_A_CITY)
        return found

    @staticmethod
    def serves(system: EvaluationSystem, centre: str) -> bool:
        """Whether the system serves the centre an activity went to (the region code the
        centre serves): that centre exactly, so a province's centre's system reads none
        of a city's centre's activities."""
        return centre in system.centres
