"""The professional titles a picker offers (JL-GP: "职称信息中，职称需要选择最小级": 一级 the
series, 二级 the level, 三级 the title itself), shipped with the release
(data/titles.json)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data" / "titles.json"
LEVELS = ("正高", "副高", "中级", "初级")  # services.people's TitleLevel, highest first


@dataclass(frozen=True)
class TitleSeries:
    name: str  # 一级: the series, such as 工程技术
    levels: dict[str, tuple[str, ...]]  # 二级 (正高 … 初级) -> 三级: the titles


@dataclass(frozen=True)
class Titles:
    series: tuple[TitleSeries, ...]

    def level_of(self, title: str) -> str | None:
        """The level of a title of the smallest level (三级), or None for anything else."""
        for s in self.series:
            for level, names in s.levels.items():
                if title in names:
                    return level
        return None


@functools.cache
def _shipped() -> Titles:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    return Titles(tuple(TitleSeries(s["name"], {lv: tuple(n) for lv, n in s["levels"].items()})
                        for s in raw["series"]))


class TitleList:
    """The title catalogue: called, the shipped one (the part `titles` of Reference)."""

    def __call__(self) -> Titles:
        """The shipped title catalogue (read once per process)."""
        return _shipped()
