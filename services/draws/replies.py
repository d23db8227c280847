"""An expert's answer to an invitation (1 参加, 2 不参加, 3 需回避), whichever way it came,
applied under the activity's row lock: never more confirmed than planned, never one expert
booked twice at the same time, and the next wave in the same transaction."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from tortoise.expressions import Subquery

from models.draws import DrawActivity, Invitation, InvitationStatus, Notice
from models.statements import rows
from services.common.errors import BadInput, NotFound
from services.draws.calls import cancel_calls
from services.draws.notices import invitation_with_notice, invitations_with_notices
from services.draws.pool import booked
from services.draws.setup import notify_agency
from services.draws.waves import RUNNING, Waves
from services.notifications.outbox import Change

# a condition's planned and confirmed (the statuses are the enum's constants, not input)
PLANNED_SQL = (
    "SELECT c.planned, (SELECT COUNT(*) FROM draw_invitation v WHERE v.condition_id = c.id "
    f"AND v.status = '{InvitationStatus.CONFIRMED.value}') AS confirmed "
    "FROM draw_condition c WHERE c.id = ?")
# confirmed with its venue code unless another invitation of the activity has that code
CONFIRM_SQL = (
    f"UPDATE draw_invitation SET status = '{InvitationStatus.CONFIRMED.value}', "
    "replied_at = ?, code = ?, answered_via = ? WHERE id = ? AND NOT EXISTS "
    "(SELECT 1 FROM draw_invitation o WHERE o.activity_id = ? AND o.code = ?) RETURNING id")

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
            # the activity of the caller's own invitation, locked (one statement)
            activity = await DrawActivity.select_for_update().filter(id=Subquery(
                Invitation.filter(id=invitation_id, person_id=person_id).values("activity_id")
            )).first()
            if activity is None:
                raise NotFound("invitation.not_found")
            # under the lock: the invitation and its notice as they are now (one statement)
            found = await invitation_with_notice(invitation_id, person_id)
            assert found is not None  # an invitation is never deleted
            invitation, notice = found
            if invitation.status != InvitationStatus.SENT:
                return ReplyOutcome("duplicate", invitation, notice)
            invitation.answered_via = via  # saved with the status below
            if self.calls is not None:  # no calls are ever queued without a voice provider
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
        (planned_row,) = await rows(PLANNED_SQL, invitation.condition_id)
        planned, confirmed = int(planned_row["planned"]), int(planned_row["confirmed"])
        taken_elsewhere = await booked(activity, [invitation.expert_id], now,
                                       confirmed_only=True)
        invitation.replied_at = now
        if confirmed >= planned or taken_elsewhere:
            invitation.status = InvitationStatus.RELEASED
            invitation.reason = "名额已满" if confirmed >= planned else "同一时段已有评标"
            await invitation.save(update_fields=["status", "replied_at", "reason",
                                                 "answered_via"])
            return ReplyOutcome("released", invitation, notice)
        # a venue code no other expert of the activity has, set in the same statement as
        # the status (one in a million is taken: another is drawn)
        while True:
            code = f"{secrets.randbelow(10**6):06d}"
            if await rows(CONFIRM_SQL, now, code, invitation.answered_via, invitation.id,
                          activity.id, code):
                break
        invitation.status, invitation.code = InvitationStatus.CONFIRMED, code
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
