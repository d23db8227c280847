"""Reference data: the evaluation-specialty catalogue, a tree of any depth (the shipped one:
a category letter, then three levels). A province loads its own as a version
(services/reference/catalogue_import.py); an application and a draw condition keep the
version they were made with. The administrative divisions are in regions.py.

Each process holds every version in memory (a catalogue is a few thousand rows), read at
start and every REFRESH after (services/reference/snapshots.py): validators, printed forms
and the draw read them without awaiting."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from models.reference import CatalogueVersion

DATA = Path(__file__).parent / "data"
SHIPPED = DATA / "catalogue.json"  # the catalogue this release ships

# the shipped catalogue's code lengths per level: the category letter (大类别, not a level:
# XJ-SIGNUP "在 A-工程大类别中选取") is 0, then 一级 A04, 二级 A0401, 三级 A040101
LENGTHS = {0: 1, 1: 3, 2: 5, 3: 7}
LEVELS = {length: level for level, length in LENGTHS.items()}


@dataclass(frozen=True)
class Specialty:
    code: str
    name: str
    level: int  # 0 (a category), 1, 2, 3, ...
    parent: str | None
    industry: str | None


class Catalogue:
    """A (工程, the category) -> A04 (一级, 设计) -> A0401 (二级, 建筑工程设计) -> A040101
    (三级) in the shipped one; a loaded one names each item's parent and level."""

    def __init__(self, items: list[Specialty], version: int | None = None,
                 name: str = "") -> None:
        self.version = version  # None: the catalogue this release ships
        self.name = name
        self.items = {s.code: s for s in items}
        self.children: dict[str, list[str]] = {}
        for s in items:
            if s.parent:
                self.children.setdefault(s.parent, []).append(s.code)

    def get(self, code: str) -> Specialty | None:
        return self.items.get(code)

    def is_leaf(self, code: str) -> bool:
        """Selectable: an item without children below the category (XJ-SIGNUP: 二级类别下没有
        三级类别的，将该二级类别视同一个三级类别)."""
        s = self.items.get(code)
        return s is not None and s.level >= 1 and code not in self.children

    def level_of_code(self, code: str) -> int | None:
        """The level of a known code (None for an unknown one)."""
        spec = self.items.get(code)
        return spec.level if spec else None

    def leaves(self) -> list[str]:
        return sorted(c for c in self.items if self.is_leaf(c))

    def lineage(self, code: str) -> Iterator[Specialty]:
        """The item and its ancestors, nearest first."""
        seen: set[str] = set()
        spec = self.items.get(code)
        while spec is not None and spec.code not in seen:
            seen.add(spec.code)
            yield spec
            spec = self.items.get(spec.parent) if spec.parent else None

    def level_of(self, code: str, level: int) -> str:
        """The code of the ancestor of `code` at `level` (itself at its own level; "" when
        the catalogue has no such level above it)."""
        return next((s.code for s in self.lineage(code) if s.level == level), "")

    def within(self, code: str) -> set[str]:
        """The code and every code under it (a condition on 一级 A08 takes A0801, A080101,
        ...)."""
        out, todo = set(), [code]
        while todo:
            current = todo.pop()
            if current not in out:
                out.add(current)
                todo.extend(self.children.get(current, []))
        return out

    def industry(self, code: str) -> str | None:
        """The reviewing industry department: the nearest ancestor that names one."""
        return next((s.industry for s in self.lineage(code) if s.industry), None)

    def path_name(self, code: str) -> str:
        """工程 / 设计 / 建筑工程设计"""
        return " / ".join(reversed([s.name for s in self.lineage(code)]))

    def as_rows(self) -> list[dict[str, object]]:
        """The items as a version stores them."""
        return [{"code": s.code, "name": s.name, "parent": s.parent, "level": s.level,
                 "industry": s.industry} for s in self.items.values()]


def from_rows(rows: list[dict[str, object]], version: int | None = None,
              name: str = "") -> Catalogue:
    return Catalogue([Specialty(str(r["code"]), str(r["name"]), int(str(r["level"])),
                                str(r["parent"]) if r.get("parent") else None,
                                str(r["industry"]) if r.get("industry") else None)
                      for r in rows], version, name)


def shipped() -> Catalogue:
    """The catalogue this release ships (the parent of each code is its prefix)."""
    raw = json.loads(SHIPPED.read_text())["specialties"]
    items = []
    for entry in raw:
        code = entry["code"]
        level = LEVELS[len(code)]
        parent = None if level == 0 else code[: LENGTHS[level - 1]]
        items.append(Specialty(code, entry["name"], level, parent, entry.get("industry")))
    return Catalogue(items)


_shipped: list[Catalogue] = []
_versions: dict[int, Catalogue] = {}  # every loaded version, by id
_current: list[int] = []  # the id of the current version, when one is


def forget_catalogues() -> None:
    _versions.clear()
    _current.clear()


async def load_catalogues() -> None:
    """Read every version, and which is current."""
    rows = await CatalogueVersion.all()
    _versions.clear()
    _versions.update({r.id: from_rows(r.items, r.id, r.name) for r in rows})
    _current[:] = [r.id for r in rows if r.current][:1]


class Catalogues:
    """The specialty catalogue's versions: called, the current one; and the one a record was
    made with (the part `catalogue` of Reference)."""

    def __call__(self) -> Catalogue:
        """The current catalogue: what new applications and conditions use."""
        if _current and _current[0] in _versions:
            return _versions[_current[0]]
        return Catalogues.shipped_once()

    @staticmethod
    def current_version() -> int | None:
        """The current catalogue's version (None: the shipped one)."""
        return catalogue().version

    @staticmethod
    def catalogue_of(version: int | None) -> Catalogue:
        """The catalogue a record was made with, as this process has it (the current one for a
        version it has not read yet: catalogue_for reads it)."""
        if version is None:
            return Catalogues.shipped_once()
        return _versions.get(version) or catalogue()

    @staticmethod
    async def catalogue_for(version: int | None) -> Catalogue:
        """The catalogue an application or a condition was made with (None: the shipped one);
        a version made by another process since the last read is read now."""
        if version is None:
            return Catalogues.shipped_once()
        if version not in _versions:
            await load_catalogues()
        return _versions.get(version) or catalogue()

    @staticmethod
    def shipped_once() -> Catalogue:
        """The catalogue this release ships, read once per process."""
        if not _shipped:
            _shipped.append(shipped())
        return _shipped[0]


# the part, called where this context reads the current catalogue (Reference.catalogue is
# this one)
catalogue = Catalogues()
