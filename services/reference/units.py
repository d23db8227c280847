"""The register of units people pick from, keyed by the unified social credit code (GB-32100)
(HN-APPLY: "工作单位，可根据单位名称搜索选择。如若在“单位列表”中未找到对应单位…"): it grows
from what staff add on an applicant's request (services/applicants/unit_requests.py), what
agencies and imports enter, an administrator merges duplicates, and
avoidance by unit reads it, so that a unit typed under another name, or merged, is still
avoided."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models.experts import ExpertAvoidUnit, ExpertProfile
from models.reference import WorkUnit
from services.common.errors import BadInput, NotFound
from services.reference.regions import RegionList, regions

NAMES_KEPT = 10  # other names a unit keeps (ours)
FOUND_MAX = 20


def region_of(code: str | None) -> str | None:
    """The registration authority's region in a credit code (its 3rd to 8th characters)."""
    if not code or not code[2:8].isdigit():
        return None
    place = RegionList.normalise(code[2:8])  # a 市辖区 code (440101) no longer listed: its city
    return next((p for p in (place, place[:4], place[:2]) if regions().known(p)), None)


async def _kept(unit: WorkUnit) -> WorkUnit:
    seen = {unit.id}
    while unit.merged_into is not None and unit.merged_into not in seen:
        seen.add(unit.merged_into)
        unit = await WorkUnit.get(id=unit.merged_into)
    return unit


@dataclass(frozen=True)
class Merged:
    kept: WorkUnit
    experts: int  # profiles moved to the unit kept
    avoid_units: int


class Units:
    """The register of work units people pick from (the part `units` of Reference)."""

    @staticmethod
    async def remember(name: str, code: str | None, source: str, now: datetime) -> WorkUnit | None:
        """The unit as typed, added to the register or found there (its code the key; a new
        name for a known code kept among its other names); the unit a merged one points to."""
        name = " ".join(name.split())[:128]
        if not name:
            return None
        for _ in range(2):  # two people adding the same unit at once: the second finds it
            unit = await (WorkUnit.get_or_none(credit_code=code) if code else
                          WorkUnit.filter(credit_code__isnull=True, name=name).first())
            if unit is None:
                try:
                    return await WorkUnit.create(credit_code=code, name=name, source=source,
                                                 region=region_of(code), created_at=now)
                except IntegrityError:
                    continue
            unit = await _kept(unit)
            if name != unit.name and name not in unit.other_names \
                    and len(unit.other_names) < NAMES_KEPT:
                unit.other_names = [*unit.other_names, name]
                await unit.save(update_fields=["other_names"])
            return unit
        return None

    @staticmethod
    async def listed(name: str, code: str | None) -> WorkUnit | None:
        """The register's unit a form names: by its credit code when it has one, else by its
        name (the unit a merged one points to); None when the register does not have it."""
        name = " ".join(name.split())
        unit = await (WorkUnit.get_or_none(credit_code=code) if code else
                      WorkUnit.filter(name=name).order_by("id").first())
        return None if unit is None else await _kept(unit)

    @staticmethod
    async def code_for(name: str) -> str | None:
        """The credit code of the one unit known by this name (none, or several: None)."""
        name = " ".join(name.split())
        found = {u.credit_code for u in await WorkUnit.filter(
            name=name, credit_code__isnull=False, merged_into__isnull=True)}
        return found.pop() if len(found) == 1 else None

    @staticmethod
    async def search(text: str, limit: int = FOUND_MAX) -> list[WorkUnit]:
        """Units (not merged away) whose name contains `text` or whose code starts with it."""
        text = text.strip()
        if not text:
            return []
        return await WorkUnit.filter(Q(name__icontains=text) | Q(
            credit_code__startswith=text.upper()), merged_into__isnull=True
        ).order_by("name").limit(limit)

    @staticmethod
    async def widen(codes: set[str], names: set[str]) -> tuple[set[str], set[str]]:
        """Avoided units' codes and names, with every name each was typed as and every unit
        merged into it (or it into): what avoidance matches experts against."""
        if not codes and not names:
            return codes, names
        units = await WorkUnit.filter(Q(credit_code__in=list(codes)) | Q(name__in=list(names)))
        family = {u.id for u in units} | {u.merged_into for u in units if u.merged_into}
        if family:
            units = await WorkUnit.filter(Q(id__in=list(family)) | Q(merged_into__in=list(family)))
        out_codes, out_names = set(codes), set(names)
        for unit in units:
            if unit.credit_code:
                out_codes.add(unit.credit_code)
            out_names.update([unit.name, *unit.other_names])
        return out_codes, out_names

    @staticmethod
    async def merge(keep_id: int, other_ids: Iterable[int]) -> Merged:
        """Duplicates into the unit kept: their names become its other names, experts of theirs
        and avoidance units naming them take the kept unit's name and code."""
        others = [i for i in dict.fromkeys(other_ids) if i != keep_id]
        if not others:
            raise BadInput("unit.merge_nothing")
        async with in_transaction():
            kept = await WorkUnit.select_for_update().get_or_none(id=keep_id,
                                                                  merged_into__isnull=True)
            dupes = await WorkUnit.select_for_update().filter(id__in=others,
                                                              merged_into__isnull=True)
            if kept is None or len(dupes) != len(others):
                raise NotFound("unit.not_found")
            names = [kept.name, *kept.other_names]
            experts = moved = 0
            for dupe in dupes:
                names += [dupe.name, *dupe.other_names]
                match = Q(work_unit=dupe.name) & (Q(unit_credit_code__isnull=True) if
                                                   dupe.credit_code is None else
                                                   Q(unit_credit_code=dupe.credit_code))
                if dupe.credit_code:
                    match |= Q(unit_credit_code=dupe.credit_code)
                experts += await ExpertProfile.filter(match).update(
                    work_unit=kept.name, unit_credit_code=kept.credit_code)
                by = Q(credit_code=dupe.credit_code) if dupe.credit_code else \
                    Q(unit_name=dupe.name, credit_code__isnull=True)
                moved += await ExpertAvoidUnit.filter(by).update(unit_name=kept.name,
                                                                 credit_code=kept.credit_code)
                dupe.merged_into = kept.id
                await dupe.save(update_fields=["merged_into"])
            kept.other_names = [n for n in dict.fromkeys(names) if n != kept.name][:NAMES_KEPT]
            await kept.save(update_fields=["other_names"])
        return Merged(kept, experts, moved)
