"""The worker's periodic jobs run when arq itself would run them: each job's next run,
computed by config/cron_times.py, equals arq's `next_cron` from many moments of the year,
in China time, at the turn of a month, a year and a leap day."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from arq.cron import cron, next_cron

from config.cron_times import QuickCronJob, quick
from config.worker import CRON_TIMEZONE, cron_jobs


async def _noop(ctx: dict) -> None:
    return None


def _moments() -> list[datetime]:
    rng = random.Random(46)
    start = datetime(2026, 1, 1, tzinfo=CRON_TIMEZONE)
    edges = [datetime(2027, 12, 31, 23, 59, 59, 999_999, tzinfo=CRON_TIMEZONE),
             datetime(2028, 2, 28, 23, 59, 58, tzinfo=CRON_TIMEZONE),
             datetime(2026, 11, 30, 23, 59, 59, 500_000, tzinfo=CRON_TIMEZONE)]
    return edges + [start + timedelta(seconds=rng.uniform(0, 3 * 365 * 86400))
                    for _ in range(60)]


def _arq(job: QuickCronJob, moment: datetime) -> datetime:
    return next_cron(moment, month=job.month, day=job.day, weekday=job.weekday,
                     hour=job.hour, minute=job.minute, second=job.second,
                     microsecond=job.microsecond)


def test_every_periodic_job_runs_when_arq_would_run_it() -> None:
    jobs = cron_jobs()
    assert jobs and all(isinstance(job, QuickCronJob) for job in jobs)
    for job in jobs:
        for moment in _moments():
            job.calculate_next(moment)
            assert job.next_run == _arq(job, moment), (job.name, moment)


def test_months_days_and_weekdays_step_as_arq_steps() -> None:
    shapes = [dict(month={2, 12}, day={29, 31}, hour={23}, minute={59}, second={59}),
              dict(weekday="sun", hour={3}, minute={20}),
              dict(weekday={0, 4}, minute=set(range(0, 60, 7)), second=None),
              dict(day=1, hour=0, minute=0, microsecond=0)]
    for shape in shapes:
        job = quick(cron(_noop, name="shape", **shape))  # type: ignore[arg-type]
        for moment in _moments()[:40]:
            job.calculate_next(moment)
            assert job.next_run == _arq(job, moment), (shape, moment)
