"""What must hold at every month's end, whatever ran in it: no 政府采购 draw started before
its legal moment (CK-198 Art. 14, counted on the bench's calendar, not the service's), no
transfer, retention run or notification left behind by the jobs, money and people as
money.py and people.py check them."""

from __future__ import annotations

from datetime import date, timedelta

from models.audit import RetentionRun
from models.draws import DrawActivity
from models.money.payouts import OPEN, Payout
from models.notifications import Notification, Status
from services.common.clock import CHINA, china_time
from tests.support.year.money import month_agrees
from tests.support.year.people import (
    nothing_kept_past_its_period,
    relatives_asked_in_january,
    sanction_holds,
)
from tests.support.year.world import Year

NEGOTIATED = ("竞争性谈判", "竞争性磋商")  # CK-198 Art. 14 leaves them out


async def no_draw_before_its_moment(year: Year, month: date) -> None:
    """Every 政府采购 draw started (ever) started at or after its legal moment."""
    started = await DrawActivity.filter(started_at__not_isnull=True,
                                        project__kind__startswith="政府采购"
                                        ).prefetch_related("project").order_by("id")
    checked = 0
    for activity in started:
        if activity.project.tender_method in NEGOTIATED:
            continue
        legal = year.calendar.legal_moment(activity.eval_start.astimezone(CHINA).date())
        checked += 1
        if activity.started_at is not None and activity.started_at < legal:
            year.broke(f"{month:%Y-%m} draw {activity.id} started {china_time(activity.started_at)}"
                       f", before {china_time(legal)}")
    year.ran("政府采购 starts checked", checked)


async def no_job_left_behind(year: Year, month: date) -> None:
    """No transfer still open past its 24 hours, no retention run that did not finish, no
    notification queued for more than a day."""
    now = year.now()
    late = await Payout.filter(state__in=list(OPEN), expires_at__lt=now).count()
    if late:
        year.broke(f"{month:%Y-%m} {late} transfer(s) open past their 24 hours")
    unfinished = await RetentionRun.filter(finished_at=None).count()
    if unfinished:
        year.broke(f"{month:%Y-%m} {unfinished} retention run(s) unfinished")
    # due for more than a day by the service's clock (the relay reads the same clock)
    queued = await Notification.filter(status=Status.QUEUED,
                                       next_attempt_at__lt=now - timedelta(days=1)
                                       ).order_by("id")
    if queued:
        year.broke(f"{month:%Y-%m} {len(queued)} notification(s) due for more than a day: "
                   + ", ".join(f"{n.kind} ({n.last_error or 'no error'})" for n in queued[:3]))


async def month_end(year: Year, month: date, retention_days: int, log_days: int) -> None:
    """Every invariant, at the month's last minute."""
    await month_agrees(year, month)
    await no_draw_before_its_moment(year, month)
    await nothing_kept_past_its_period(year, retention_days, log_days)
    await relatives_asked_in_january(year, month)
    await sanction_holds(year)
    await no_job_left_behind(year, month)
