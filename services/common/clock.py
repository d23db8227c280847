"""Time in China: the service stores UTC and speaks Beijing time."""

from __future__ import annotations

import time
from calendar import monthrange
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def china_today(now: datetime) -> date:
    return now.astimezone(CHINA).date()


def end_of_china_day(day: date) -> datetime:
    """The first moment after the China day (a date given as "good through" that day)."""
    return datetime.combine(day + timedelta(days=1), time_of_day(), CHINA)


def china_time(moment: datetime) -> str:
    """2026年11月21日 14:30"""
    return f"{moment.astimezone(CHINA):%Y年%m月%d日 %H:%M}"


class Clock:
    """What time it is, for everything that counts or expires by the clock: the windows of
    the send limits, the pages' limits and the SMS budgets, the codes' and locks' deadlines,
    the desks' sessions, the outbox's claims. The service reads the system's; a test hands
    the app one it moves by hand, so that nothing waits for the wall clock."""

    def time(self) -> float:
        """Seconds since the epoch."""
        return time.time()

    def now(self) -> datetime:
        """This moment, aware, in UTC."""
        return datetime.fromtimestamp(self.time(), UTC)


SYSTEM_CLOCK = Clock()

def months_before(moment: datetime, months: int) -> datetime:
    """The same China day and time `months` calendar months earlier (the month's last day
    when it is shorter)."""
    local = moment.astimezone(CHINA)
    index = local.year * 12 + local.month - 1 - months
    year, month = divmod(index, 12)
    day = min(local.day, monthrange(year, month + 1)[1])
    return local.replace(year=year, month=month + 1, day=day)
