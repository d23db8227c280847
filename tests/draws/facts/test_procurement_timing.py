"""When a 政府采购 draw may start (CK-198 Art. 14: "除采用竞争性谈判、竞争性磋商方式采购，以及
异地评审的项目外……抽取评审专家的开始时间原则上不得早于评审活动开始前2个工作日"): counted in working
days on the holiday calendar, from the start of the second working day before the evaluation's
day (docs/rules-that-are-ours.md); the refusal says when it may start."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from models.draws import DrawActivity
from services.common.clock import CHINA, china_time
from services.draws.facts.law_timing import earliest_day
from services.reference.holidays import Holidays
from services.reference.national_calendar import package_days, package_years
from tests.support.api import Api
from tests.support.draw_world import prepared, start_draw
from tests.support.year.calendar import Calendar, enter_2027

CALENDAR_2026 = {e.day: e.off for e in package_days(2026)}  # HOLIDAY-NOTICE
PROCUREMENT = {"kind": "政府采购/货物", "tender_method": "公开招标"}
NEXT = 2027  # the year after the package's last, whose notice the year's walk assumes

# the evaluation's day -> the first day its draw may start, on 2026's national calendar
GOLDEN = [
    (date(2026, 12, 2), date(2026, 11, 30)),  # a Wednesday: from Monday
    (date(2026, 11, 30), date(2026, 11, 26)),  # a Monday: from the Thursday before
    (date(2026, 12, 1), date(2026, 11, 27)),  # a Tuesday: from the Friday before
    (date(2026, 10, 8), date(2026, 9, 29)),  # after 国庆节 (10-01..07 off): from 09-29
    (date(2026, 10, 12), date(2026, 10, 9)),  # Saturday 10-10 is a 调休 working day
    (date(2026, 2, 24), date(2026, 2, 13)),  # after 春节 (02-15..23), Saturday 02-14 works
    (date(2026, 5, 6), date(2026, 4, 29)),  # after 劳动节 (05-01..05 off)
    (date(2026, 1, 5), date(2025, 12, 31)),  # Sunday 01-04 works; 01-01..03 off
]


def test_the_working_days_are_counted_on_the_holiday_calendar() -> None:
    for evaluation, first in GOLDEN:
        assert earliest_day(evaluation, CALENDAR_2026) == first, evaluation


@given(st.dates(date(2025, 1, 1), date(2028, 12, 31)),
       st.dictionaries(st.dates(date(2024, 11, 1), date(2028, 12, 31)), st.booleans(),
                       max_size=60))
def test_two_working_days_lie_between_the_first_day_and_the_evaluation(
        evaluation: date, days_off: dict[date, bool]) -> None:
    first = earliest_day(evaluation, days_off)
    assert Holidays.is_working(first, days_off)
    between = [first + timedelta(days=n) for n in range((evaluation - first).days)]
    assert sum(Holidays.is_working(d, days_off) for d in between) == 2
    assert first < evaluation


def _thursday_ahead(weeks: int = 3) -> datetime:
    """09:00 China time on a Thursday at least `weeks` weeks ahead."""
    day = datetime.now(CHINA).date() + timedelta(weeks=weeks)
    day += timedelta(days=(3 - day.weekday()) % 7)
    return datetime.combine(day, time(9), CHINA)


async def _calendar_through(api: Api, demo: dict, day: date) -> dict[date, bool]:
    """The days off and the 调休 working days up to `day`'s year, as the service will count
    them: a year the package does not hold (2027, from December 2026 on, three weeks ahead)
    entered by the administrator as the year's walk assumes its notice."""
    if day.year not in package_years():
        assert day.year == NEXT, f"the package holds no calendar for {day.year}: ship it"
        entered = await enter_2027(api, demo["admin"].mp_openid)
        assert entered.status == 200, entered.data
    return Calendar().days


async def test_a_procurement_draw_starts_no_earlier_than_the_rule_and_the_refusal_says_when(
        api: Api, demo: dict) -> None:
    evaluation = _thursday_ahead()
    days = await _calendar_through(api, demo, evaluation.date())
    aid, token = await prepared(api, demo, total=1, project_form=PROCUREMENT,
                                eval_in=evaluation - datetime.now(UTC))
    early = await start_draw(api, token, aid)
    first = datetime.combine(earliest_day(evaluation.date(), days), time(0), CHINA)
    assert early.status == 409, early.data
    assert "第十四条" in early.message and f"最早可于 {china_time(first)} 起" in early.message
    assert (await DrawActivity.get(id=aid)).status == "verified"  # nothing started
    # the evaluation brought forward to tomorrow: its second working day before is past
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    await DrawActivity.filter(id=aid).update(eval_start=tomorrow,
                                             eval_end=tomorrow + timedelta(hours=6))
    started = await start_draw(api, token, aid)
    assert started.status == 200, started.data


async def test_negotiation_consultation_and_works_tenders_start_when_they_are_ready(
        api: Api, demo: dict) -> None:
    evaluation = _thursday_ahead()
    for form in ({**PROCUREMENT, "tender_method": "竞争性谈判"},
                 {**PROCUREMENT, "tender_method": "竞争性磋商"}, {}):
        aid, token = await prepared(api, demo, total=1, project_form=form,
                                    eval_in=evaluation - datetime.now(UTC))
        started = await start_draw(api, token, aid)
        assert started.status == 200, (form, started.data)


async def test_a_procurement_draw_in_a_year_no_calendar_knows_is_refused_until_it_is_entered(
        api: Api, demo: dict) -> None:
    """Counting Monday to Friday could let the draw start before the law allows (a 春节 the
    calendar does not know): the start is refused in words until the notice is entered."""
    # a year after the package's last and after this one: its 14 January weeks ahead
    year = max(max(package_years()), datetime.now(CHINA).year) + 1
    first = date(year, 1, 14)
    evaluation = datetime.combine(first + timedelta(days=(3 - first.weekday()) % 7), time(9),
                                  CHINA)
    aid, token = await prepared(api, demo, total=1, project_form=PROCUREMENT,
                                eval_in=evaluation - datetime.now(UTC))
    refused = await start_draw(api, token, aid)
    assert refused.status == 409, refused.data
    assert refused.message.startswith(
        f"{year}年的节假日安排尚未导入，请系统管理员在「节假日」中导入国务院办公厅通知后再开始抽取"
    ), refused.message
    assert (await DrawActivity.get(id=aid)).status == "verified"
    admin = await api.login(demo["admin"].mp_openid)
    entered = await api.call("POST", "/admin/holidays/import", admin, {
        "document": "国办发明电〔测试〕1号", "issued_on": f"{year - 1}-11-10",
        "csv": f"{year}-01-01,放假,元旦"})
    assert entered.status == 200, entered.data
    # now counted: the evaluation is weeks ahead, so the refusal says when it may start
    early = await start_draw(api, token, aid)
    assert early.status == 409 and "最早可于" in early.message, early.message
