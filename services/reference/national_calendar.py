"""The national holiday calendar, a year at a time: the State Council's notice
(国务院办公厅关于…年部分节假日安排的通知, `HOLIDAY-NOTICE`) as the package `chinesecalendar`
keeps it (a new release each year after the notice), or as the system administrator entered
it for a year the package does not have yet (its document number and date beside it). A year
neither holds is unknown: no rule counts it as Monday to Friday without saying so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import chinese_calendar

from models import column
from models.performance import CalendarNotice

PACKAGE = "chinesecalendar"
MAKE_UP = "调休上班"  # appended to the holiday's name on a make-up working day


@dataclass(frozen=True)
class CalendarEntry:
    """One day apart from the week's rule (Monday to Friday work)."""

    day: date
    off: bool
    name: str
    reason: str = ""  # the centre's own change: why
    by: int | None = None  # the centre's own change: who (None: the national calendar's)


@dataclass(frozen=True)
class Source:
    """Where a year's national calendar comes from."""

    year: int
    package: str  # "chinesecalendar 1.11.0", or "" for a notice entered here
    document: str  # the notice's number, when entered here
    issued_on: date | None


def package_years() -> range:
    """The years the installed package holds the notice of."""
    days = chinese_calendar.holidays
    return range(min(days).year, max(days).year + 1)


def package_days(which: int) -> list[CalendarEntry]:
    """The package's days of the year, in order (none outside `package_years`)."""
    if which not in package_years():
        return []
    out = [CalendarEntry(d, True, chinese_calendar.Holiday(v).chinese)
           for d, v in chinese_calendar.holidays.items() if d.year == which]
    out += [CalendarEntry(d, False, chinese_calendar.Holiday(v).chinese + MAKE_UP)
            for d, v in chinese_calendar.workdays.items() if d.year == which]
    return sorted(out, key=lambda e: e.day)


def notice_days(notice: CalendarNotice) -> list[CalendarEntry]:
    return sorted((CalendarEntry(date.fromisoformat(str(d)), bool(off), str(name))
                   for d, off, name in notice.days), key=lambda e: e.day)


async def national(which: int) -> tuple[Source, list[CalendarEntry]] | None:
    """The year's national calendar and its source; None for a year no source knows. A
    notice the administrator entered comes before the package's copy of it."""
    notice = await CalendarNotice.get_or_none(year=which)
    if notice is not None:
        return (Source(which, "", notice.document, notice.issued_on), notice_days(notice))
    if which in package_years():
        return (Source(which, f"{PACKAGE} {chinese_calendar.__version__}", "", None),
                package_days(which))
    return None


async def known_years() -> list[int]:
    """Every year some source knows, in order."""
    entered = await column(CalendarNotice.all(), "year")
    return sorted(set(package_years()) | {int(y) for y in entered})
