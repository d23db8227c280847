"""The calendar the year is walked on, as the bench knows it independently of the service:
2026 from the package's copy of the State Council's notice (`HOLIDAY-NOTICE`), 2027 as the
bench assumes its notice will set it (the notice was not out when this was written: the dates
are the bench's, entered by the administrator as a centre enters a notice). The service is
asked nothing here: its answers are checked against these days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from services.common.clock import CHINA
from services.reference.national_calendar import package_days

if TYPE_CHECKING:
    from tests.support.api import Api, ApiAnswer

NOTICE_2027 = "国办发明电〔演练〕2027号"  # the assumed notice's number, as entered
ASSUMED_2027: list[tuple[str, bool, str]] = [
    ("2027-01-01", True, "元旦"), ("2027-01-02", True, "元旦"), ("2027-01-03", True, "元旦"),
    *((f"2027-02-{d:02d}", True, "春节") for d in range(5, 14)),
    ("2027-02-20", False, "春节调休上班"),  # a 调休 Saturday
    ("2027-04-03", True, "清明节"), ("2027-04-04", True, "清明节"),
    ("2027-04-05", True, "清明节"),
    *((f"2027-05-{d:02d}", True, "劳动节") for d in range(1, 6)),
    ("2027-05-08", False, "劳动节调休上班"),  # a 调休 Saturday
    ("2027-06-09", True, "端午节"), ("2027-09-15", True, "中秋节"),
    ("2027-09-26", False, "国庆节调休上班"),  # a 调休 Sunday
    *((f"2027-10-{d:02d}", True, "国庆节") for d in range(1, 8)),
    ("2027-10-09", False, "国庆节调休上班"),  # a 调休 Saturday
]


def notice_csv() -> str:
    """The assumed 2027 notice as the administrator's import takes it."""
    return "\n".join(f"{day},{'放假' if off else '上班'},{name}" for day, off, name in ASSUMED_2027)


async def enter_2027(api: Api, admin_openid: str) -> ApiAnswer:
    """The administrator enters the assumed 2027 notice in「节假日」, as a centre enters one."""
    admin = await api.login(admin_openid)
    return await api.call("POST", "/admin/holidays/import", admin, {
        "document": NOTICE_2027, "issued_on": "2026-11-20", "csv": notice_csv()})


class Calendar:
    """Working days by the package's 2026 and the assumed 2027."""

    def __init__(self) -> None:
        self.days = {e.day: e.off for e in package_days(2026)}
        self.days.update({date.fromisoformat(d): off for d, off, _ in ASSUMED_2027})

    def working(self, day: date) -> bool:
        return not self.days.get(day, day.weekday() >= 5)

    def legal_moment(self, evaluation: date) -> datetime:
        """00:00 China time of the second working day before the evaluation's day (CK-198
        Art. 14): the earliest moment a 政府采购 draw may start."""
        day, seen = evaluation, 0
        while seen < 2:
            day -= timedelta(days=1)
            seen += self.working(day)
        return datetime.combine(day, time(), CHINA)

    def nth_working_after(self, day: date, n: int) -> date:
        """The n-th working day after `day`."""
        while n:
            day += timedelta(days=1)
            n -= self.working(day)
        return day

    def nth_working_before(self, day: date, n: int) -> date:
        """The n-th working day before `day`."""
        while n:
            day -= timedelta(days=1)
            n -= self.working(day)
        return day

    def before_holiday(self, first: date, last: date) -> date | None:
        """The last working day before the longest holiday (more than a weekend off) that
        begins in [first, last] (that day may be in the month before), or None."""
        starts = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        starts = [d for d in starts if not self.working(d) and self.working(d - timedelta(1))]
        runs = {d: self._off_from(d) for d in starts}
        longest = max(runs, key=lambda d: runs[d], default=None)
        if longest is None or runs[longest] <= 2:
            return None
        return longest - timedelta(days=1)

    def _off_from(self, day: date) -> int:
        run = 0
        while not self.working(day + timedelta(days=run)):
            run += 1
        return run

    def procurement_days(self, first: date, last: date) -> list[date]:
        """The evaluations whose 政府采购 start the year tries in [first, last]: the working
        day after the longest run of days off (a holiday's end), and each working day after
        a 调休 weekend day (the make-up day counts)."""
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        after_off = [d for d in days if self.working(d) and not self.working(d - timedelta(1))]
        picked: set[date] = set()
        if after_off:
            picked.add(max(after_off, key=self._off_before))
        for d in days:
            if d.weekday() >= 5 and self.working(d):
                picked.add(self.nth_working_after(d, 1))
        return sorted(p for p in picked if p <= last)

    def _off_before(self, day: date) -> int:
        run = 0
        while not self.working(day - timedelta(days=run + 1)):
            run += 1
        return run
