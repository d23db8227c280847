"""The worker's schedule (config/worker.py `_crons`) on the year's clock: each job function
the schedule would run that day, at its China time, with a job context whose clock is the
year's (services/jobs.py `now_of`). The jobs arq runs every few seconds (the sweeps, the
payments' backstops, the audit chain) run a few times a day: what they do waits for the day
anyway."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import time
from typing import Any

from bot.jobs import relay_outbox
from services import jobs
from tests.support.year.world import Year

Job = Callable[[dict[str, Any]], Awaitable[Any]]
# (China time, name, job): as the worker's cron table runs them in a day
DAILY: list[tuple[time, str, Job]] = [
    (time(0, 5), "anchor_audit", jobs.anchor_audit),
    (time(1, 25), "relatives_yearly", jobs.relatives_yearly),
    (time(3, 20), "enforce_retention", jobs.enforce_retention),
    (time(3, 35), "keep_histories", jobs.keep_histories),
    (time(9, 15), "holiday_missing", jobs.holiday_missing),
]
# the jobs arq runs every few seconds, run here at these times of day
SWEEPS_AT = (time(8, 55), time(17, 30), time(23, 58))
SWEEPS: list[tuple[str, Job]] = [
    ("sweep_draws", jobs.sweep_draws), ("sweep_payouts", jobs.sweep_payouts),
    ("reconcile_payments", jobs.reconcile_payments), ("sweep_exams", jobs.sweep_exams),
    ("chain_audit", jobs.chain_audit), ("relay_outbox", relay_outbox),
]
# the relay, which the worker runs every 2 s and each change nudges: after every event of
# the plan too
RELAY: tuple[str, Job] = ("relay_outbox", relay_outbox)
BILL_AT = time(10, 30)  # the first of the day's bill checks (services/payments BILL_CHECKS)


def day_jobs() -> list[tuple[time, str, Job]]:
    """Every job of a day, in the order of their times."""
    runs = [*DAILY, *((at, name, job) for at in SWEEPS_AT for name, job in SWEEPS)]
    runs.append((BILL_AT, "reconcile_bill", jobs.reconcile_bill))
    return sorted(runs, key=lambda r: r[0])


async def run_job(year: Year, name: str, job: Job) -> None:
    """One job on the year's clock; what it reports counted, a failure written down."""
    try:
        said = await job(year.ctx)
    except Exception as exc:  # a job that fails is what broke, not the end of the year
        year.broke(f"{year.today()} {name}: {type(exc).__name__}: {exc}"[:200])
        return
    if name == "relay_outbox":
        if said:
            year.ran("notifications relayed", int(said))
    elif name == "relatives_yearly" and said:
        year.ran("relatives asked", int(said))
    elif name == "holiday_missing" and said:
        year.ran("holiday reminders", int(said))
    elif name == "enforce_retention":
        year.ran("retention runs")
        removed = sum(int(v) for v in dict(said).values())
        if removed:
            year.ran("retention removed", removed)
    elif name == "reconcile_bill":
        for part in str(said).split("; "):
            if "mismatch" in part or "failed" in part:
                year.broke(f"{year.today()} reconcile_bill: {part}")
        year.ran("bill checks")
