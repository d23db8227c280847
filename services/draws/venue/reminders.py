"""Reminders to the confirmed experts before the gathering time, and a changed gathering time
pushed at once (GD-DRAW: the gathering time is what may change while a draw is paused)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from models import column
from models.draws import DrawActivity, DrawStatus, Invitation, InvitationStatus, Notice
from models.notifications import Notification
from services.draws.facts.family import Family
from services.draws.facts.oplog import Actor, OperationLog
from services.draws.facts.venue_roles import mark_roles
from services.draws.news.notices import Notices, answer_params
from services.draws.setup.activities import Activities
from services.draws.venue.identity_rule import identity_required
from services.notifications import Outbox

REMINDER_GRACE = timedelta(minutes=30)  # a reminder missed by more than this is skipped
LIVE = (DrawStatus.DRAWING, DrawStatus.PAUSED, DrawStatus.ENDED)


class Reminders:
    def __init__(self, outbox: Outbox, setup: Activities, reminders: list[int],
                 urges: list[int], answer_link: Callable[[int], str] | None = None) -> None:
        self.outbox = outbox
        self.setup = setup
        self.answer_link = answer_link  # the invitation's page, carried by reminders
        self.reminders = sorted({timedelta(minutes=m) for m in reminders}, reverse=True)
        self.urge_at = sorted(timedelta(minutes=m) for m in urges)

    async def remind(self, now: datetime) -> int:
        """Reminders due now (the day before and 2 hours before, by default). The gathering
        time is part of each reminder's key, so a changed time gets its own reminders."""
        sent = 0
        horizon = now + max(self.reminders, default=timedelta(0))
        coming = await Notice.filter(gather_at__gt=now, gather_at__lte=horizon,
                                     activity__status__in=list(LIVE))
        await mark_roles(coming)  # each expert told their own venue, 主场 / 副场 (FG-807)
        for notice in coming:
            for offset in self.reminders:
                due = notice.gather_at - offset
                if not due <= now < due + REMINDER_GRACE:
                    continue
                items = {f"remind:{item.id}:{int(offset.total_seconds())}:"
                         f"{int(notice.gather_at.timestamp())}": item
                         for item in await Invitation.filter(
                             condition__notice_id=notice.id,
                             status=InvitationStatus.CONFIRMED)}
                # the ones already reminded, in one query: the sweep comes every 15 s during
                # the 30-minute grace period, and a transaction for each expert each time
                # made 120 a half hour each (1,000 experts gathering at 09:00: 120,000)
                told = set(await column(Notification.filter(dedupe_key__in=list(items)),
                                        "dedupe_key"))
                for key, item in items.items():
                    if key in told:
                        continue
                    async with self.outbox.change(now) as change:
                        made = await change.notify("draw.reminder", {
                            **Notices.invitation_params(notice, item, 0), "code": item.code or "",
                            "when": "明天" if offset >= timedelta(hours=12)
                            else f"{int(offset.total_seconds() // 3600) or 1}小时后",
                            **answer_params(self.answer_link, item.id),
                            "identity": "1" if await identity_required(item, notice)
                            else ""},
                            person_id=item.person_id, dedupe_key=key)
                    sent += made is not None
        return sent

    async def reschedule(self, activity: DrawActivity, notice_id: int, gather_at: datetime,
                         now: datetime, actor: Actor) -> Notice:
        """A new gathering time (before the start, while paused, or a correction once the
        draw has ended, until the evaluation begins): the confirmed experts hear of it at
        once, and their reminders follow the new time (their key holds it). A 补抽 that
        gathers its experts at the same place and time follows the correction."""
        async with in_transaction():  # all of it or none
            before = await Notice.get_or_none(id=notice_id, activity_id=activity.id)
            notice = await self.setup.change_gathering_time(activity, notice_id, gather_at, now)
            await OperationLog.record(activity, actor, "gathering", now, notice=notice.id,
                                      gather_at=gather_at.isoformat())
            notices = [notice]
            if before is not None and activity.status == DrawStatus.ENDED:
                children = [i for i in await Family.family(activity) if i != activity.id]
                for other in await Notice.filter(activity_id__in=children,
                                                 gather_at=before.gather_at, venue=before.venue):
                    other.gather_at = gather_at
                    await other.save(update_fields=["gather_at"])
                    notices.append(other)
            for each in notices:
                await self.gathering_changed(each, now)
        return notice

    async def gathering_changed(self, notice: Notice, now: datetime) -> int:
        """A new gathering time is pushed at once to every confirmed expert of the notice."""
        count = 0
        await mark_roles([notice])
        async with self.outbox.change(now) as change:
            for item in await Invitation.filter(condition__notice_id=notice.id,
                                                status=InvitationStatus.CONFIRMED):
                await change.notify("draw.gathering_changed", Notices.invitation_params(
                    notice, item, 0), person_id=item.person_id)
                count += 1
        return count

