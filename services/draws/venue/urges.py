"""Urging the experts who have not arrived (GD-DRAW: "在专家未进场且在专家集合时间至集合时间后
30 分钟的时间段，才能发起系统语音催促或虚拟通话催促，系统语音催促最多 3 次"), and telling the
agency who has not arrived once that window closes. Absence is never inferred from the
clock: the agency registers it (请假 / 缺席 / 现场回避), and an expert who arrives late checks
in as any other. An urge not yet sent when the expert checks in is not sent
(services/draws/running/moot.py)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import F, Q

from models.draws import DrawActivity, Invitation, InvitationStatus, Notice
from models.notifications import Notification
from services.common.clock import china_time
from services.common.errors import ClosedWindow, Conflict, DomainError, Locked, NotFound
from services.draws.facts.family import Family, arrivals
from services.draws.facts.oplog import SYSTEM, Actor, OperationLog
from services.draws.facts.seal import Seal, require_unsealed
from services.draws.facts.venue_roles import Venues, mark_roles
from services.draws.news.agency_news import notify_agency
from services.draws.news.notices import Notices, answer_params
from services.draws.venue.identity_rule import identity_required
from services.draws.venue.reminders import LIVE, Reminders

URGE_WINDOW = timedelta(minutes=30)
MAX_URGES = 3  # the automatic urges of one expert
MAX_MANUAL_URGES = 3  # the agency's own urges of one expert, counted apart
URGE_GAP = timedelta(minutes=3)  # between two urges of one expert by the same side


async def require_urgeable(item: Invitation | None, now: datetime) -> Notice:
    """GD-DRAW: "在专家未进场且在专家集合时间至集合时间后 30 分钟的时间段，才能发起系统语音催促或
    虚拟通话催促" — a confirmed expert not checked in, inside the window; their notice."""
    if item is None or item.status != InvitationStatus.CONFIRMED:
        raise Conflict("urge.not_confirmed")
    if item.checkin_at is not None:
        raise Conflict("urge.arrived")
    notice = await Notices.notice_of(item)
    if not notice.gather_at <= now <= notice.gather_at + URGE_WINDOW:
        raise ClosedWindow("urge.window", gather_at=notice.gather_at,
                           minutes=int(URGE_WINDOW.total_seconds() // 60))
    return notice


class Urging(Reminders):
    async def urge_expert(self, activity: DrawActivity, invitation_id: int, now: datetime,
                          actor: Actor) -> Invitation:
        """The agency's urge: once the results unseal, for an expert of this activity."""
        require_unsealed(activity, now)
        if not await Invitation.exists(id=invitation_id,
                                       activity_id__in=await Family.family(activity)):
            raise NotFound("urge.not_in_activity")
        item = await self.urge(invitation_id, now, "代理机构", manual=True)
        await OperationLog.record(activity, actor, "urge", now, invitation=item.id,
                                  count=item.manual_urges)
        return item

    async def urge(self, invitation_id: int, now: datetime, by: str, *,
                   manual: bool) -> Invitation:
        """One urge, if the window is open, the expert has not arrived, fewer than 3 were
        made by the same side (the system's automatic ones, or the agency's) and its last
        was over 3 minutes ago — checked in one conditional update, so urges racing cannot
        pass the cap."""
        item = await Invitation.get_or_none(id=invitation_id)
        notice = await require_urgeable(item, now)
        assert item is not None
        count, last, limit = (("manual_urges", "last_manual_urge_at", MAX_MANUAL_URGES)
                              if manual else ("urges", "last_urge_at", MAX_URGES))
        never: dict[str, Any] = {last: None}
        long_ago: dict[str, Any] = {f"{last}__lte": now - URGE_GAP}
        updated = await Invitation.filter(
            Q(**never) | Q(**long_ago),
            id=item.id, checkin_at=None, **{f"{count}__lt": limit},
        ).update(**{count: F(count) + 1, last: now})
        if not updated:
            await item.refresh_from_db()
            if getattr(item, count) >= limit:
                raise Conflict("urge.used_up" if manual else "urge.system_used_up",
                               limit=limit)
            raise Locked("urge.too_soon", minutes=int(URGE_GAP.total_seconds() // 60))
        await item.refresh_from_db()
        made = item.urges + item.manual_urges
        async with self.outbox.change(now) as change:
            await change.notify("draw.urge", {
                **Notices.invitation_params(notice, item, 0), "invitation": str(item.id),
                "count": str(made), "by": by, "code": item.code or "",
                # how to check in, whichever way the urge reaches the expert
                **answer_params(self.answer_link, item.id),
                "identity": "1" if await identity_required(item) else "",
                # an urge (a call above all) is moot once the urging window has closed
                "expires_iso": (notice.gather_at + URGE_WINDOW).isoformat()},
                person_id=item.person_id,
                # GD-DRAW: "可点击系统语音催促…系统语音催促最多 3 次" — the calls are the
                # agency's clicks, one each; the system's own urges are messages only
                without=frozenset() if manual else frozenset({"voice"}))
        return item

    async def sweep(self, now: datetime) -> Counter[str]:
        """The automatic urges at their times (messages only), and once the urging window
        closes, the agency told who has not arrived — never marked absent."""
        counts: Counter[str] = Counter()
        earliest = now - URGE_WINDOW - timedelta(hours=1)
        for notice in await Notice.filter(gather_at__lte=now, gather_at__gte=earliest,
                                          activity__status__in=list(LIVE)):
            late = await Invitation.filter(condition__notice_id=notice.id,
                                           status=InvitationStatus.CONFIRMED, checkin_at=None)
            if not late:
                continue
            if now > notice.gather_at + URGE_WINDOW:
                counts["not_arrived"] += await self._not_arrived(notice, now)
                continue
            slots = [notice.gather_at + o for o in self.urge_at if notice.gather_at + o <= now]
            for item in late:
                if slots and (item.last_urge_at is None or item.last_urge_at < slots[-1]):
                    try:
                        urged = await self.urge(item.id, now, "系统", manual=False)
                        await OperationLog.record(urged.activity_id, SYSTEM, "auto_urge", now,
                                                  invitation=urged.id, count=urged.urges)
                        counts["urged"] += 1
                    except DomainError:
                        counts["urge_refused"] += 1
        return counts

    async def _not_arrived(self, notice: Notice, now: datetime) -> int:
        """The urging window closed with experts of this gathering not checked in: the agency
        is told once, with what it may do (register the absence and 补抽, or wait: a late
        expert still checks in)."""
        key = f"not-arrived:{notice.id}:{int(notice.gather_at.timestamp())}"
        if await Notification.exists(dedupe_key__startswith=key + ":"):
            return 0
        activity = await Family.root_of(await DrawActivity.get(id=notice.activity_id))
        await mark_roles([notice])  # which venue, 主场 / 副场, when there is a 副场
        arrived, expected = await arrivals(activity, now)
        # while sealed, one registered absent counts as not arrived (as arrivals has it)
        late = await Invitation.filter(condition__notice_id=notice.id, checkin_at=None,
                                       status__in=[InvitationStatus.CONFIRMED,
                                                   InvitationStatus.ABSENT] if Seal.check_sealed(
                                           activity, now) else [InvitationStatus.CONFIRMED]
                                       ).count()
        async with self.outbox.change(now) as change:
            await notify_agency(change, activity, "draw.not_arrived", dedupe=key,
                                count=str(late), progress=f"已到场 {arrived}/{expected}",
                                gather_at=china_time(notice.gather_at),
                                venue=Venues.venue_label(notice) if notice.role_word else "")
            await OperationLog.record(activity, SYSTEM, "not_arrived", now, notice=notice.id,
                                      count=late)
        return 1
