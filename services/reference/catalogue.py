"""Reference data: the evaluation-specialty catalogue (a category letter, then three levels).
The administrative divisions are in services/reference/regions.py."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


# code length per level: the category letter (大类别, not a level: XJ-SIGNUP "在 A-工程大类别
# 中选取") is 0, then 一级 A04, 二级 A0401, 三级 A040101
LENGTHS = {0: 1, 1: 3, 2: 5, 3: 7}
LEVELS = {length: level for level, length in LENGTHS.items()}


@dataclass(frozen=True)
class Specialty:
    code: str
    name: str
    level: int  # 0 (the category), 1, 2 or 3
    parent: str | None
    industry: str | None


class Catalogue:
    """A (工程, the category) -> A04 (一级, 设计) -> A0401 (二级, 建筑工程设计) -> A040101
    (三级): each level adds two digits (XJ-SIGNUP's form shows 一级 A04设计, 二级 A0401建筑工程)."""

    def __init__(self, items: list[Specialty]) -> None:
        self.items = {s.code: s for s in items}
        self.children: dict[str, list[str]] = {}
        for s in items:
            if s.parent:
                self.children.setdefault(s.parent, []).append(s.code)

    def get(self, code: str) -> Specialty | None:
        return self.items.get(code)

    def is_leaf(self, code: str) -> bool:
        """Selectable: a 三级 specialty, or a 二级 one without children (XJ-SIGNUP: 二级类别下
        没有三级类别的，将该二级类别视同一个三级类别)."""
        s = self.items.get(code)
        return s is not None and (s.level == 3 or (s.level == 2 and code not in self.children))

    def level_of_code(self, code: str) -> int | None:
        """The level of a known code (None for an unknown one)."""
        spec = self.items.get(code)
        return spec.level if spec else None

    def leaves(self) -> list[str]:
        return sorted(c for c in self.items if self.is_leaf(c))

    def level_of(self, code: str, level: int) -> str:
        """The ancestor of `code` at `level` (0: its category; itself at its own level)."""
        return code[: LENGTHS[level]]

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
        for level, length in LENGTHS.items():
            if len(code) >= length:
                s = self.items.get(self.level_of(code, level))
                if s:
                    names.append(s.name)
        return " / ".join(names)


@cache
def catalogue() -> Catalogue:
    raw = json.loads((DATA / "catalogue.json").read_text())["specialties"]
    items = []
    for entry in raw:
        code = entry["code"]
        level = LEVELS[len(code)]
        parent = None if level == 0 else code[: LENGTHS[level - 1]]
        items.append(Specialty(code, entry["name"], level, parent, entry.get("industry")))
    return Catalogue(items)
