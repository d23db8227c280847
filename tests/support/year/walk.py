"""The walk: every event of the plan and every job of every day, in the order of their China
moments on the year's clock; a month's record opened as its first moment comes; the table of
what ran and what broke."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from models.people import Role, RoleGrant
from services.common.clock import CHINA
from tests.support.draw_world import make_experts
from tests.support.year import money
from tests.support.year.cron import RELAY, Job, day_jobs, run_job
from tests.support.year.plan import Event, Plan, Step
from tests.support.year.renewal import handler_until
from tests.support.year.world import Month, Year

EXPERTS = 12


async def walk(year: Year, first: date, months: int, periods: tuple[int, int],
               load_2027: bool = True, daily: bool = False) -> list[Month]:
    """`months` months from `first` (a month's first day), on the year's clock; `periods`:
    the retention's in days (after deregistration, the logs'); `daily`: a draw every
    working day besides the month's own."""
    start = year.begin(datetime.combine(first, datetime.min.time(), CHINA) + timedelta(hours=7))
    # the demo world is dated by the day it was loaded (the suite's real day): a walk that
    # begins before it links the demo handler from its own first day
    await RoleGrant.filter(role=Role.AGENCY_HANDLER, valid_from__gt=start).update(
        valid_from=start)
    year.months.append(Month(first))
    year.experts = await make_experts(year.client, EXPERTS)
    await money.standard(year)
    plan = Plan(year, first, months, periods, load_2027, daily,
                await handler_until(year))
    timeline = list(plan.events)
    day = first
    while datetime.combine(day, datetime.min.time(), CHINA) < plan.end:
        for at, name, job in day_jobs():
            moment = datetime.combine(day, at, CHINA)
            timeline.append(Event(moment, 0, f"job {name}", _job(year, name, job)))
        day += timedelta(days=1)
    for event in sorted(timeline):
        year.at(event.at)
        month = event.at.astimezone(CHINA).date().replace(day=1)
        if month != year.month.first:
            year.months.append(Month(month))
        try:
            await event.step()
        except Exception as exc:  # what broke is written down; the year goes on
            year.broke(f"{event.at:%Y-%m-%d %H:%M} {event.name}: {type(exc).__name__}: {exc}"
                       [:240])
        if not event.name.startswith("job "):
            await run_job(year, *RELAY)
    return year.months


def _job(year: Year, name: str, job: Job) -> Step:
    async def run() -> None:
        await run_job(year, name, job)
    return run


def table(months: list[Month]) -> str:
    """month | what ran (counts) | what broke, as markdown."""
    lines = ["| month | what ran | what broke |", "|---|---|---|"]
    for m in months:
        ran = ", ".join(f"{k} {v}" for k, v in m.ran.items() if v) or "—"
        broke = "; ".join(m.broke) or "nothing"
        notes = f" ({'; '.join(m.notes)})" if m.notes else ""
        lines.append(f"| {m.first:%Y-%m} | {ran}{notes} | {broke} |")
    return "\n".join(lines)
