"""Time's part in a draw: a response window that closed without an answer, and the sweep that
finds what a lost timer or a dead process left undone (invitations past their window, draws
short of invitations, calls whose plan was lost, results that just unsealed)."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

from models import column
from models.draws import DrawActivity, DrawStatus, Invitation, InvitationStatus
from services.draws.facts.seal import SEAL_BEFORE
from services.draws.news.agency_news import notify_agency
from services.draws.news.counts import Progress
from services.draws.running.calls import cancel_calls
from services.draws.running.waves import Waves, advance_rows, idle

log = logging.getLogger(__name__)


class Sweep:
    """Windows that closed, draws short of invitations, results that unsealed."""

    def __init__(self, waves: Waves) -> None:
        self.waves = waves

    async def expire(self, invitation_id: int, now: datetime) -> bool:
        """The response window closed without a reply: the next candidate is invited."""
        item = await Invitation.get_or_none(id=invitation_id)
        if item is None or item.status != InvitationStatus.SENT or item.due_at > now:
            return False
        updated = await Invitation.filter(id=item.id, status=InvitationStatus.SENT).update(
            status=InvitationStatus.TIMEOUT)
        if updated:
            await cancel_calls(item.id)
            await self.waves.advance(item.activity_id, now)
        return bool(updated)

    async def sweep(self, now: datetime) -> Counter[str]:
        """Invitations past their window (a lost timer), draws still short of invitations,
        calls whose plan was lost, and results that just unsealed."""
        counts: Counter[str] = Counter()
        for invitation_id in await column(Invitation.filter(
                status=InvitationStatus.SENT, due_at__lte=now).limit(500), "id"):
            counts["expired"] += await self.expire(int(invitation_id), now)
        # a draw whose next wave was never sent (a process died between a change and its
        # advance, or a lost start): the database says what is still needed
        # (read first without their locks, all in one statement: only a draw that needs
        # something is locked, and a morning's replies do not queue behind the sweep)
        drawing = DrawActivity.filter(status=DrawStatus.DRAWING, by_calls=False)
        ids = [int(i) for i in await column(drawing.limit(500), "id")]
        for activity_id, found in (await advance_rows(ids, now)).items():
            if not idle(found):
                counts["invited"] += await self.waves.advance(activity_id, now)
        if self.waves.calls is not None:  # calls whose plan was lost (DrawCalls.replan)
            try:  # a failure here must not hold up the rest of the sweep
                counts["calls_replanned"] = await self.waves.calls.replan(now)
            except Exception as exc:
                log.warning("calls whose plan was lost not planned again this sweep: %r", exc)
        for activity in await DrawActivity.filter(
                status=DrawStatus.ENDED, unsealed_pushed=False,
                eval_start__lte=now + SEAL_BEFORE).limit(100):
            async with self.waves.outbox.change(now) as change:
                if await DrawActivity.filter(id=activity.id, unsealed_pushed=False).update(
                        unsealed_pushed=True):
                    await notify_agency(change, activity, "draw.unsealed",
                                        progress=(await Progress.draw_counts(activity.id)).text)
                    counts["unsealed"] += 1
        return counts
