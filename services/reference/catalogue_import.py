"""A province's specialty catalogue loaded from Excel or CSV (代码, 名称, 上级代码, 层级, and
optionally 行业主管部门), checked row by row, and kept as a new version; the administrator
makes it current when ready. Nothing is stored while a row is refused."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.transactions import in_transaction

from models.experts import ExpertSpecialty
from models.reference import CatalogueVersion
from services.common.errors import BadInput, DomainError, NotFound
from services.common.sheets import read_table
from services.reference.catalogue import Catalogue, Specialty, catalogue, load_catalogues

ROWS_MAX = 50_000
CODE = re.compile(r"^[A-Za-z0-9]{1,16}$")
NAME_MAX = 64
# the header words each column answers to (the template's first, then the English names)
COLUMNS = {"code": ("代码", "专业代码", "code"), "name": ("名称", "专业名称", "name"),
           "parent": ("上级代码", "parent"), "level": ("层级", "级别", "level"),
           "industry": ("行业主管部门", "行业", "industry")}
REQUIRED = ("code", "name", "parent", "level")


@dataclass(frozen=True)
class Problem:
    row: int  # as the sheet numbers it (1: the header)
    column: str  # the header word
    error: DomainError  # its words: texts/errors/catalogue/


@dataclass
class CatalogueReport:
    rows: int = 0
    items: int = 0
    leaves: int = 0
    depth: int = 0
    problems: list[Problem] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # codes the current catalogue lacks
    removed: list[str] = field(default_factory=list)  # codes of the current one not here
    renamed: list[str] = field(default_factory=list)
    held_missing: int = 0  # experts' specialty codes this catalogue does not have
    version: int | None = None  # once stored


@dataclass(frozen=True)
class LoadedVersion:
    """A loaded version as the administrator's list shows it (without its items)."""

    id: int
    name: str
    filename: str | None
    items: int
    created_at: datetime
    created_by: int | None  # the administrator (person id)


def _columns(header: list[str]) -> tuple[dict[str, int], list[Problem]]:
    found: dict[str, int] = {}
    for index, word in enumerate(header):
        for key, words in COLUMNS.items():
            if word.strip().lower() in words and key not in found:
                found[key] = index
    missing = [Problem(1, COLUMNS[k][0], BadInput("catalogue.missing_column",
                                                  column=COLUMNS[k][0]))
               for k in REQUIRED if k not in found]
    return found, missing


def check(raw: bytes, filename: str) -> tuple[Catalogue | None, CatalogueReport]:
    """The catalogue in the file, or None with every problem (row and column)."""
    table = read_table(raw, filename, ROWS_MAX)
    report = CatalogueReport(rows=len(table.rows))
    at, report.problems = _columns(table.header)
    if report.problems:
        return None, report
    word = {k: COLUMNS[k][0] for k in COLUMNS}
    rows: dict[str, tuple[int, str, str | None, int, str | None]] = {}
    problems = report.problems

    def cell(values: list[str], key: str) -> str:
        index = at.get(key)
        return values[index].strip() if index is not None and index < len(values) else ""

    for number, values in table.rows:
        code, name, parent = cell(values, "code"), cell(values, "name"), cell(values, "parent")
        if not CODE.match(code):
            problems.append(Problem(number, word["code"], BadInput("catalogue.code", code=code)))
            continue
        if code in rows:
            problems.append(Problem(number, word["code"], BadInput(
                "catalogue.duplicate", code=code, first=rows[code][0])))
            continue
        if not name or len(name) > NAME_MAX:
            problems.append(Problem(number, word["name"], BadInput("catalogue.name",
                                                                  limit=NAME_MAX)))
        level_text = cell(values, "level")
        if not level_text.isdigit() or int(level_text) > 9:
            problems.append(Problem(number, word["level"], BadInput("catalogue.level",
                                                                   value=level_text)))
            level_text = "-1"
        rows[code] = (number, name, parent or None, int(level_text),
                      cell(values, "industry") or None)
    tops = {level for _, _, parent, level, _ in rows.values() if parent is None}
    for number, _, up, level, _ in rows.values():
        if up is None:
            if len(tops) > 1 and level != min(tops):
                problems.append(Problem(number, word["level"], BadInput(
                    "catalogue.top_level", level=level, expected=min(tops))))
        elif up not in rows:
            problems.append(Problem(number, word["parent"], BadInput(
                "catalogue.parent_unknown", parent=up)))
        elif level >= 0 and rows[up][3] >= 0 and level != rows[up][3] + 1:
            problems.append(Problem(number, word["level"], BadInput(
                "catalogue.level_mismatch", level=level, parent=up,
                expected=rows[up][3] + 1)))
    if not rows and not problems:
        problems.append(Problem(2, word["code"], BadInput("catalogue.no_items")))
    if problems:
        problems.sort(key=lambda p: p.row)
        return None, report
    built = Catalogue([Specialty(c, n, lv, p, ind) for c, (_, n, p, lv, ind) in rows.items()])
    report.items, report.leaves = len(built.items), len(built.leaves())
    report.depth = max(s.level for s in built.items.values())
    return built, report


async def compare(built: Catalogue, report: CatalogueReport) -> None:
    """What changes against the current catalogue, and which experts' codes it lacks."""
    now = catalogue()
    report.added = sorted(set(built.items) - set(now.items))
    report.removed = sorted(set(now.items) - set(built.items))
    report.renamed = sorted(c for c in set(built.items) & set(now.items)
                            if built.items[c].name != now.items[c].name)
    held = set(await ExpertSpecialty.all().distinct().values_list("code", flat=True))
    report.held_missing = len({str(c) for c in held} - set(built.items))


async def _make_current(version: int) -> None:
    await CatalogueVersion.filter(current=True).exclude(id=version).update(current=False)
    await CatalogueVersion.filter(id=version).update(current=True)


class CatalogueImports:
    """A province's own catalogue loaded as a version, and made current (the part
    `catalogue_import` of Reference)."""

    @staticmethod
    async def loaded_versions() -> list[LoadedVersion]:
        """Every loaded version, newest first."""
        rows = await CatalogueVersion.all().order_by("-id").values(
            "id", "name", "filename", "item_count", "created_at", "created_by")
        return [LoadedVersion(r["id"], r["name"], r["filename"], r["item_count"],
                              r["created_at"], r["created_by"]) for r in rows]

    @staticmethod
    async def import_catalogue(raw: bytes, filename: str, name: str, now: datetime,
                               actor: int | None, dry_run: bool = False,
                               make_current: bool = False) -> CatalogueReport:
        """Check the file; unless `dry_run` or a row is refused, store it as a new version (and
        make it current when asked)."""
        built, report = check(raw, filename)
        if built is None:
            return report
        await compare(built, report)
        if dry_run:
            return report
        name = name.strip()[:NAME_MAX] or filename[:NAME_MAX]
        async with in_transaction():
            row = await CatalogueVersion.create(
                name=name, filename=filename[:128], items=built.as_rows(),
                item_count=len(built.items), created_at=now, created_by=actor)
            if make_current:
                await _make_current(row.id)
        report.version = row.id
        await load_catalogues()
        return report

    @staticmethod
    async def make_current(version: int) -> None:
        """This version is what new applications and conditions use from now on (those made
        before keep theirs)."""
        if not await CatalogueVersion.exists(id=version):
            raise NotFound("catalogue.not_found")
        async with in_transaction():
            await _make_current(version)
        await load_catalogues()
