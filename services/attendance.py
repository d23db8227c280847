"""Attendance (seed 004): reminders before the gathering time, check-in and check-out at the
venue (QR scan or verification code), urging from the gathering time to 30 minutes after
(3 urges at most per expert, system and manual together), absence after that, arrival pushes
and the agency's dashboard."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import F, Q

from models.draws import (
    DrawActivity,
    DrawStatus,
    Invitation,
    InvitationStatus,
    Notice,
)
from services.clock import CHINA, china_time
from services.draw_engine import invitation_params, notice_of
from services.draw_setup import notify_agency
from services.identity_rules import RuleError
from services.outbox import Outbox

URGE_WINDOW = timedelta(minutes=30)
MAX_URGES = 3
URGE_GAP = timedelta(minutes=3)  # per expert, whoever urges
REMINDER_GRACE = timedelta(minutes=30)  # a reminder missed by more than this is skipped
CHECKIN_OPENS = timedelta(hours=2)  # the venue code works from 2 h before gathering
CHECKOUT_UNTIL = timedelta(hours=2)  # ... to 2 h after the evaluation's expected end
LIVE = (DrawStatus.DRAWING, DrawStatus.PAUSED, DrawStatus.ENDED)


@dataclass(frozen=True)
class CheckResult:
    action: str  # in / out / again
    invitation: Invitation
    arrived: int
    expected: int


class Attendance:
    def __init__(self, outbox: Outbox, reminders: list[int], urges: list[int]) -> None:
        self.outbox = outbox
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
                            else f"{int(offset.total_seconds() // 3600) or 1}小时后"},
                            person_id=item.person_id, dedupe_key=key)
                    sent += made is not None
        return sent

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
        times = await Notice.filter(activity_id=activity.id).values_list("gather_at", flat=True)
        first = min(times, default=activity.eval_start)
        return first - CHECKIN_OPENS, activity.eval_end + CHECKOUT_UNTIL

    async def check(self, activity_id: int, person_id: int, now: datetime,
                    code: str | None = None) -> CheckResult:
        """Check a confirmed expert of the activity in, or out on a later scan."""
        activity = await DrawActivity.get_or_none(id=activity_id)
        if activity is None or activity.status not in LIVE:
            raise RuleError("这个签到码对应的评标不存在或已取消。")
        opens, closes = await self.window(activity)
        if not opens <= now <= closes:
            raise RuleError(f"签到码仅在 {china_time(opens)} 至 {china_time(closes)} 有效。")
        query = Invitation.filter(activity_id=activity.id, person_id=person_id,
                                  status=InvitationStatus.CONFIRMED)
        if code is not None:
            query = query.filter(code=code)
        item = await query.first()
        if item is None:
            raise RuleError("您不是本场评标确认参加的专家，无需签到。如有疑问请联系现场工作人员。")
        action = "again"
        if item.checkin_at is None:
            item.checkin_at, action = now, "in"
        elif item.checkout_at is None and now - item.checkin_at >= timedelta(minutes=10):
            item.checkout_at, action = now, "out"
        await item.save(update_fields=["checkin_at", "checkout_at"])
        arrived, expected = await self.arrivals(activity.id)
        if action == "in":
            async with self.outbox.change(now) as change:
                await notify_agency(change, activity, "draw.arrival",
                                    progress=f"已到场 {arrived}/{expected}")
        return CheckResult(action, item, arrived, expected)

    async def check_by_code(self, person_id: int, code: str, now: datetime) -> CheckResult:
        """Check in by sending the verification code in chat."""
        item = await Invitation.filter(person_id=person_id, code=code,
                                       status=InvitationStatus.CONFIRMED).order_by("-id").first()
        if item is None:
            raise RuleError("验证码不正确，请核对确认参加时收到的6位验证码。")
        return await self.check(item.activity_id, person_id, now,  # type: ignore[attr-defined]
                                code=code)

    @staticmethod
    async def arrivals(activity_id: int) -> tuple[int, int]:
        rows = await Invitation.filter(activity_id=activity_id,
                                       status=InvitationStatus.CONFIRMED).values_list(
            "checkin_at", flat=True)
        return sum(1 for r in rows if r is not None), len(rows)

    # -- urging ----------------------------------------------------------------------------
    async def urge(self, invitation_id: int, now: datetime, by: str) -> Invitation:
        """One urge, if the window is open, the expert has not arrived, fewer than 3 were
        made and the last one was over 3 minutes ago — checked in one conditional update,
        so a manual and an automatic urge racing cannot both pass the cap."""
        item = await Invitation.get_or_none(id=invitation_id)
        if item is None or item.status != InvitationStatus.CONFIRMED:
            raise RuleError("只能催促确认参加的专家。")
        if item.checkin_at is not None:
            raise RuleError("该专家已签到，无需催促。")
        notice = await notice_of(item)
        if not notice.gather_at <= now <= notice.gather_at + URGE_WINDOW:
            raise RuleError(f"只能在集合时间（{china_time(notice.gather_at)}）起30分钟内催促。")
        updated = await Invitation.filter(
            Q(last_urge_at=None) | Q(last_urge_at__lte=now - URGE_GAP),
            id=item.id, urges__lt=MAX_URGES, checkin_at=None,
        ).update(urges=F("urges") + 1, last_urge_at=now)
        if not updated:
            await item.refresh_from_db()
            if item.urges >= MAX_URGES:
                raise RuleError(f"已催促{MAX_URGES}次（系统与手动合计），不能再催促。")
            raise RuleError("刚刚已催促过，请3分钟后再试。")
        await item.refresh_from_db()
        async with self.outbox.change(now) as change:
            await change.notify("draw.urge", {**invitation_params(notice, item, 0),
                                              "count": str(item.urges), "by": by},
                                person_id=item.person_id)
        return item

    async def sweep(self, now: datetime) -> Counter[str]:
        """Automatic urges at their times, and absence 30 minutes after gathering."""
        counts: Counter[str] = Counter()
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
                        await self.urge(item.id, now, "系统")
                        counts["urged"] += 1
                    except RuleError:
                        counts["urge_refused"] += 1
        return counts

    async def _absent(self, item: Invitation, notice: Notice, now: datetime) -> None:
        async with self.outbox.change(now) as change:
            if not await Invitation.filter(id=item.id, status=InvitationStatus.CONFIRMED,
                                           checkin_at=None).update(
                    status=InvitationStatus.ABSENT, absence="缺席"):
                return
            activity = await DrawActivity.get(id=item.activity_id)  # type: ignore[attr-defined]
            arrived, expected = await self.arrivals(activity.id)
            await notify_agency(change, activity, "draw.absent",
                                progress=f"已到场 {arrived}/{expected}",
                                gather_at=china_time(notice.gather_at))

    # -- the agency's dashboard ------------------------------------------------------------
    @staticmethod
    async def dashboard(activity_ids: list[int], now: datetime) -> dict[str, int]:
        today = now.astimezone(CHINA).date()
        week_start = today - timedelta(days=today.weekday())
        activities = await DrawActivity.filter(id__in=activity_ids)

        def day(moment: datetime | None) -> object:
            return moment.astimezone(CHINA).date() if moment else None

        todays = [a.id for a in activities if day(a.eval_start) == today]
        rows = await Invitation.filter(activity_id__in=todays,
                                       status__in=[InvitationStatus.CONFIRMED,
                                                   InvitationStatus.ABSENT]
                                       ).values_list("checkin_at", flat=True)
        return {
            "today": len(todays),
            "drawing": sum(1 for a in activities if a.status in (DrawStatus.DRAWING,
                                                                 DrawStatus.PAUSED)),
            "finished_today": sum(1 for a in activities if a.status == DrawStatus.ENDED
                                  and day(a.ended_at) == today),
            "this_week": sum(1 for a in activities if a.started_at is not None
                             and week_start <= day(a.started_at) <= today),  # type: ignore[operator]
            "arrived_today": sum(1 for r in rows if r is not None),
            "not_arrived_today": sum(1 for r in rows if r is None),
        }
