"""An activity named so that two of one project are told apart (a project's 施工 and 监理
sections drawn in two activities): its project, its own number and its sections. Pushes,
finance's sheets, the ledger and the trail name activities this way."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from models.draws import DrawActivity, Section
from services.draws.news.views import Views

SHORT = 20  # a template message's `thing` field (WX-MP): at most 20 characters


def sections_sql(postgres: bool, activity: str, parent: str) -> str:
    """A subquery of the sections of an activity (or, for a 补抽, its parent's), "1 施工、2
    监理": `activity` and `parent` are the SQL that give their ids (the parent's: the
    activity's own when it has none)."""
    text = "s.number || ' ' || s.name"
    agg = (f"string_agg({text}, '、' ORDER BY s.number)" if postgres
           else f"group_concat({text}, '、')")
    return f"(SELECT {agg} FROM draw_section s WHERE s.activity_id IN ({activity}, {parent}))"


@dataclass(frozen=True)
class ActivityTitle:
    project: str
    number: str  # CQSQ00000012
    sections: str  # "1 施工、2 监理" ("" when none is recorded)

    @property
    def full(self) -> str:
        """某工程（CQSQ00000012，标段 1 施工）"""
        inside = f"{self.number}，标段 {self.sections}" if self.sections else self.number
        return f"{self.project}（{inside}）"

    @property
    def short(self) -> str:
        return short_title(self.project, self.sections)


def short_title(project: str, sections: str) -> str:
    """Within a template field's 20 characters, the sections kept whole: the project's
    name is what gives way (某市第一中学…（1 施工）)."""
    if not sections:
        return project[:SHORT]
    tail = f"（{sections}）"
    room = SHORT - len(tail)
    if room < 4:
        return project[:SHORT]
    return (project if len(project) <= room else project[:room - 1] + "…") + tail


class Titles:
    """Activities named so that two of one project are told apart."""

    @staticmethod
    async def activity_titles(ids: Iterable[int]) -> dict[int, ActivityTitle]:
        """Each activity's title; a 补抽 or 复评 is named by its sections' activity (the
        evaluation it serves)."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = await DrawActivity.filter(id__in=wanted).values_list(
            "id", "project__name", "kind", "parent_id")
        candidates = {int(x) for i, _, _, parent in rows for x in (i, parent) if x}
        sections: dict[int, list[str]] = {}
        for activity_id, number, name in await Section.filter(
                activity_id__in=sorted(candidates)).order_by("number").values_list(
                "activity_id", "number", "name"):
            sections.setdefault(int(activity_id), []).append(f"{number} {name}".strip())

        def own(i: int, parent: int | None) -> str:
            return "、".join(sections.get(i) or sections.get(parent or 0) or [])
        return {int(i): ActivityTitle(str(project), Views.activity_number(int(i), str(kind)),
                                      own(int(i), parent))
                for i, project, kind, parent in rows}
