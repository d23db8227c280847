"""An expert's answer to an invitation (1 参加, 2 不参加, 3 需回避), whichever way it came,
applied under the activity's row lock: never more confirmed than planned, never one expert
booked twice at the same time, and the next wave in the same transaction."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from models import column
from models.draws import Condition, DrawActivity, Invitation, InvitationStatus, Notice
from services.common.errors import BadInput, NotFound
from services.draws.calls import cancel_calls
from services.draws.notices import invitation_with_notice, invitations_with_notices
from services.draws.pool import booked
from services.draws.setup import notify_agency
from services.draws.waves import RUNNING, Waves
from services.notifications.outbox import Change

ReplyStatus = Literal["confirmed", "released", "declined", "avoided", "late", "duplicate"]


@dataclass(frozen=True)
class ReplyOutcome:
    status: ReplyStatus
    invitation: Invitation
    notice: Notice


class Replies(Waves):
    @staticmethod
    async def recent_invitations(person_id: int, now: datetime,
                                 days: int = 30) -> list[tuple[Invitation, Notice]]:
        """An expert's invitations of the last `days` days, newest first, with their notices."""
        return await invitations_with_notices(person_id, now - timedelta(days=days))

    async def open_invitations(self, person_id: int, now: datetime) -> list[Invitation]:
        return await Invitation.filter(person_id=person_id, status=InvitationStatus.SENT,
                                       due_at__gt=now).order_by("sent_at")

    async def reply(self, invitation_id: int, person_id: int, choice: int, now: datetime,
                    reason: str = "", via: str = "chat") -> ReplyOutcome:
        """1 参加, 2 不参加, 3 需回避, applied under the activity's lock; `via` is the way it
        came (chat, miniapp, sms, link, voice): kept, and calls still pending are dropped."""
        if choice not in (1, 2, 3):
            raise BadInput("invitation.choice")
        async with self.outbox.change(now) as change:
            activity_id = await Invitation.filter(id=invitation_id, person_id=person_id
                                                  ).first().values_list("activity_id", flat=True)
            if activity_id is None:
                raise NotFound("invitation.not_found")
            activity = await DrawActivity.select_for_update().get(id=activity_id)
            # under the lock: the invitation and its notice as they are now (one statement)
            found = await invitation_with_notice(invitation_id, person_id)
            assert found is not None  # an invitation is never deleted
            invitation, notice = found
            if invitation.status != InvitationStatus.SENT:
                return ReplyOutcome("duplicate", invitation, notice)
            invitation.answered_via = via  # saved with the status below
            await cancel_calls(invitation.id)
            if now > invitation.due_at:
                invitation.status = InvitationStatus.TIMEOUT
                await invitation.save(update_fields=["status", "answered_via"])
                outcome = ReplyOutcome("late", invitation, notice)
            elif choice == 1:
                outcome = await self._accept(change, activity, invitation, notice, now)
            else:
                invitation.status = (InvitationStatus.DECLINED if choice == 2
                                     else InvitationStatus.AVOIDED)
                invitation.replied_at, invitation.reason = now, reason.strip()[:100] or None
                await invitation.save(update_fields=["status", "replied_at", "reason",
                                                     "answered_via"])
                outcome = ReplyOutcome("declined" if choice == 2 else "avoided", invitation,
                                       notice)
            # in the same transaction: a decline invites the next candidate, an acceptance
            # may leave nothing to wait for; a crash cannot leave the one without the other
            timers = await self._advance(change, activity, now)
        await self._start_timers(timers)
        return outcome

    async def _accept(self, change: Change, activity: DrawActivity, invitation: Invitation,
                      notice: Notice, now: datetime) -> ReplyOutcome:
        condition = await Condition.get(id=invitation.condition_id)
        confirmed = await Invitation.filter(condition_id=condition.id,
                                            status=InvitationStatus.CONFIRMED).count()
        taken_elsewhere = await booked(activity, [invitation.expert_id], now,
                                       confirmed_only=True)
        invitation.replied_at = now
        if confirmed >= condition.planned or taken_elsewhere:
            invitation.status = InvitationStatus.RELEASED
            invitation.reason = "名额已满" if confirmed >= condition.planned else "同一时段已有评标"
            await invitation.save(update_fields=["status", "replied_at", "reason",
                                                 "answered_via"])
            return ReplyOutcome("released", invitation, notice)
        taken = set(await column(Invitation.filter(activity_id=activity.id, code__not_isnull=True)
                    , "code"))
        code = next(c for c in iter(lambda: f"{secrets.randbelow(10**6):06d}", None)
                    if c not in taken)
        invitation.status, invitation.code = InvitationStatus.CONFIRMED, code
        await invitation.save(update_fields=["status", "replied_at", "code", "answered_via"])
        counts = await self.counts(activity.id)
        await notify_agency(change, activity, "draw.progress", progress=counts.text)
        if counts.confirmed >= counts.planned and activity.status in RUNNING:
            await self._end(change, activity, "complete")
        return ReplyOutcome("confirmed", invitation, notice)

    async def set_reason(self, invitation_id: int, person_id: int, reason: str) -> None:
        await Invitation.filter(id=invitation_id, person_id=person_id,
                                status__in=[InvitationStatus.DECLINED,
                                            InvitationStatus.AVOIDED]).update(
            reason=reason.strip()[:100])
