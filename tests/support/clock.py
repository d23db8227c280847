"""The clock the service under test reads (services/common/clock.py), moved by hand: no test
waits for the wall clock to pass a deadline or to start a fresh minute."""

from __future__ import annotations

import time

from services.common.clock import Clock


class MovedClock(Clock):
    """The system's time plus an offset the test sets."""

    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        """Time passes: `seconds` more."""
        self.offset += seconds

    def early_in_a_minute(self, room: float = 40.0) -> None:
        """Unless at least `room` seconds of the current minute are left, on to the first
        second of the next minute: counts per minute then start and end in one."""
        second = self.time() % 60
        if 60 - second < room:
            self.advance(61 - second)

    def clear_of_china_midnight(self, before: float = 600, after: float = 2400) -> None:
        """Unless China's time of day is at least `after` s past midnight and `before` s
        short of the next, an hour on: a scene set for "today" (a gathering half an hour
        ago, the day's list read a moment later) then falls within one China day, whatever
        the hour the test runs at."""
        of_day = (self.time() + 8 * 3600) % 86400
        if of_day < after or of_day > 86400 - before:
            self.advance(3600)
