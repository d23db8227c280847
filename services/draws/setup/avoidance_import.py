"""The avoidance template imported (GD-DRAW: "回避信息可手动添加，也可分别下载模板按要求批量导入
（…不能改变模板文件中的格式和回避原因）"): the filled-in workbook (or a CSV saved from one of
its sheets) is read sheet by sheet, each known by its header; every row is checked on its
own — a bad row is refused with its sheet, its number and why, and the good rows are
imported. A file that is not the template is refused whole."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from models.draws import Avoidance, DrawActivity
from services.common.errors import BadInput, DomainError
from services.common.sheets import read_tables
from services.draws.setup.activities import Activities, AvoidanceRow

ROWS_MAX = 1000  # rows a sheet may hold (ours: an activity avoids tens, not thousands)


@dataclass(frozen=True)
class RowRefusal:
    sheet: str  # the sheet's title as the file names it
    row: int  # as the sheet numbers it (the header is row 1)
    error: DomainError


@dataclass(frozen=True)
class AvoidancesImported:
    added: int
    refused: list[RowRefusal]


def _cells(values: list[str]) -> tuple[str, str, str]:
    name, code, reason = [*values, "", "", ""][:3]
    return name.strip(), code.strip(), reason.strip()


class AvoidanceImport:
    """Reads the template's rows (the template as Activities knows it) and adds the good ones
    through Activities."""

    def __init__(self, setup: Activities) -> None:
        self.setup, self.template = setup, setup.avoidance

    def _kind_of(self, header: list[str]) -> str | None:
        columns = [h.strip() for h in header[:3]]
        if columns == self.template.unit_columns:
            return "unit"
        if columns == self.template.person_columns:
            return "person"
        return None

    def _row(self, kind: str, values: list[str]) -> AvoidanceRow:
        name, code, reason = _cells(values)
        if not name:
            raise BadInput("avoidance.name_required")
        if kind == "person" and not code:
            raise BadInput("avoidance.id_required")
        if reason not in self.template.reasons:
            raise BadInput("avoidance.reason_not_listed", reason=reason,
                           reasons="、".join(self.template.reasons))
        return self.setup.parse_avoidance(kind, name, code, reason)

    async def run(self, activity: DrawActivity, raw: bytes, filename: str) -> AvoidancesImported:
        """The file's good rows added, its bad ones refused one by one."""
        self.setup.require_editable(activity)
        tables = await asyncio.to_thread(read_tables, raw, filename, ROWS_MAX)
        known = [(title, kind, table) for title, table in tables
                 if (kind := self._kind_of(table.header)) is not None]
        if not known:
            raise BadInput("avoidance.not_template",
                           units="、".join(self.template.unit_columns),
                           persons="、".join(self.template.person_columns))
        listed = await Avoidance.filter(activity_id=activity.id)
        # what is on the list already, or came earlier in the file: refused as a repeat
        seen: dict[str, str] = {}  # "": on the list already; else where in the file
        for item in listed:
            for key in _keys(item.kind, item.name, item.credit_code, item.id_hash):
                seen.setdefault(key, "")
        good: list[AvoidanceRow] = []
        refused: list[RowRefusal] = []
        for title, kind, table in known:
            sheet = title or (self.template.unit_sheet if kind == "unit"
                              else self.template.person_sheet)
            for number, values in table.rows:
                try:
                    row = self._row(kind, values)
                    keys = _keys(row.kind, row.name, row.credit_code, row.id_hash)
                    first = next((seen[k] for k in keys if k in seen), None)
                    if first == "":
                        raise BadInput("avoidance.already_listed", name=row.name)
                    if first is not None:
                        raise BadInput("avoidance.repeated", first=first)
                except DomainError as exc:
                    refused.append(RowRefusal(sheet, number, exc))
                    continue
                for key in keys:
                    seen[key] = f"{sheet}第{number}行"
                good.append(row)
        if not good and not refused:
            raise BadInput("avoidance.import_empty")
        added = await self.setup.add_avoidances(activity, good) if good else 0
        return AvoidancesImported(added, refused)


def _keys(kind: str, name: str, credit_code: str | None, id_hash: str | None) -> list[str]:
    """What makes two avoidances the same: a unit's name or code, a person's ID number."""
    if kind == "person":
        return [f"p:{id_hash}"] if id_hash else []
    return [f"u:{name}"] + ([f"c:{credit_code}"] if credit_code else [])
