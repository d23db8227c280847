"""The agency reminded before the performance records' deadline (财库〔2016〕198号: "评审活动
结束后5个工作日内……记录评审专家的职责履行情况"): once, on the last working day (by the holiday
calendar) from 09:00 China time, for an ended evaluation with experts not yet recorded."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import services.draws.record.performance as performance
from models.draws import DrawActivity, DrawStatus
from models.notifications import Notification
from services.common.clock import CHINA
from services.draws.facts.family import SUPPLEMENT
from services.draws.facts.oplog import SYSTEM, OperationLog
from services.draws.news.agency_news import notify_agency
from services.notifications import Outbox
from services.standing import ConductCatalogue

REMIND_AT = time(9, 0)  # China time, on the last working day
# ended evaluations looked at: 30 working days (the longest period) fit in 60 calendar days
LOOK_BACK = timedelta(days=60)


def reminder_at(due: datetime) -> datetime:
    """09:00 of the last working day: the deadline is the midnight after it."""
    last_day = (due.astimezone(CHINA) - timedelta(seconds=1)).date()
    return datetime.combine(last_day, REMIND_AT, tzinfo=CHINA)


class PerformanceDue:
    """The agency reminded on the last working day before its records fall due."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    async def remind(self, now: datetime) -> int:
        """Reminders due now: the handler and the agency's legal persons told how many experts
        wait for a record and until when; each evaluation once (its notification's key)."""
        days, sent = await ConductCatalogue.deadline_days(), 0
        ended = [(a, a.finished_at) for a in await DrawActivity.filter(
            status=DrawStatus.ENDED, finished_at__gte=now - LOOK_BACK).exclude(kind=SUPPLEMENT)
            if a.finished_at is not None]
        # every deadline by one reading of the calendar: a province ends thousands in two months
        dues = await ConductCatalogue.deadlines([at for _a, at in ended], days)
        for (activity, _at), due in zip(ended, dues, strict=True):
            if not reminder_at(due) <= now < due:
                continue
            key = f"performance-due:{activity.id}"
            if await Notification.exists(dedupe_key__startswith=key + ":"):
                continue
            rows = (await performance.Performance.sheet(activity, now)).rows
            missing = sum(1 for r in rows if r.record is None)
            if not missing:
                continue
            async with self.outbox.change(now) as change:
                await notify_agency(change, activity, "performance.due", dedupe=key,
                                    count=str(missing), total=str(len(rows)),
                                    last_day=f"{reminder_at(due):%Y年%m月%d日}")
                await OperationLog.record(activity, SYSTEM, "performance_due", now, None,
                                          count=missing)
            sent += 1
        return sent
