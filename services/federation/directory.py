"""The shared directory (NDRC-26 library sharing, FG-807 最小化调用): how many experts this
library could draw today, by specialty at every level of the catalogue and by place at every level
(province, city, county), and for one specialty in one place when asked. Counts only: no
name, number, unit or phone ever. A count under SMALL is given as null ("fewer than
three"), so that a narrow cell cannot point at one person (a rule of ours,
docs/rules-that-are-ours.md)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from tortoise.expressions import Q

from models import column
from models.experts import ExpertProfile, ExpertSpecialty, Unavailability
from models.sanctions import EXCLUDING, AppealOutcome, Sanction
from services.reference import Reference

SMALL = 3


@dataclass(frozen=True)
class Cell:
    code: str
    name: str
    count: int | None  # None: 1 or 2 (fewer than SMALL)


@dataclass(frozen=True)
class Directory:
    as_of: date
    total: int | None
    by_specialty: list[Cell]
    by_region: list[Cell]
    asked: int | None = None  # the count for the asked specialty and place, if any


def shown(n: int) -> int | None:
    return n if n == 0 or n >= SMALL else None


async def available(today: date) -> dict[int, str]:
    """Experts who could be drawn today: active, no suspension, removal or ban in force,
    not away today; expert id -> residence."""
    kept_out = set(await column(Sanction.filter(
        kind__in=list(EXCLUDING), starts_on__lte=today).exclude(
        outcome=AppealOutcome.REVOKED).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today)),
        "expert_id"))
    away = set(await column(Unavailability.filter(date_from__lte=today, date_to__gte=today),
                            "person_id"))
    out: dict[int, str] = {}
    for expert_id, person_id, region in await ExpertProfile.filter(active=True).values_list(
            "id", "person_id", "region"):
        if expert_id not in kept_out and person_id not in away:
            out[int(expert_id)] = str(region)
    return out


def _places(code: str) -> list[str]:
    return [code[:n] for n in (2, 4, 6) if len(code) >= n]


class DirectoryReader:
    """The counts this library shares (never fewer than SMALL shown), as of a day."""

    @staticmethod
    async def read(today: date, specialty: str = "", region: str = "") -> Directory:
        """The counts as of `today`, narrowed to a specialty and a region when asked."""
        experts = await available(today)
        tree, places = Reference.catalogue(), Reference.regions()
        by_specialty: dict[str, set[int]] = defaultdict(set)
        for expert_id, code in await ExpertSpecialty.filter(
                expert_id__in=list(experts)).values_list("expert_id", "code"):
            for spec in tree.lineage(str(code)):
                by_specialty[spec.code].add(int(expert_id))
        by_region: dict[str, set[int]] = defaultdict(set)
        for expert_id, home in experts.items():
            for place in _places(home):
                by_region[place].add(expert_id)
        asked = None
        if specialty or region:
            people = set(experts)
            if specialty:
                people &= by_specialty.get(specialty, set())
            if region:
                people &= by_region.get(Reference.regions.normalise(region), set())
            asked = shown(len(people))
        return Directory(
            as_of=today, total=shown(len(experts)),
            by_specialty=[Cell(code, tree.path_name(code), shown(len(ids)))
                          for code, ids in sorted(by_specialty.items())],
            by_region=[Cell(Reference.regions.to_gb(code), places.full_name(code) or code,
                            shown(len(ids))) for code, ids in sorted(by_region.items())],
            asked=asked)
