"""Reference data: the three-level evaluation-specialty catalogue and the region codes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Specialty:
    code: str
    name: str
    level: int  # 1, 2 or 3
    parent: str | None
    industry: str | None


class Catalogue:
    """A1 -> A04 -> A0401: level 1 is one letter, level 2 adds two digits, level 3 two more."""

    def __init__(self, items: list[Specialty]) -> None:
        self.items = {s.code: s for s in items}
        self.children: dict[str, list[str]] = {}
        for s in items:
            if s.parent:
                self.children.setdefault(s.parent, []).append(s.code)

    def get(self, code: str) -> Specialty | None:
        return self.items.get(code)

    def is_leaf(self, code: str) -> bool:
        """Selectable: a level-3 specialty, or a level-2 one without children."""
        s = self.items.get(code)
        return s is not None and (s.level == 3 or (s.level == 2 and code not in self.children))

    def level_of_code(self, code: str) -> int | None:
        """The level of a known code (None for an unknown one)."""
        spec = self.items.get(code)
        return spec.level if spec else None

    def leaves(self) -> list[str]:
        return sorted(c for c in self.items if self.is_leaf(c))

    def level_of(self, code: str, level: int) -> str:
        """The ancestor of `code` at `level` (itself if it is at that level)."""
        return code[: {1: 1, 2: 3, 3: 5}[level]]

    def industry(self, code: str) -> str | None:
        """The reviewing industry department: the nearest ancestor that names one."""
        while code:
            s = self.items.get(code)
            if s and s.industry:
                return s.industry
            code = s.parent if s and s.parent else ""
        return None

    def path_name(self, code: str) -> str:
        """工程 / 设计 / 建筑工程设计"""
        names = []
        for level in (1, 2, 3):
            if len(code) >= {1: 1, 2: 3, 3: 5}[level]:
                s = self.items.get(self.level_of(code, level))
                if s:
                    names.append(s.name)
        return " / ".join(names)


def _level(code: str) -> int:
    return {1: 1, 3: 2, 5: 3}[len(code)]


@cache
def catalogue() -> Catalogue:
    raw = json.loads((DATA / "catalogue.json").read_text())["specialties"]
    items = []
    for entry in raw:
        code = entry["code"]
        level = _level(code)
        parent = None if level == 1 else code[: {2: 1, 3: 3}[level]]
        items.append(Specialty(code, entry["name"], level, parent, entry.get("industry")))
    return Catalogue(items)


@cache
def regions() -> dict[str, str]:
    data: dict[str, str] = json.loads((DATA / "regions.json").read_text())["regions"]
    return data


def region_name(code: str) -> str:
    names = regions()
    if len(code) == 4 and code[:2] in names:
        return f"{names[code[:2]]}{names.get(code, code)}"
    return names.get(code, code)


def is_city(code: str) -> bool:
    return len(code) == 4 and code in regions()
