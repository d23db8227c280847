"""China's administrative divisions (GB/T 2260), province -> city -> county, as every part of
the service reads them: region conditions, residence and willing regions, addresses, names
shown. Codes: a province by its first 2 digits (44), a city by 4 (4401), a county by all 6
(440106); a county or city lies within every code that starts it, so a condition at city
level takes the city's counties too.

The list lives in the database (`expertbot import-regions` updates it; a code that
disappears is kept, retired, so old records still read) and is read into a snapshot each
process holds: pydantic's validators and the printed forms read it without awaiting. The
snapshot is the shipped list (services/reference/data/regions.json) until `load_regions`
reads the database, at start-up and every REFRESH after."""

from __future__ import annotations

import csv
import functools
import io
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from models.reference import Region

SHIPPED = Path(__file__).parent / "data" / "regions.json"
REFRESH = timedelta(minutes=10)  # how soon a process sees an import (ours)
LEVELS = {2: 1, 4: 2, 6: 3}  # code length -> level
# the list's stand-ins for a city where counties answer to the province (4290 省直辖县,
# 5002 县 of 重庆市): a group in a picker, never part of a place's full name
NOT_A_CITY = frozenset({"县", "市辖区", "省直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
NAME_MAX = 32


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    level: int  # 1 province, 2 city, 3 county
    parent: str | None
    retired: bool = False


def parent_of(code: str) -> str | None:
    return code[:2] if len(code) == 4 else code[:4] if len(code) == 6 else None


class Regions:
    """One snapshot of the list."""

    def __init__(self, places: list[Place]) -> None:
        self.places = {p.code: p for p in places}
        self._names: dict[str, list[str]] | None = None  # full name -> codes, when asked
        self._resolved: dict[str, str | None] = {}
        self.children: dict[str | None, list[str]] = {}
        for p in sorted(places, key=lambda p: p.code):
            if not p.retired:
                self.children.setdefault(p.parent, []).append(p.code)

    def known(self, code: str) -> bool:
        """A current code (a retired one still reads, but is not offered)."""
        place = self.places.get(code)
        return place is not None and not place.retired

    def canonical(self, code: str) -> str | None:
        """A current place's code as the service keeps it, given as kept (4402) or as the
        national list writes it (440200, 440000); None for no current place."""
        code = RegionList.normalise(code) if code.strip().isdigit() else code
        return code if self.known(code) else None

    def name(self, code: str) -> str:
        place = self.places.get(code)
        return place.name if place else code

    def full_name(self, code: str, sep: str = "") -> str:
        """广东省广州市天河区 (or with `sep`: 广东省-广州市-天河区); a municipality's city, which
        repeats its province, once."""
        names: list[str] = []
        for part in (code[:2], code[:4], code[:6]):
            if len(part) <= len(code) and part in self.places:
                name = self.places[part].name
                if name not in NOT_A_CITY and (not names or names[-1] != name):
                    names.append(name)
        return sep.join(names) or code

    def resolve(self, text: str) -> str | None:
        """The current place a person wrote: its code (2, 4 or 6 digits, or 民政部's 6), or
        its name, whole (广东省广州市天河区) or from the end (广州市天河区, 天河区) when only one
        place ends so; None when none or several do."""
        text = "".join(text.split())
        if text not in self._resolved:  # a register repeats a few places many times
            self._resolved[text] = self._resolve(text)
        return self._resolved[text]

    def _resolve(self, text: str) -> str | None:
        if not text:
            return None
        if text.isdigit():
            code = RegionList.normalise(text)
            return code if self.known(code) else None
        if self._names is None:
            self._names = {}
            for code, place in self.places.items():
                if not place.retired:
                    self._names.setdefault(self.full_name(code), []).append(code)
        found = self._names.get(text) or [c for name, codes in self._names.items()
                                          if name.endswith(text) for c in codes]
        found.sort(key=len)
        # one place, or a municipality and its city (北京市 11 and 1101): the deepest
        return found[-1] if found and all(c.startswith(found[0]) for c in found) else None

    def search(self, text: str, limit: int = 20) -> list[Place]:
        """Current places whose name contains `text`, or whose code starts with it (a code
        as the national list writes it, 440200, found as the service keeps it, 4402)."""
        text = text.strip()
        if not text:
            return []
        if text.isdigit():
            text = RegionList.normalise(text)
        found = [p for p in self.places.values() if not p.retired
                 and (text in p.name or p.code.startswith(text))]
        return sorted(found, key=lambda p: (p.level, p.code))[:limit]


@functools.cache
def shipped() -> Regions:
    """The shipped list, read once per process (a snapshot is never changed, only replaced)."""
    return Regions([Place(c, n, LEVELS[len(c)], parent_of(c))
                    for c, n in RegionList.shipped_data().items()])


_snapshot: list[Regions] = []  # the process's current snapshot (reference data: see above)
_loaded_at: list[datetime] = []


def install(snapshot: Regions) -> None:
    _snapshot[:] = [snapshot]


async def load_regions(now: datetime | None = None) -> bool:
    """Read the database's list into the snapshot (the shipped one while the table is
    empty); with `now`, only if the last read is REFRESH old. Whether it read."""
    if now is not None and _loaded_at and now - _loaded_at[0] < REFRESH:
        return False
    rows = await Region.all()
    install(Regions([Place(r.code, r.name, r.level, r.parent, r.retired_at is not None)
                     for r in rows]) if rows else shipped())
    _loaded_at[:] = [now or datetime.max]
    return True


FILE_MAX = 2 * 1024 * 1024  # bytes: the national list is about 100 KB


@dataclass(frozen=True)
class ImportCounts:
    added: int
    renamed: int
    retired: int
    unchanged: int


class RegionList:
    """China's administrative divisions: called, the process's snapshot of the list; and
    what the service asks of places (the part `regions` of Reference)."""

    def __call__(self) -> Regions:
        """The process's snapshot of the list."""
        if not _snapshot:
            _snapshot.append(shipped())
        return _snapshot[0]

    @staticmethod
    def within(code: str, area: str) -> bool:
        """Whether `code` lies in `area` (a county in its city and province, a city in its
        province, a place in itself)."""
        return bool(area) and code.startswith(area)

    @staticmethod
    def within_any(code: str | None, areas: list[str]) -> bool:
        """Whether `code` lies in one of `areas`."""
        return bool(code) and any(RegionList.within(code or "", a) for a in areas)

    @staticmethod
    def city_of(code: str | None) -> str | None:
        """The city a place lies in, as 异地 compares them (docs/rules-that-are-ours.md): a
        county's city (440106 -> 4401), a city itself; a county-level city answering to its
        province (429004 仙桃市, 659001 石河子市: the list's stand-ins, NOT_A_CITY) is a city of
        its own, and a municipality is one city (500229 of 重庆's 县 -> 5001). None for a
        province or nothing."""
        if not code or len(code) < 4:
            return None
        city = code[:4]
        places = regions()
        if places.name(city) not in NOT_A_CITY:
            return city
        first = code[:2] + "01"
        if places.name(first) == places.name(code[:2]):  # a municipality: 重庆市 5001
            return first
        return code if len(code) == 6 else city

    @staticmethod
    def elsewhere(residence: str | None, venue: str | None) -> bool:
        """Whether a venue is 异地 for an expert: the venue's city is not the city the expert
        lives in (city_of; a county counts as its city). The draw (who declined 异地评标 is not
        drawn), the record (marked 异地) and the fees (the travel and meal allowances) all ask
        this; False when either place is unknown."""
        mine, there = RegionList.city_of(residence), RegionList.city_of(venue)
        return mine is not None and there is not None and mine != there

    @staticmethod
    def overlaps(a: str, b: str) -> bool:
        """Whether one of two places lies in the other (an expert willing to evaluate in 广州市
        is willing for 天河区, and one willing for 天河区 is for a draw in 广州市)."""
        return RegionList.within(a, b) or RegionList.within(b, a)

    @staticmethod
    def to_gb(code: str) -> str:
        """A code as GB/T 2260 writes it, six digits, as libraries exchange places: 44 ->
        440000, 4402 -> 440200, 440205 as it is (normalise is the way back)."""
        return code.ljust(6, "0") if code.isdigit() and len(code) in (2, 4, 6) else code

    @staticmethod
    def normalise(code: str) -> str:
        """A code as the service keeps it: 440000 (民政部's list) -> 44, 440100 -> 4401."""
        code = code.strip()
        if len(code) == 6 and code.endswith("0000"):
            return code[:2]
        if len(code) == 6 and code.endswith("00"):
            return code[:4]
        return code

    @staticmethod
    def shipped_data() -> dict[str, str]:
        """The list this release ships (code -> name; tools/regions_data.py makes it)."""
        data: dict[str, str] = json.loads(SHIPPED.read_text())["regions"]
        return data

    @staticmethod
    def parse_regions(raw: bytes, filename: str) -> dict[str, str]:
        """A list to import: our JSON ({"regions": {code: name}} or the mapping itself), or CSV
        (code, name; a header row allowed), codes of 2/4/6 digits or 民政部's 6 everywhere.
        ValueError with what is wrong."""
        if len(raw) > FILE_MAX:
            raise ValueError(f"the file is over {FILE_MAX // 1024} KB")
        text = raw.decode("utf-8-sig")
        if filename.lower().endswith(".json"):
            data = json.loads(text)
            pairs = (data.get("regions", data) if isinstance(data, dict) else {}).items()
        else:
            pairs = ((row[0], row[1]) for row in csv.reader(io.StringIO(text))
                     if len(row) >= 2 and row[0].strip().isdigit())
        out = {RegionList.normalise(str(code)): str(name).strip() for code, name in pairs}
        if not out:
            raise ValueError("no region in the file (expected code,name rows or our JSON)")
        return out

    @staticmethod
    async def import_regions(data: dict[str, str], now: datetime) -> ImportCounts:
        """The list `data` (code -> name) into the database: new codes added, names changed,
        codes no longer in it retired (kept, so old records still read)."""
        bad = [c for c in data if len(c) not in LEVELS or not c.isdigit()]
        if bad:
            raise ValueError(f"codes of 2, 4 or 6 digits expected: {', '.join(sorted(bad)[:5])}")
        bad = [c for c, n in data.items() if not n.strip() or len(n) > NAME_MAX]
        if bad:
            raise ValueError(f"a name of 1 to {NAME_MAX} characters expected: "
                             f"{', '.join(sorted(bad)[:5])}")
        orphans = [c for c in data if len(c) > 2 and parent_of(c) not in data]
        if orphans:
            raise ValueError(f"codes whose parent is not in the list: "
                             f"{', '.join(sorted(orphans)[:5])}")
        current = {r.code: r for r in await Region.all()}
        added = renamed = unchanged = 0
        new: list[Region] = []
        for code, name in data.items():
            row = current.get(code)
            if row is None:
                new.append(Region(code=code, name=name, level=LEVELS[len(code)],
                                  parent=parent_of(code)))
                added += 1
            elif row.name != name or row.retired_at is not None:
                await Region.filter(code=code).update(name=name, retired_at=None)
                renamed += 1
            else:
                unchanged += 1
        await Region.bulk_create(new, batch_size=1000)
        gone = [c for c, r in current.items() if c not in data and r.retired_at is None]
        await Region.filter(code__in=gone).update(retired_at=now)
        return ImportCounts(added, renamed, len(gone), unchanged)

    @staticmethod
    async def seed_regions(now: datetime) -> bool:
        """The shipped list into an empty table (`expertbot migrate`); whether it did."""
        if await Region.exists():
            return False
        await RegionList.import_regions(RegionList.shipped_data(), now)
        return True


# the part, called where this context reads the snapshot (Reference.regions is this one)
regions = RegionList()
