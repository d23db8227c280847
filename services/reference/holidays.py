"""The holiday calendar the administrator keeps: the days that break the week's rule (Monday
to Friday work), each a day off (放假) or a make-up working day on a weekend (调休上班).
A year the table holds nothing of is the national calendar when one is known here (2026:
国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04, also seeded by migration 0045); the
administrator's first change to such a year copies it into the table first. The administrator
adds and removes days or imports a CSV for another year. Working days (the performance
records' deadline, 财库〔2016〕198号: 5个工作日) are counted by it."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.transactions import in_transaction

from models import column
from models.performance import CalendarDay
from services.common.errors import BadInput, NotFound

NAME_MAX = 32
IMPORT_MAX = 400  # lines in one CSV: a year's exceptions are a few dozen
OFF_WORDS, WORK_WORDS = ("放假", "休", "休息", "off"), ("上班", "班", "调休上班", "work")
# (first day, last day, off, name): the notice's own dates, 放假 (off) and 上班 (调休); the same
# as migration 0045 seeds, kept here for a year the table holds nothing of (an emptied one)
NATIONAL: dict[int, list[tuple[str, str, bool, str]]] = {2026: [
    ("2026-01-01", "2026-01-03", True, "元旦"),
    ("2026-01-04", "2026-01-04", False, "元旦调休上班"),
    ("2026-02-14", "2026-02-14", False, "春节调休上班"),
    ("2026-02-15", "2026-02-23", True, "春节"),
    ("2026-02-28", "2026-02-28", False, "春节调休上班"),
    ("2026-04-04", "2026-04-06", True, "清明节"),
    ("2026-05-01", "2026-05-05", True, "劳动节"),
    ("2026-05-09", "2026-05-09", False, "劳动节调休上班"),
    ("2026-06-19", "2026-06-21", True, "端午节"),
    ("2026-09-20", "2026-09-20", False, "国庆节调休上班"),
    ("2026-09-25", "2026-09-27", True, "中秋节"),
    ("2026-10-01", "2026-10-07", True, "国庆节"),
    ("2026-10-10", "2026-10-10", False, "国庆节调休上班"),
]}


@dataclass(frozen=True)
class CalendarEntry:
    """One day apart from the week's rule."""

    day: date
    off: bool
    name: str


def national(which: int) -> list[CalendarEntry]:
    """The national calendar's days of the year, in order (none when not known here)."""
    out: list[CalendarEntry] = []
    for first, last, off, name in NATIONAL.get(which, []):
        day = date.fromisoformat(first)
        while day <= date.fromisoformat(last):
            out.append(CalendarEntry(day, off, name))
            day += timedelta(days=1)
    return sorted(out, key=lambda e: e.day)


async def _keep_national(which: int, by: int, now: datetime) -> None:
    """Before the first change to a year the table holds nothing of: its national days
    copied in, so that the change alters one day and not the whole year."""
    if await CalendarDay.filter(day__gte=date(which, 1, 1), day__lte=date(which, 12, 31)
                                ).exists():
        return
    for e in national(which):
        await CalendarDay.create(day=e.day, off=e.off, name=e.name, changed_by=by,
                                 changed_at=now)


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if len(name) > NAME_MAX:
        raise BadInput("holiday.name_too_long", most=NAME_MAX)
    return name


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
        out.append(CalendarEntry(day, kind in OFF_WORDS, _clean_name(cells[2] if len(cells) > 2
                                                                 else "")))
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
    async def exceptions(first: date, last: date) -> dict[date, bool]:
        """The calendar's days between the two, both included: {day: off}."""
        return {e.day: e.off for y in range(first.year, last.year + 1)
                for e in await Holidays.year(y) if first <= e.day <= last}

    @staticmethod
    async def year(which: int) -> list[CalendarEntry]:
        """The year's days in order: the table's, or the national calendar's if it has none."""
        rows = await CalendarDay.filter(day__gte=date(which, 1, 1),
                                        day__lte=date(which, 12, 31)).order_by("day")
        return [CalendarEntry(r.day, r.off, r.name) for r in rows] if rows else national(which)

    @staticmethod
    async def years() -> list[int]:
        """The years the calendar has any day of, in order."""
        return sorted({d.year for d in await column(CalendarDay.all(), "day")} | set(NATIONAL))

    @staticmethod
    async def set_day(day: date, off: bool, name: str, by: int, now: datetime) -> CalendarDay:
        """A day off or a make-up working day, replacing what the calendar said of that day."""
        await _keep_national(day.year, by, now)
        row, _ = await CalendarDay.update_or_create(day=day, defaults={
            "off": off, "name": _clean_name(name), "changed_by": by, "changed_at": now})
        return row

    @staticmethod
    async def remove_day(day: date, by: int, now: datetime) -> None:
        """The day follows the week's rule again."""
        await _keep_national(day.year, by, now)
        if not await CalendarDay.filter(day=day).delete():
            raise NotFound("holiday.not_found", day=f"{day:%Y年%m月%d日}")

    @staticmethod
    async def import_csv(text: str, by: int, now: datetime) -> list[CalendarEntry]:
        """The CSV's days written into the calendar (each replacing that day's entry), all or
        none; the days written."""
        rows = parse_csv(text)
        async with in_transaction():
            for row in rows:
                await Holidays.set_day(row.day, row.off, row.name, by, now)
        return rows
