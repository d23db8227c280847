"""The draw engine: a committed seed, invitations in waves sized to what is still needed,
replies under the activity's row lock (never more confirmed than planned), timeouts, pause /
resume / force end, and the records the auditor needs. Each part is a module of its own and
an object the engine holds over one set of waves (one outbox, one scheduler, one caller);
every call below names the part that answers it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from models.draws import AnsweredVia, DrawActivity, Invitation, Notice
from services.common.schedule import Schedule
from services.draws.facts.oplog import Actor
from services.draws.news.agency_news import notify_agency
from services.draws.news.counts import Counts
from services.draws.randomness.service import DrawAudit, Weighting
from services.draws.running.answers import Answer, Decision, decide
from services.draws.running.calls import DrawCalls
from services.draws.running.lifecycle import Lifecycle
from services.draws.running.replies import Replies, ReplyOutcome, Then
from services.draws.running.service import Answers, Notices, Progress, Seal, Skips, Venues
from services.draws.running.sweep import Sweep
from services.draws.running.waves import Waves
from services.notifications import NotificationKind, Outbox

__all__ = ["DrawEngine", "ReplyOutcome"]


class DrawEngine:
    """Start, pause, resume, force end (lifecycle), waves, replies and the sweep; and what
    the outside reads of a running draw (answers, progress, notices, seal, skips, venues)
    and of its randomness (audit, weighting)."""

    answers = Answers()
    progress = Progress()
    notices = Notices()
    seal = Seal()
    skips = Skips()
    venues = Venues()
    audit = DrawAudit()
    weighting = Weighting()

    def __init__(self, outbox: Outbox, schedule: Schedule,
                 answer_link: Callable[[int], str] | None = None,
                 calls: DrawCalls | None = None) -> None:
        self.waves = Waves(outbox, schedule, answer_link, calls)
        self.lifecycle = Lifecycle(self.waves)
        self.replies = Replies(self.waves)
        self.sweeper = Sweep(self.waves)

    async def tell_agency(self, activity_id: int, kind: NotificationKind, now: datetime,
                          **params: Any) -> None:
        """Push news of an activity to its agency (its handler and legal persons), counts
        and words only, never who was drawn (a peer library's roster, say)."""
        activity = await DrawActivity.get(id=activity_id)
        async with self.waves.outbox.change(now) as change:
            await notify_agency(change, activity, kind, **params)

    # what the parts share, for the callers that need it
    @property
    def outbox(self) -> Outbox:
        return self.waves.outbox

    @property
    def schedule(self) -> Schedule:
        return self.waves.schedule

    @property
    def answer_link(self) -> Callable[[int], str] | None:
        return self.waves.answer_link

    @property
    def calls(self) -> DrawCalls | None:
        return self.waves.calls

    async def decide(self, person_id: int, said: Answer, now: datetime, via: AnsweredVia,
                     waiting: list[Invitation] | None = None, then: Then | None = None
                     ) -> Decision:
        """A lone answer (chat, SMS) applied to the invitation it is for, if one."""
        return await decide(self, person_id, said, now, via, waiting, then)

    # --- waves -----------------------------------------------------------------------------
    async def advance(self, activity_id: int, now: datetime) -> int:
        return await self.waves.advance(activity_id, now)

    async def counts(self, activity_id: int) -> Counts:
        return await self.waves.counts(activity_id)

    # --- lifecycle -------------------------------------------------------------------------
    async def start(self, activity_id: int, now: datetime, actor: Actor,
                    nonce: str = "") -> DrawActivity:
        return await self.lifecycle.start(activity_id, now, actor, nonce)

    async def pause(self, activity_id: int, now: datetime, actor: Actor,
                    reason: str) -> DrawActivity:
        return await self.lifecycle.pause(activity_id, now, actor, reason)

    async def resume(self, activity_id: int, now: datetime, actor: Actor) -> DrawActivity:
        return await self.lifecycle.resume(activity_id, now, actor)

    async def force_end(self, activity_id: int, now: datetime, actor: Actor,
                        reason: str) -> DrawActivity:
        return await self.lifecycle.force_end(activity_id, now, actor, reason)

    # --- replies ---------------------------------------------------------------------------
    async def reply(self, invitation_id: int, person_id: int, choice: int, now: datetime,
                    reason: str = "", via: AnsweredVia = "chat", then: Then | None = None
                    ) -> ReplyOutcome:
        return await self.replies.reply(invitation_id, person_id, choice, now, reason, via,
                                        then)

    async def set_reason(self, invitation_id: int, person_id: int, reason: str) -> None:
        await self.replies.set_reason(invitation_id, person_id, reason)

    async def open_invitations(self, person_id: int, now: datetime) -> list[Invitation]:
        return await self.replies.open_invitations(person_id, now)

    async def recent_invitations(self, person_id: int, now: datetime,
                                 days: int = 30) -> list[tuple[Invitation, Notice]]:
        return await self.replies.recent_invitations(person_id, now, days)

    # --- time ------------------------------------------------------------------------------
    async def expire(self, invitation_id: int, now: datetime) -> bool:
        return await self.sweeper.expire(invitation_id, now)

    async def sweep(self, now: datetime) -> Counter[str]:
        return await self.sweeper.sweep(now)
