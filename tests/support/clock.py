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
