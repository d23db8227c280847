"""The agency's 工作台 (GD-DRAW: 今日项目抽取活动数, 当前正在抽取项目数, 今日已完成抽取项目数,
本周项目抽取数据, 专家补抽; today's experts arrived and not arrived)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from models import column
from models.draws import DrawActivity, DrawStatus, Invitation, InvitationStatus
from services.common.clock import CHINA
from services.draws.record.family import open_places
from services.draws.running.seal import check_sealed


async def dashboard(activity_ids: list[int], now: datetime) -> dict[str, int]:
    today = now.astimezone(CHINA).date()
    week_start = today - timedelta(days=today.weekday())
    activities = await DrawActivity.filter(id__in=activity_ids)

    def day(moment: datetime | None) -> date | None:
        return moment.astimezone(CHINA).date() if moment else None

    todays = [a.id for a in activities if day(a.eval_start) == today]
    started = [d for a in activities if (d := day(a.started_at)) is not None]
    # 专家补抽: evaluations still ahead whose absent experts' places wait for a 补抽
    # (only once unsealed: before that it would tell that a phone registered absent was drawn)
    ahead = [a.id for a in activities if a.status == DrawStatus.ENDED
             and a.kind != "supplement" and a.eval_end > now and not check_sealed(a, now)]
    awaiting = len(await open_places(ahead)) if ahead else 0
    rows = await column(Invitation.filter(activity_id__in=todays,
                                   status__in=[InvitationStatus.CONFIRMED,
                                               InvitationStatus.ABSENT]
                                   ), "checkin_at")
    return {
        "today": len(todays),
        "drawing": sum(1 for a in activities if a.status in (DrawStatus.DRAWING,
                                                             DrawStatus.PAUSED)),
        "finished_today": sum(1 for a in activities if a.status == DrawStatus.ENDED
                              and day(a.ended_at) == today),
        "this_week": sum(1 for d in started if week_start <= d <= today),
        "arrived_today": sum(1 for r in rows if r is not None),
        "not_arrived_today": sum(1 for r in rows if r is None),
        "awaiting_supplement": awaiting,
    }
