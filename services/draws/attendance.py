"""Attendance (GD-DRAW): reminders before the gathering time, check-in and check-out at the
venue (QR scan or verification code), urging from the gathering time to 30 minutes after
(3 automatic urges and 3 by the agency at most per expert, each by WeChat or SMS; the first
3 of them together also by a call: 系统语音催促最多 3 次), absence after that, arrival
pushes and the agency's dashboard. An urge not yet sent when the expert checks in is not
sent (services/notifications/checks.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from tortoise.expressions import F, Q

from models import column
from models.draws import (
    DrawActivity,
    DrawStatus,
    Invitation,
    InvitationStatus,
    Notice,
)
from models.people import Person
from services.common.clock import CHINA, china_time
from services.common.errors import ClosedWindow, Conflict, DomainError, Locked, NotFound
from services.common.scenes import CheckinScene
from services.draws.family import family, open_places, root_of, serving
from services.draws.notices import answer_params, invitation_params, notice_of
from services.draws.oplog import SYSTEM, Actor, record
from services.draws.seal import check_sealed, require_unsealed
from services.draws.setup import DrawSetup, notify_agency
from services.notifications.outbox import Outbox

URGE_WINDOW = timedelta(minutes=30)
MAX_URGES = 3  # the automatic urges of one expert; also the calls (系统语音催促最多 3 次)
MAX_MANUAL_URGES = 3  # the agency's own urges of one expert, counted apart
URGE_GAP = timedelta(minutes=3)  # between two urges of one expert by the same side
REMINDER_GRACE = timedelta(minutes=30)  # a reminder missed by more than this is skipped
CHECKIN_OPENS = timedelta(hours=2)  # the venue code works from 2 h before gathering
CHECKOUT_UNTIL = timedelta(hours=2)  # ... to 2 h after the evaluation's expected end
LIVE = (DrawStatus.DRAWING, DrawStatus.PAUSED, DrawStatus.ENDED)


@dataclass(frozen=True)
class CheckResult:
    action: Literal["in", "out", "again"]
    invitation: Invitation
    arrived: int
    expected: int


@dataclass(frozen=True)
class Roster:
    """Arrivals as counts, and (once the results unseal) who: names, never phones."""

    arrived: int
    expected: int
    experts: list[tuple[Invitation, str]]


class Attendance:
    def __init__(self, outbox: Outbox, setup: DrawSetup, reminders: list[int],
                 urges: list[int], answer_link: Callable[[int], str] | None = None) -> None:
        self.outbox = outbox
        self.setup = setup
        self.answer_link = answer_link  # the invitation's page, carried by reminders
        self.reminders = sorted({timedelta(minutes=m) for m in reminders}, reverse=True)
        self.urge_at = sorted(timedelta(minutes=m) for m in urges)

    # -- reminders -------------------------------------------------------------------------
    async def remind(self, now: datetime) -> int:
        """Reminders due now (the day before and 2 hours before, by default). The gathering
        time is part of each reminder's key, so a changed time gets its own reminders."""
        sent = 0
        horizon = now + max(self.reminders, default=timedelta(0))
        for notice in await Notice.filter(gather_at__gt=now, gather_at__lte=horizon,
                                          activity__status__in=list(LIVE)):
            for offset in self.reminders:
                due = notice.gather_at - offset
                if not due <= now < due + REMINDER_GRACE:
                    continue
                for item in await Invitation.filter(condition__notice_id=notice.id,
                                                    status=InvitationStatus.CONFIRMED):
                    key = f"remind:{item.id}:{int(offset.total_seconds())}:" \
                          f"{int(notice.gather_at.timestamp())}"
                    async with self.outbox.change(now) as change:
                        made = await change.notify("draw.reminder", {
                            **invitation_params(notice, item, 0), "code": item.code or "",
                            "when": "明天" if offset >= timedelta(hours=12)
                            else f"{int(offset.total_seconds() // 3600) or 1}小时后",
                            **answer_params(self.answer_link, item.id)},
                            person_id=item.person_id, dedupe_key=key)
                    sent += made is not None
        return sent

    async def reschedule(self, activity: DrawActivity, notice_id: int, gather_at: datetime,
                         now: datetime, actor: Actor) -> Notice:
        """A new gathering time (before the start, or while paused): the confirmed experts
        hear of it at once, and their reminders follow the new time."""
        notice = await self.setup.change_gathering_time(activity, notice_id, gather_at)
        await record(activity, actor, "gathering", now, notice=notice.id,
                     gather_at=gather_at.isoformat())
        await self.gathering_changed(notice, now)
        return notice

    async def gathering_changed(self, notice: Notice, now: datetime) -> int:
        """A new gathering time is pushed at once to every confirmed expert of the notice."""
        count = 0
        async with self.outbox.change(now) as change:
            for item in await Invitation.filter(condition__notice_id=notice.id,
                                                status=InvitationStatus.CONFIRMED):
                await change.notify("draw.gathering_changed", invitation_params(
                    notice, item, 0), person_id=item.person_id)
                count += 1
        return count

    # -- check-in --------------------------------------------------------------------------
    @staticmethod
    async def window(activity: DrawActivity) -> tuple[datetime, datetime]:
        """When the venue code works: 2 h before the earliest gathering to 2 h after the
        evaluation's expected end."""
        times = await column(Notice.filter(activity_id__in=await family(activity)), "gather_at")
        first = min(times, default=activity.eval_start)
        return first - CHECKIN_OPENS, activity.eval_end + CHECKOUT_UNTIL

    async def checkin_scene(self, activity: DrawActivity, now: datetime
                            ) -> tuple[CheckinScene, datetime, datetime]:
        """The venue QR code's scene and when it works; none once the evaluation is over."""
        opens, closes = await self.window(activity)
        if now > closes:
            raise ClosedWindow("checkin.qr_over")
        return CheckinScene(activity.id, int(closes.timestamp())), opens, closes

    async def checkin(self, activity_id: int, person_id: int, now: datetime,
                    code: str | None = None) -> CheckResult:
        """Check a confirmed expert of the evaluation (its draw or a supplementary one) in, or
        out on a later scan."""
        found = await DrawActivity.get_or_none(id=activity_id)
        if found is None:
            raise NotFound("checkin.no_evaluation")
        activity = await root_of(found)
        if activity.status not in LIVE:
            raise NotFound("checkin.no_evaluation")
        if activity.on_site and activity.finished_at is not None:
            raise ClosedWindow("checkin.finished", at=activity.finished_at)
        opens, closes = await self.window(activity)
        if not opens <= now <= closes:
            raise ClosedWindow("checkin.window", opens=opens, closes=closes)
        query = Invitation.filter(activity_id__in=await family(activity), person_id=person_id,
                                  status=InvitationStatus.CONFIRMED)
        if code is not None:
            query = query.filter(code=code)
        item = await query.first()
        if item is None:
            raise NotFound("checkin.not_confirmed")
        action: Literal["in", "out", "again"] = "again"
        if item.checkin_at is None:
            item.checkin_at, action = now, "in"
        elif item.checkout_at is None and now - item.checkin_at >= timedelta(minutes=10):
            item.checkout_at, action = now, "out"
        await item.save(update_fields=["checkin_at", "checkout_at"])
        if action == "out" and activity.on_site:
            await self._finish_when_all_left(activity, now)
        arrived, expected = await self.arrivals(activity)
        if action == "in":
            async with self.outbox.change(now) as change:
                await notify_agency(change, activity, "draw.arrival",
                                    progress=f"已到场 {arrived}/{expected}")
        return CheckResult(action, item, arrived, expected)

    @staticmethod
    async def _finish_when_all_left(activity: DrawActivity, now: datetime) -> None:
        """进场项目 (GD-DRAW): "需对应的进场场所完成专家进出场登记以结束项目" — the
        evaluation is over once every confirmed expert has checked out."""
        if all(i.checkout_at is not None for i in await serving(activity)):
            await DrawActivity.filter(id=activity.id, finished_at=None).update(
                finished_at=now)

    async def checkin_by_code(self, person_id: int, code: str, now: datetime) -> CheckResult:
        """Check in by sending the verification code in chat."""
        item = await Invitation.filter(person_id=person_id, code=code,
                                       status=InvitationStatus.CONFIRMED).order_by("-id").first()
        if item is None:
            raise NotFound("checkin.wrong_code")
        return await self.checkin(item.activity_id, person_id, now,
                                code=code)

    @staticmethod
    async def arrivals(activity: DrawActivity) -> tuple[int, int]:
        """Arrived and expected: the confirmed experts of the whole evaluation."""
        rows = [r.checkin_at for r in await serving(activity)]
        return sum(1 for r in rows if r is not None), len(rows)

    async def roster(self, activity: DrawActivity, now: datetime) -> Roster:
        arrived, expected = await self.arrivals(activity)
        if check_sealed(activity, now):
            return Roster(arrived, expected, [])
        rows = await serving(activity, InvitationStatus.CONFIRMED, InvitationStatus.ABSENT)
        names = dict(await Person.filter(id__in=[r.person_id for r in rows]).values_list(
            "id", "name"))
        return Roster(arrived, expected, [(r, str(names[r.person_id])) for r in rows])

    # -- urging ----------------------------------------------------------------------------
    async def urge_expert(self, activity: DrawActivity, invitation_id: int, now: datetime,
                          actor: Actor) -> Invitation:
        """The agency's urge: once the results unseal, for an expert of this activity."""
        require_unsealed(activity, now)
        if not await Invitation.exists(id=invitation_id,
                                       activity_id__in=await family(activity)):
            raise NotFound("urge.not_in_activity")
        item = await self.urge(invitation_id, now, "代理机构", manual=True)
        await record(activity, actor, "urge", now, invitation=item.id, count=item.manual_urges)
        return item

    async def urge(self, invitation_id: int, now: datetime, by: str, *,
                   manual: bool) -> Invitation:
        """One urge, if the window is open, the expert has not arrived, fewer than 3 were
        made by the same side (the system's automatic ones, or the agency's) and its last
        was over 3 minutes ago — checked in one conditional update, so urges racing cannot
        pass the cap."""
        item = await Invitation.get_or_none(id=invitation_id)
        if item is None or item.status != InvitationStatus.CONFIRMED:
            raise Conflict("urge.not_confirmed")
        if item.checkin_at is not None:
            raise Conflict("urge.arrived")
        notice = await notice_of(item)
        if not notice.gather_at <= now <= notice.gather_at + URGE_WINDOW:
            raise ClosedWindow("urge.window", gather_at=notice.gather_at,
                               minutes=int(URGE_WINDOW.total_seconds() // 60))
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
                **invitation_params(notice, item, 0), "invitation": str(item.id),
                "count": str(made), "by": by,
                # an urge (a call above all) is moot once the urging window has closed
                "expires_iso": (notice.gather_at + URGE_WINDOW).isoformat()},
                person_id=item.person_id,
                # GD-DRAW: 系统语音催促最多 3 次 — the system's calls, whoever asked for them
                without=frozenset({"voice"}) if made > MAX_URGES else frozenset())
        return item

    async def sweep(self, now: datetime) -> Counter[str]:
        """Automatic urges at their times, absence 30 minutes after gathering, and the end
        of evaluations whose expected end has passed ("如填写否，将按照预计评标结束时间结束
        项目"; an on-site one ends then too if its experts never all checked out)."""
        counts: Counter[str] = Counter()
        counts["finished"] = await DrawActivity.filter(
            status=DrawStatus.ENDED, finished_at=None, eval_end__lte=now
        ).exclude(kind="supplement").update(finished_at=F("eval_end"))
        earliest = now - URGE_WINDOW - timedelta(hours=1)
        for notice in await Notice.filter(gather_at__lte=now, gather_at__gte=earliest,
                                          activity__status__in=list(LIVE)):
            late = await Invitation.filter(condition__notice_id=notice.id,
                                           status=InvitationStatus.CONFIRMED, checkin_at=None)
            for item in late:
                if now > notice.gather_at + URGE_WINDOW:
                    await self._absent(item, notice, now)
                    counts["absent"] += 1
                    continue
                slots = [notice.gather_at + o for o in self.urge_at if notice.gather_at + o
                         <= now]
                if slots and (item.last_urge_at is None or item.last_urge_at < slots[-1]):
                    try:
                        urged = await self.urge(item.id, now, "系统", manual=False)
                        await record(urged.activity_id, SYSTEM, "auto_urge", now,
                                     invitation=urged.id, count=urged.urges)
                        counts["urged"] += 1
                    except DomainError:
                        counts["urge_refused"] += 1
        return counts

    async def _absent(self, item: Invitation, notice: Notice, now: datetime) -> None:
        async with self.outbox.change(now) as change:
            if not await Invitation.filter(id=item.id, status=InvitationStatus.CONFIRMED,
                                           checkin_at=None).update(
                    status=InvitationStatus.ABSENT, absence="缺席"):
                return
            activity = await root_of(await DrawActivity.get(id=item.activity_id))
            await record(item.activity_id, SYSTEM, "auto_absence", now, "缺席", invitation=item.id)
            arrived, expected = await self.arrivals(activity)
            await notify_agency(change, activity, "draw.absent",
                                progress=f"已到场 {arrived}/{expected}",
                                gather_at=china_time(notice.gather_at))

    # -- the agency's dashboard ------------------------------------------------------------
    @staticmethod
    async def dashboard(activity_ids: list[int], now: datetime) -> dict[str, int]:
        today = now.astimezone(CHINA).date()
        week_start = today - timedelta(days=today.weekday())
        activities = await DrawActivity.filter(id__in=activity_ids)

        def day(moment: datetime | None) -> date | None:
            return moment.astimezone(CHINA).date() if moment else None

        todays = [a.id for a in activities if day(a.eval_start) == today]
        started = [d for a in activities if (d := day(a.started_at)) is not None]
        # 专家补抽: evaluations still ahead whose absent experts' places wait for a 补抽
        ahead = [a.id for a in activities if a.status == DrawStatus.ENDED
                 and a.kind != "supplement" and a.eval_end > now]
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
