"""The agency's 工作台 (GD-DRAW: 今日项目抽取活动数, 当前正在抽取项目数, 今日已完成抽取项目数,
本周项目抽取数据, 专家补抽; today's experts arrived and not arrived), and the administrator's
view of one day's evaluations across agencies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from models import column
from models.draws import Condition, DrawActivity, DrawStatus, Invitation, InvitationStatus, Notice
from models.federated_draws import PeerAsk
from models.people import Agency
from services.common.clock import CHINA
from services.draws.facts.family import open_places
from services.draws.facts.seal import Seal
from services.draws.facts.venue_roles import Venues, mark_roles
from services.draws.news.counts import Counts, Progress
from services.draws.record.results import LENT

DAY_LIMIT = 500  # activities listed for one day


@dataclass(frozen=True)
class DayEvaluation:
    """One evaluation of the day: the activity, its project's and agency's names, its
    counts."""

    activity: DrawActivity
    project: str
    agency: str
    counts: Counts


class Dashboard:
    """The agency's 工作台 and the administrator's day of evaluations."""

    @staticmethod
    async def dashboard(activity_ids: list[int], now: datetime) -> dict[str, Any]:
        today = now.astimezone(CHINA).date()
        week_start = today - timedelta(days=today.weekday())
        activities = await DrawActivity.filter(id__in=activity_ids)

        def day(moment: datetime | None) -> date | None:
            return moment.astimezone(CHINA).date() if moment else None

        # an activity cancelled is no evaluation (the administrator's day leaves it out too)
        todays = [a.id for a in activities if day(a.eval_start) == today
                  and a.status != DrawStatus.CANCELLED]
        started = [d for a in activities if (d := day(a.started_at)) is not None]
        # 专家补抽: evaluations still ahead whose absent experts' places wait for a 补抽
        # (only once unsealed: before that it would tell that a phone registered absent was drawn)
        ahead = [a.id for a in activities if a.status == DrawStatus.ENDED
                 and a.kind != "supplement" and a.eval_end > now and not Seal.check_sealed(a, now)]
        awaiting = len(await open_places(ahead)) if ahead else 0
        rows = await column(Invitation.filter(activity_id__in=todays,
                                       status__in=[InvitationStatus.CONFIRMED,
                                                          InvitationStatus.ABSENT]
                                       ), "checkin_at")
        rows += [at for _, at in await lent_arrivals(todays)]  # another library's, at a 副场
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
            "venues": await venue_arrivals(todays),
        }

    @staticmethod
    async def evaluations_on(day: date) -> list[DayEvaluation]:
        """Every activity whose evaluation starts on this day (China time), but cancelled ones,
        in the order they start."""
        # in UTC, as every stored time (SQLite compares the text: a +08:00 bound would drop the
        # evaluations between 00:00 and 08:00 China time, whose UTC date is the day before)
        start = datetime.combine(day, time(0), CHINA).astimezone(UTC)
        found = await DrawActivity.filter(
            eval_start__gte=start, eval_start__lt=start + timedelta(days=1)).exclude(
            status=DrawStatus.CANCELLED).order_by("eval_start", "id").limit(
            DAY_LIMIT).prefetch_related("project")
        agencies = dict(await Agency.filter(id__in={a.agency_id for a in found}).values_list(
            "id", "name"))
        return [DayEvaluation(a, a.project.name, str(agencies.get(a.agency_id, "")),
                              await Progress.draw_counts(a.id)) for a in found]


async def lent_arrivals(activity_ids: list[int]) -> list[tuple[int, datetime | None]]:
    """The experts other libraries drew for conditions of these activities, as their rosters
    said: (condition, arrival or None) — the day's counts are the whole evaluation's."""
    out: list[tuple[int, datetime | None]] = []
    for ask in await PeerAsk.filter(activity_id__in=activity_ids, status__in=LENT,
                                    release=""):
        for e in ask.experts:
            at = e.get("checkin_at")
            out.append((ask.condition_id, datetime.fromisoformat(at) if isinstance(at, str)
                        and at and e.get("state") != "absent" else None))
    return out


async def venue_arrivals(activity_ids: list[int]) -> list[dict[str, Any]]:
    """Today's experts arrived and not, venue by venue, for the remote evaluations among
    these activities (a 主场 and its 副场, FG-807); none for a single venue's."""
    rows = [*await Invitation.filter(activity_id__in=activity_ids, status__in=[
        InvitationStatus.CONFIRMED, InvitationStatus.ABSENT]).values_list(
        "condition_id", "checkin_at"), *await lent_arrivals(activity_ids)]
    if not rows:
        return []
    conditions = dict(await Condition.filter(id__in={c for c, _at in rows}).values_list(
        "id", "notice_id"))
    notices = {n.id: n for n in await Notice.filter(id__in=set(conditions.values()))}
    await mark_roles(notices.values())
    counts: dict[str, list[int]] = {}
    for condition_id, at in rows:
        notice = notices[conditions[condition_id]]
        if notice.role_word:
            counts.setdefault(Venues.venue_label(notice), [0, 0])[at is None] += 1
    return [{"venue": v, "arrived": a, "not_arrived": n} for v, (a, n) in counts.items()]
