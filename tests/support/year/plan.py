"""The year's events, month by month, each at its China moment: the month's draw, its
evaluation, records and fees; the 政府采购 draws around their legal moments; the sanction,
the expert who leaves, the next year's calendar entered; the month's end."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from models.experts import ExpertProfile
from models.money.payouts import Payout
from services.common.clock import CHINA
from tests.support.year import applicants, courses, draws, money, people, renewal
from tests.support.year.calendar import enter_2027
from tests.support.year.invariants import month_end
from tests.support.year.world import Year

Step = Callable[[], Awaitable[Any]]
LOAD_2027 = date(2026, 12, 29)  # the day the administrator enters the 2027 notice


@dataclass(order=True)
class Event:
    at: datetime
    seq: int
    name: str = field(compare=False)
    step: Step = field(compare=False)


def month_after(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


class Plan:
    """The events of `months` months from `first`; `periods`: the retention's, in days
    (after deregistration, the logs'); `daily`: a draw every working day besides."""

    def __init__(self, year: Year, first: date, months: int, periods: tuple[int, int],
                 load_2027: bool = True, daily: bool = False,
                 handler_until: datetime | None = None) -> None:
        self.year, self.periods = year, periods
        self.events: list[Event] = []
        self.state: dict[date, dict[str, Any]] = {}
        self.batch: dict[str, Any] = {}
        self.renewal: dict[str, Any] = {}
        self.seq, self.daily = 0, daily
        month = first
        for _ in range(months):
            self._month(month)
            month = month_after(month)
        self.end = datetime.combine(month, time(), CHINA)
        start = datetime.combine(first, time(8), CHINA)
        if load_2027:
            self.add(datetime.combine(LOAD_2027, time(9, 30), CHINA), "2027 calendar entered",
                     self._load_2027)
        self.add(datetime.combine(first + timedelta(days=9), time(10), CHINA), "sanction",
                 lambda: people.sanction(year))
        self.add(datetime.combine(first + timedelta(days=19), time(16), CHINA), "leaves",
                 self._leaves)
        self._batch(first)
        if handler_until is not None:
            self._renewal(handler_until)
        self.events = [e for e in self.events if start <= e.at < self.end]

    def add(self, at: datetime, name: str, step: Step) -> None:
        self.seq += 1
        self.events.append(Event(at, self.seq, name, step))

    def _month(self, first: date) -> None:
        year, cal = self.year, self.year.calendar
        last = month_after(first) - timedelta(days=1)
        state = self.state.setdefault(first, {})
        # the evaluation on the last working day before the month's holiday, when it has one
        # (its records' deadline counted across it), else early in the month
        evaluation = cal.before_holiday(first, last) or cal.nth_working_after(
            first + timedelta(days=6), 3)
        drawn = cal.nth_working_before(evaluation, 2)
        after = cal.nth_working_after(evaluation, 1)

        async def draw() -> None:
            state["aid"], state["token"] = await draws.monthly_draw(year, evaluation)

        async def with_draw(then: Callable[..., Awaitable[Any]], *args: Any) -> Any:
            if "aid" in state:
                return await then(year, state["aid"], state["token"], *args)
            return None

        async def held(*_: Any) -> None:
            await with_draw(lambda y, aid, _t: draws.held(y, aid))

        async def send() -> None:
            state["served"] = await with_draw(money.send) or []

        async def confirm() -> None:
            await money.confirmed(year, state.get("served", []))

        self.add(self._at(drawn, 9, 30), "draw", draw)
        self.add(self._at(evaluation, 9, 5), "absence", lambda: with_draw(draws.absence))
        self.add(self._at(evaluation, 15, 5), "evaluation held", held)
        self.add(self._at(after, 10), "performance records", lambda: with_draw(draws.records))
        self.add(self._at(after, 11), "fees funded",
                 lambda: with_draw(money.fees_funded, first.month))
        # December's fees sent at the year's last minutes and confirmed in the new year
        paying = self._at(last, 23, 50) if first.month == 12 else self._at(after, 11, 10)
        self.add(paying, "transfers", send)
        self.add(paying + timedelta(minutes=20), "transfers confirmed", confirm)
        for n in range((last - first).days + 1) if self.daily else ():
            self._daily(first + timedelta(days=n))
        for day in cal.procurement_days(first, last):
            self._procurement(day)
        async def end() -> None:
            await month_end(year, first, *self.periods)
            await applicants.admitted(year, self.batch)
            await applicants.exam_handed_in(year, self.batch)

        # at 23:55: after December's last transfers (23:50), before a draw whose legal
        # moment is the next month's first midnight moves the clock past it (23:58)
        self.add(self._at(last, 23, 55), "month end", end)

    def _renewal(self, ends: datetime) -> None:
        """The handler's link renewed a week before its end, or else just after it."""
        year, state = self.year, self.renewal
        self.add(ends - timedelta(days=7), "link renewed ahead",
                 lambda: renewal.renew(year, state))
        self.add(ends + timedelta(minutes=1), "link renewed",
                 lambda: renewal.renew(year, state))
        self.add(ends + timedelta(minutes=2), "link checked",
                 lambda: renewal.renewed_in_time(year, state, ends))

    def _daily(self, day: date) -> None:
        if self.year.calendar.working(day):
            evaluation = self.year.calendar.nth_working_after(day, 1)
            self.add(self._at(day, 14), "daily draw",
                     lambda: draws.daily_draw(self.year, evaluation))

    def _batch(self, first: date) -> None:
        """The first month's batch: open from its 2nd to its 12th day."""
        year, state = self.year, self.batch
        closes = first + timedelta(days=11)
        self.add(self._at(first + timedelta(days=1), 9), "batch opens",
                 lambda: applicants.opens(year, closes, state))
        self.add(self._at(first + timedelta(days=3), 10), "application",
                 lambda: applicants.applies(year, state))
        self.add(self._at(first + timedelta(days=4), 10), "reviews",
                 lambda: applicants.reviewed(year, state))
        self.add(self._at(closes + timedelta(days=1), 10), "late application",
                 lambda: applicants.late(year, state))
        self.add(self._at(closes + timedelta(days=3), 9), "exam scheduled",
                 lambda: applicants.exam_scheduled(year, state))
        self.add(self._at(closes + timedelta(days=3), 10), "exam started",
                 lambda: applicants.exam_started(year, state))
        course: dict[str, Any] = {}
        self.add(self._at(first + timedelta(days=2), 9), "course opens",
                 lambda: courses.opens(year, course))
        self.add(self._at(first + timedelta(days=8), 20), "course studied",
                 lambda: courses.studied(year, course))
        self.add(self._at(first + timedelta(days=courses.WINDOW_DAYS + 4), 10),
                 "course closed", lambda: courses.closed(year, course))

    @staticmethod
    def _at(day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), CHINA)

    def _procurement(self, evaluation: date) -> None:
        year, legal = self.year, self.year.calendar.legal_moment(evaluation)
        ready = datetime.combine(legal.date() - timedelta(days=2), time(10), CHINA)
        state: dict[str, Any] = {}

        async def prepare() -> None:
            state["aid"], state["token"] = await draws.procurement_prepared(year, evaluation)

        async def at_moment() -> None:
            if "aid" in state:
                await draws.procurement_at_moment(year, state["aid"], state["token"],
                                                  evaluation)

        self.add(ready, f"政府采购 for {evaluation}", prepare)
        self.add(legal - timedelta(minutes=2), f"政府采购 at {legal:%m-%d}", at_moment)

    async def _load_2027(self) -> None:
        entered = await enter_2027(self.year.api, self.year.demo["admin"].mp_openid)
        if entered.status != 200:
            self.year.broke(f"2027 calendar: {entered.message or entered.data}")
            return
        self.year.loaded_2027 = True
        self.year.ran("calendars entered")

    async def _leaves(self) -> None:
        """Someone paid this month (not the suspended expert) leaves."""
        year = self.year
        suspended = year.suspended[0] if year.suspended else 0
        paid = await Payout.filter(state="paid").exclude(person_id=suspended).order_by("id"
                                                                                      ).first()
        profile = await ExpertProfile.get_or_none(
            person_id=paid.person_id if paid else year.experts[1].person_id)
        if profile is not None:
            await people.leaves(year, profile)
