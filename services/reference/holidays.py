"""The working-day calendar: the national calendar of a year (services/reference/
national_calendar.py: the package `chinesecalendar`, or the State Council's notice the system
administrator entered) with the centre's own changes kept beside it, each with who made it
and why. A year no source knows is unknown: `span` says which years a count would have to
guess, and each rule decides (the 政府采购 start refuses, a deadline counts Monday to Friday
and says so). Working days: the performance records' deadline (`CK-198`: 5个工作日) and the
earliest start of a 政府采购 draw (`CK-198` Art. 14: 2个工作日)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from tortoise.transactions import in_transaction

from models import column
from models.performance import CalendarDay, CalendarNotice
from services.common.clock import china_today
from services.common.errors import BadInput, NotFound
from services.reference.national_calendar import (
    CalendarEntry,
    Source,
    known_years,
    national,
)

NAME_MAX = 32
REASON_MAX = 100
DOCUMENT_MAX = 64
IMPORT_MAX = 400  # lines in one CSV: a year's exceptions are a few dozen
OFF_WORDS, WORK_WORDS = ("放假", "休", "休息", "off"), ("上班", "班", "调休上班", "work")
WARN_FROM = (11, 1)  # from 1 November the next year's calendar is asked for (the notice is
# published in late October or November: docs/rules-that-are-ours.md)


@dataclass(frozen=True)
class Span:
    """The calendar over some days: {day: off} for every day apart from the week's rule,
    and the years of those days no source knows (counted Monday to Friday if used)."""

    days: dict[date, bool]
    missing: tuple[int, ...]


@dataclass(frozen=True)
class Year:
    """A year as the administrator's page shows it: its source (None: unknown), the national
    days with the centre's changes laid over them, and the changes themselves."""

    year: int
    source: Source | None
    days: list[CalendarEntry]
    changes: list[CalendarEntry]


def _clean(text: str, most: int, code: str) -> str:
    text = " ".join(text.split())
    if len(text) > most:
        raise BadInput(code, most=most)
    return text


def parse_csv(text: str) -> list[CalendarEntry]:
    """Lines of `date,放假|上班[,name]` (2026-10-01,放假,国庆节); a header line and blank
    lines are skipped; a bad line is refused with its number."""
    out: list[CalendarEntry] = []
    lines = list(csv.reader(io.StringIO(text.strip())))
    if len(lines) > IMPORT_MAX:
        raise BadInput("holiday.import_too_long", most=IMPORT_MAX)
    for number, cells in enumerate(lines, start=1):
        cells = [c.strip() for c in cells]
        if not any(cells) or (number == 1 and cells[0] in ("日期", "date")):
            continue
        try:
            day = date.fromisoformat(cells[0].replace("/", "-"))
        except ValueError:
            raise BadInput("holiday.import_line", line=number, text=",".join(cells)) from None
        kind = cells[1] if len(cells) > 1 else ""
        if kind not in OFF_WORDS + WORK_WORDS:
            raise BadInput("holiday.import_line", line=number, text=",".join(cells))
        out.append(CalendarEntry(day, kind in OFF_WORDS, _clean(
            cells[2] if len(cells) > 2 else "", NAME_MAX, "holiday.name_too_long")))
    if not out:
        raise BadInput("holiday.import_empty")
    return out


class Holidays:
    """The working-day calendar (法定节假日 and 调休), which deadlines count by."""

    @staticmethod
    def is_working(day: date, exceptions: dict[date, bool]) -> bool:
        """A working day: the calendar's word for it, else Monday to Friday."""
        off = exceptions.get(day)
        return not off if off is not None else day.weekday() < 5

    @staticmethod
    async def span(first: date, last: date) -> Span:
        """The calendar's days between the two, both included, and the years it cannot
        know."""
        days: dict[date, bool] = {}
        missing: list[int] = []
        for which in range(first.year, last.year + 1):
            got = await national(which)
            if got is None:
                missing.append(which)
            days |= {e.day: e.off for e in got[1] if first <= e.day <= last} if got else {}
        for row in await CalendarDay.filter(day__gte=first, day__lte=last):
            days[row.day] = row.off
        return Span(days, tuple(missing))

    @staticmethod
    async def unknown(first: date, last: date) -> tuple[int, ...]:
        """The years between the two days no source knows."""
        known = set(await known_years())
        return tuple(y for y in range(first.year, last.year + 1) if y not in known)

    @staticmethod
    async def year(which: int) -> Year:
        """The year: its source, its days (the centre's changes laid over the national
        calendar's) and the centre's changes."""
        got = await national(which)
        changes = [CalendarEntry(r.day, r.off, r.name, r.reason, r.changed_by)
                   for r in await CalendarDay.filter(day__gte=date(which, 1, 1),
                                                     day__lte=date(which, 12, 31)).order_by("day")]
        merged = {e.day: e for e in (got[1] if got else [])} | {c.day: c for c in changes}
        return Year(which, got[0] if got else None, sorted(merged.values(), key=lambda e: e.day),
                    changes)

    @staticmethod
    async def years() -> list[int]:
        """The years some source knows, or the centre changed a day of, in order."""
        changed = {d.year for d in await column(CalendarDay.all(), "day")}
        return sorted(set(await known_years()) | changed)

    @staticmethod
    async def missing_next(now: datetime, known: Iterable[int] | None = None) -> int | None:
        """From 1 November (China time): next year, if no source knows its calendar yet
        (`known`: the years the sources know, read when not given)."""
        today = china_today(now)
        if (today.month, today.day) < WARN_FROM:
            return None
        years = set(await known_years() if known is None else known)
        return today.year + 1 if today.year + 1 not in years else None

    @staticmethod
    async def set_day(day: date, off: bool, name: str, reason: str, by: int, now: datetime
                      ) -> CalendarDay:
        """The centre's own change of a day (a day off, or a make-up working day), with why."""
        reason = _clean(reason, REASON_MAX, "holiday.reason_too_long")
        if not reason:
            raise BadInput("holiday.reason_required")
        row, _ = await CalendarDay.update_or_create(day=day, defaults={
            "off": off, "name": _clean(name, NAME_MAX, "holiday.name_too_long"),
            "reason": reason, "changed_by": by, "changed_at": now})
        return row

    @staticmethod
    async def remove_day(day: date) -> None:
        """The centre's change of the day withdrawn: the national calendar's word again."""
        if not await CalendarDay.filter(day=day).delete():
            raise NotFound("holiday.not_found", day=f"{day:%Y年%m月%d日}")

    @staticmethod
    async def import_notice(document: str, issued_on: date, text: str, by: int,
                            now: datetime) -> list[CalendarEntry]:
        """A State Council notice entered: its number, its date and its days (CSV, one year),
        replacing the one entered before for that year; the days entered."""
        document = _clean(document, DOCUMENT_MAX, "holiday.document_too_long")
        if not document:
            raise BadInput("holiday.document_required")
        rows = parse_csv(text)
        if len({r.day.year for r in rows}) > 1:
            raise BadInput("holiday.import_one_year")
        async with in_transaction():
            await CalendarNotice.update_or_create(year=rows[0].day.year, defaults={
                "document": document, "issued_on": issued_on,
                "days": [[r.day.isoformat(), r.off, r.name] for r in rows],
                "imported_by": by, "imported_at": now})
        return rows
