"""Calling the experts who have not answered (GD-DRAW: the system phones each
drawn expert, who presses 1 参加, 2 不参加 or 3 需回避).

An invitation goes out on WeChat and by SMS at once; when no answer has come after
`after`, the expert's phone rings, and again every `gap` while the invitation stays open,
at most `attempts` times and never after its response window (a call placed later could
only be answered as late). Each call is a notification of its own (kind CALL_KIND, voice
only), written through the outbox like every other: an answer, whichever way it comes,
drops the calls still queued, and a call the relay reaches after the window is not
placed. The key pressed comes back through the provider's callback
(bot/providers/voice/callbacks.py) and is answered like a chat reply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Subquery

from models.draws import AnsweredVia, DrawActivity, DrawStatus, Invitation, InvitationStatus
from models.notifications import Notification, Status
from services.common.schedule import Schedule
from services.draws.news.notices import Notices
from services.draws.randomness.urgent import approved_urgency
from services.notifications import NotificationKind, Outbox

CALL_KIND: NotificationKind = "draw.invitation.call"
CALL_JOB = "draw_invitation_call"
MAX_ATTEMPTS = 3  # GD-DRAW: 3 次拨打
# how long past its time a call's job may still be on its way before the sweep plans it again
LOST_AFTER = timedelta(minutes=1)
# the ways an answer comes (Invitation.answered_via)
VIA: tuple[AnsweredVia, ...] = ("chat", "miniapp", "sms", "link", "voice", "call")


def call_key(invitation_id: int, attempt: int) -> str:
    """The dedupe key of an invitation's call: one notification per attempt."""
    return f"draw-call:{invitation_id}:{attempt}"


def call_keys(invitation_id: int) -> list[str]:
    return [call_key(invitation_id, n) for n in range(1, MAX_ATTEMPTS + 1)]


def invitation_key(invitation_id: int) -> str:
    """The dedupe key of an invitation's notice (its SMS copy's is this + "#1")."""
    return f"invitation:{invitation_id}"


def contact_keys(invitation_id: int) -> list[str]:
    """Every notification that tried to reach the expert about this invitation."""
    key = invitation_key(invitation_id)
    return [key, key + "#1", *call_keys(invitation_id)]


async def cancel_calls(invitation_id: int) -> int:
    """The invitation was answered or its window closed: calls still queued are not
    placed (inside the caller's transaction): skipped, not failed."""
    pending = await Notification.filter(dedupe_key__in=call_keys(invitation_id),
                                        status=Status.QUEUED)
    for item in pending:
        await Notification.filter(id=item.id, status=Status.QUEUED).update(
            status=Status.SKIPPED, last_error=Outbox.with_error(
                item.last_error, "not placed: the invitation was answered or closed first"))
    return len(pending)


async def reached(invitation_id: int) -> None:
    """The expert answered, whichever way: the invitation reached them, so none of its
    notices (WeChat, SMS, a call unanswered) is a failure for the desk any more, each
    keeping its own outcome (inside the caller's transaction)."""
    await Notification.filter(dedupe_key__in=contact_keys(invitation_id),
                              status__in=[Status.FAILED, Status.DEAD]).update(covered=True)


@dataclass(frozen=True)
class CallPolicy:
    after: timedelta  # from the invitation to the first call
    gap: timedelta  # between two calls
    attempts: int  # at most (GD-DRAW: 3)


class DrawCalls:
    def __init__(self, outbox: Outbox, schedule: Schedule, policy: CallPolicy) -> None:
        self.outbox = outbox
        self.schedule = schedule
        self.policy = policy

    async def plan(self, invited: list[Invitation]) -> None:
        """The first call of each new invitation, if its window is long enough for one."""
        for item in invited:
            await self._schedule(item, 1, item.sent_at + self.policy.after)

    async def replan(self, now: datetime, batch: int = 500) -> int:
        """The next call of each open invitation whose plan was lost (the serve process
        failed to queue it after its answer committed, or the worker died between a call and
        the next): one whose time is more than LOST_AFTER past and that has no notification
        yet is planned again, at once. A job still on its way keeps its id, so arq queues
        it once; a call placed twice is one notification (its dedupe key). Invitations of
        a draw that is running or paused, as `plan` and `call` reach them; read `batch` at a
        time by id, all of them each sweep."""
        planned, after = 0, 0
        while True:
            waiting = await Invitation.filter(
                id__gt=after, status=InvitationStatus.SENT, due_at__gt=now,
                sent_at__lte=now - self.policy.after - LOST_AFTER,
                activity__status__in=[DrawStatus.DRAWING, DrawStatus.PAUSED],
                activity__by_calls=False).order_by("id").limit(batch)
            if not waiting:
                return planned
            planned += await self._replan(waiting, now)
            after = waiting[-1].id

    async def _replan(self, waiting: list[Invitation], now: datetime) -> int:
        keys = [key for item in waiting for key in call_keys(item.id)]
        made: dict[str, datetime] = dict(await Notification.filter(
            dedupe_key__in=keys).values_list("dedupe_key", "created_at"))
        planned = 0
        for item in waiting:
            attempt = 1 + sum(call_key(item.id, n) in made for n in range(1, MAX_ATTEMPTS + 1))
            last = made.get(call_key(item.id, attempt - 1))
            when = item.sent_at + self.policy.after if last is None else last + self.policy.gap
            if when <= now - LOST_AFTER and attempt <= min(self.policy.attempts, MAX_ATTEMPTS) \
                    and when < item.due_at:
                planned += await self.schedule(CALL_JOB, now, (item.id, attempt),
                                               call_key(item.id, attempt))
        return planned

    async def _schedule(self, invitation: Invitation, attempt: int, when: datetime) -> None:
        if attempt <= min(self.policy.attempts, MAX_ATTEMPTS) and when < invitation.due_at:
            await self.schedule(CALL_JOB, when, (invitation.id, attempt),
                                call_key(invitation.id, attempt))

    async def call(self, invitation_id: int, attempt: int, now: datetime) -> bool:
        """Attempt `attempt` at calling, if the invitation is still open; the next one is
        scheduled. False when nothing was queued."""
        async with self.outbox.change(now) as change:
            # under the activity's lock, as answers are applied: an answer either comes
            # first (nothing is queued) or finds this call queued and drops it; the activity
            # found through the invitation, with no read before the transaction (an answer
            # takes its invitation's calls off the queue, so most calls find it open)
            activity = await DrawActivity.select_for_update().filter(
                id__in=Subquery(Invitation.filter(id=invitation_id).values("activity_id"))
            ).first()
            if activity is None:
                return False
            invitation = await Invitation.get(id=invitation_id)
            if invitation.status != InvitationStatus.SENT or invitation.due_at <= now:
                return False
            # the invitation's own window (an urgent draw's is shorter)
            window = round((invitation.due_at - invitation.sent_at).total_seconds() / 60)
            params = Notices.invitation_params(await Notices.notice_of(invitation), invitation,
                                               max(window, 1))
            urgency = await approved_urgency(activity)  # said, as in the invitation
            params.update(invitation=str(invitation.id), attempt=str(attempt),
                          expires_iso=invitation.due_at.isoformat(),
                          urgency=urgency.reason if urgency is not None else "")
            queued = await change.notify(CALL_KIND, params, person_id=invitation.person_id,
                                         dedupe_key=call_key(invitation.id, attempt))
        await self._schedule(invitation, attempt + 1, now + self.policy.gap)
        return queued is not None
