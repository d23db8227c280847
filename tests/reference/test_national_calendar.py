"""The national calendar as data with a source and an end it knows (`HOLIDAY-NOTICE`): 2026
as the State Council's notice gave it, read from the package `chinesecalendar`; a year the
administrator entered from a notice; a year no source knows, which the 政府采购 start refuses
(`CK-198` Art. 14: "抽取评审专家的开始时间原则上不得早于评审活动开始前2个工作日") and the records'
deadline counts Monday to Friday, saying so."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.notifications import Notification
from models.people import Person, phone_is
from services.common.clock import CHINA
from services.draws.facts.law_timing import earliest_day
from services.reference import HolidayReminder
from services.reference.holidays import Holidays
from services.reference.national_calendar import package_days, package_years
from services.standing.conduct import ConductCatalogue, deadline
from web.context import DOMAIN

# HOLIDAY-NOTICE (2026), its own words: (first, last, off, holiday)
NOTICE_2026 = [
    ("2026-01-01", "2026-01-03", True, "元旦"),  # 1月1日（周四）至3日（周六）放假调休
    ("2026-01-04", "2026-01-04", False, "元旦"),  # 1月4日（周日）上班
    ("2026-02-14", "2026-02-14", False, "春节"),  # 2月14日（周六）……上班
    ("2026-02-15", "2026-02-23", True, "春节"),  # 2月15日……至23日……放假调休，共9天
    ("2026-02-28", "2026-02-28", False, "春节"),  # 2月28日（周六）上班
    ("2026-04-04", "2026-04-06", True, "清明"),  # 4月4日（周六）至6日（周一）放假
    ("2026-05-01", "2026-05-05", True, "劳动节"),  # 5月1日（周五）至5日（周二）放假调休
    ("2026-05-09", "2026-05-09", False, "劳动节"),  # 5月9日（周六）上班
    ("2026-06-19", "2026-06-21", True, "端午"),  # 6月19日（周五）至21日（周日）放假
    ("2026-09-20", "2026-09-20", False, "国庆节"),  # 9月20日（周日）……上班
    ("2026-09-25", "2026-09-27", True, "中秋"),  # 9月25日（周五）至27日（周日）放假
    ("2026-10-01", "2026-10-07", True, "国庆节"),  # 10月1日（周四）至7日（周三）放假调休
    ("2026-10-10", "2026-10-10", False, "国庆节"),  # 10月10日（周六）上班
]


def _days(table: list[tuple[str, str, bool, str]]) -> dict[date, tuple[bool, str]]:
    out = {}
    for first, last, off, name in table:
        day = date.fromisoformat(first)
        while day <= date.fromisoformat(last):
            out[day] = (off, name if off else f"{name}调休上班")
            day += timedelta(days=1)
    return out


def test_the_package_holds_2026_as_the_notice_gave_it() -> None:
    assert {e.day: (e.off, e.name) for e in package_days(2026)} == _days(NOTICE_2026)


async def test_a_year_the_package_does_not_hold_is_unknown_not_monday_to_friday() -> None:
    after = max(package_years()) + 1
    assert package_days(after) == [] and after not in package_years()
    # from 1 November the next year is asked for; before it, not yet
    def noon(day: date) -> datetime:  # China's noon
        return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)

    assert await Holidays.missing_next(noon(date(after - 1, 11, 1)), package_years()) == after
    assert await Holidays.missing_next(noon(date(after - 1, 10, 31)), package_years()) is None
    assert await Holidays.missing_next(noon(date(after - 2, 11, 1)), package_years()) is None


# the evaluation's day -> the first day its 政府采购 draw may start (CK-198 Art. 14)
GOLDEN_2026 = [
    (date(2026, 10, 8), date(2026, 9, 29)),  # after 国庆节: from 09-29
    (date(2026, 10, 12), date(2026, 10, 9)),  # Saturday 10-10 is a 调休 working day
    (date(2026, 2, 24), date(2026, 2, 13)),  # after 春节, Saturday 02-14 works
]


async def test_2026_counts_by_the_notice_through_the_service(client: TestClient) -> None:
    for evaluation, first in GOLDEN_2026:
        span = await Holidays.span(evaluation - timedelta(days=40), evaluation)
        assert span.missing == ()
        assert earliest_day(evaluation, span.days) == first, evaluation


async def test_a_year_entered_from_a_notice_counts_by_it_and_a_centre_change_beside_it(
        client: TestClient) -> None:
    year = max(package_years()) + 1
    now = datetime(year - 1, 11, 20, 9, tzinfo=CHINA)
    assert (await Holidays.span(date(year, 1, 1), date(year, 1, 10))).missing == (year,)
    assert await Holidays.missing_next(now) == year
    # an invented notice for a year to come: 1–3 January off, the Sunday after worked
    first = date(year, 1, 1)
    after = first + timedelta(days=3)
    sunday = after + timedelta(days=(6 - after.weekday()) % 7)
    lines = [f"{first + timedelta(days=n)},放假,元旦" for n in range(3)]
    lines.append(f"{sunday},上班,元旦调休上班")
    await Holidays.import_notice("国办发明电〔测试〕1号", date(year - 1, 11, 10),
                                 "\n".join(lines), by=1, now=now)
    assert await Holidays.missing_next(now) is None
    got = await Holidays.year(year)
    assert got.source is not None and got.source.document == "国办发明电〔测试〕1号"
    span = await Holidays.span(first, first + timedelta(days=20))
    assert span.missing == () and span.days[sunday] is False and span.days[first] is True
    # the centre's own change, with who and why, laid over the notice
    await Holidays.set_day(sunday, True, "本地", "本市停工", by=7, now=now)
    changed = await Holidays.year(year)
    assert [(c.day, c.off, c.reason, c.by) for c in changed.changes] == [
        (sunday, True, "本市停工", 7)]
    assert (await Holidays.span(sunday, sunday)).days[sunday] is True
    await Holidays.remove_day(sunday)
    assert (await Holidays.span(sunday, sunday)).days[sunday] is False


async def test_a_deadline_into_an_unknown_year_counts_monday_to_friday_and_says_which(
        client: TestClient) -> None:
    year = max(package_years()) + 1
    ended = datetime(year - 1, 12, 30, 18, tzinfo=CHINA)
    due = await ConductCatalogue.due(ended, 5)
    assert due == deadline(ended, 5, {})  # Monday to Friday, past the known year's end
    assert await ConductCatalogue.guessed_years(ended, due) == (year,)
    inside = datetime(year - 1, 6, 1, 18, tzinfo=CHINA)
    assert await ConductCatalogue.guessed_years(inside, await ConductCatalogue.due(inside, 5)
                                                ) == ()


async def test_from_november_the_administrators_are_told_once_a_day_until_it_is_entered(
        client: TestClient, demo: dict) -> None:
    outbox = client.app[DOMAIN].outbox
    year = max(package_years()) + 1
    october = datetime(year - 1, 10, 31, 9, 15, tzinfo=CHINA)
    assert await HolidayReminder(outbox).remind(october) == 0
    november = datetime(year - 1, 11, 2, 9, 15, tzinfo=CHINA)
    told = await HolidayReminder(outbox).remind(november)
    assert told >= 1
    sent = await Notification.filter(kind="holiday.missing")
    admin = await Person.get(phone_is(demo["admin"].phone))
    assert admin.id in {n.person_id for n in sent}
    assert all(n.params["year"] == year for n in sent)
    await HolidayReminder(outbox).remind(november + timedelta(hours=3))  # the same day: once
    assert await Notification.filter(kind="holiday.missing").count() == len(sent)
    await HolidayReminder(outbox).remind(november + timedelta(days=1))  # the next day: again
    assert await Notification.filter(kind="holiday.missing").count() == 2 * len(sent)
    await Holidays.import_notice("国办发明电〔测试〕1号", date(year - 1, 11, 10),
                                 f"{year}-01-01,放假,元旦", by=1, now=november)
    assert await HolidayReminder(outbox).remind(november + timedelta(days=2)) == 0
