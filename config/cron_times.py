"""arq's cron schedule, computed without its per-step copying.

arq's `next_cron` walks forward field by field and, on every step, copies all of a job's
options with `dataclasses.asdict` (the sets of seconds included): a nightly job takes a
hundred steps, and each worker that starts computes every job's next run (a few ms each,
on every start). `QuickCronJob` takes the same steps over options read once; its results
equal arq's own (tests/house/test_cron_times.py compares them)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

from arq.cron import CronJob
from arq.typing import WEEKDAYS

_FIELDS = ("month", "day", "weekday", "hour", "minute", "second", "microsecond")


def _step(dt: datetime, options: tuple[tuple[str, Any], ...],
          microsecond: int) -> datetime | None:
    """The next candidate after `dt` for the first field that does not match (arq's
    `_get_next_dt`), or None when every field matches."""
    for field, wanted in options:
        value = dt.weekday() if field == "weekday" else getattr(dt, field)
        if value == wanted if isinstance(wanted, int) else value in wanted:
            continue
        micro = max(dt.microsecond - microsecond, 0)
        if field == "month":
            if dt.month == 12:
                return datetime(dt.year + 1, 1, 1, tzinfo=dt.tzinfo)
            return datetime(dt.year, dt.month + 1, 1, tzinfo=dt.tzinfo)
        if field in ("day", "weekday"):
            return dt + timedelta(days=1) - timedelta(
                hours=dt.hour, minutes=dt.minute, seconds=dt.second, microseconds=micro)
        if field == "hour":
            return dt + timedelta(hours=1) - timedelta(
                minutes=dt.minute, seconds=dt.second, microseconds=micro)
        if field == "minute":
            return dt + timedelta(minutes=1) - timedelta(seconds=dt.second,
                                                         microseconds=micro)
        if field == "second":
            return dt + timedelta(seconds=1) - timedelta(microseconds=micro)
        return dt + timedelta(microseconds=microsecond - dt.microsecond)
    return None


@dataclasses.dataclass
class QuickCronJob(CronJob):
    """An arq cron job whose next run is computed as arq computes it, only quicker."""

    def calculate_next(self, prev_run: datetime) -> None:
        weekday = self.weekday
        if isinstance(weekday, str):
            weekday = WEEKDAYS.index(weekday.lower())
        values = {**{f: getattr(self, f) for f in _FIELDS}, "weekday": weekday}
        options = tuple((f, values[f]) for f in _FIELDS if values[f] is not None)
        dt = prev_run + timedelta(seconds=1)
        while (following := _step(dt, options, self.microsecond)) is not None:
            dt = following
        self.next_run = dt


def quick(job: CronJob) -> QuickCronJob:
    """`job` as a QuickCronJob (the same fields)."""
    return QuickCronJob(**{f.name: getattr(job, f.name) for f in dataclasses.fields(job)})
