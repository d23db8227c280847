"""Whether a queued notification still has a point when its turn comes: a call about an
invitation that has been answered (whichever way) or has closed, an urge to an expert who
has checked in since. The relay asks just before it sends (bot/sender.py): rows cancelled
when the business changed cover the queued ones, this covers a row already claimed, or
queued by a transaction that raced the change."""

from __future__ import annotations

from datetime import datetime

from models.draws import Invitation, InvitationStatus
from models.notifications import Notification
from services.draws.calls import CALL_KIND

URGE_KIND = "draw.urge"
CHECKED = frozenset({CALL_KIND, URGE_KIND})  # the kinds that may become moot


async def moot(item: Notification, now: datetime) -> str | None:
    """Why `item` should no longer be sent, or None."""
    if item.kind not in CHECKED or "invitation" not in item.params:
        return None
    invitation = await Invitation.get_or_none(id=int(item.params["invitation"]))
    if invitation is None:
        return "its invitation is gone"
    if item.kind == CALL_KIND:
        if invitation.status != InvitationStatus.SENT:
            return f"the invitation was answered or closed first ({invitation.status})"
        if invitation.due_at <= now:
            return "the invitation's window closed"
        return None
    if invitation.checkin_at is not None:
        return "the expert checked in"
    if invitation.status != InvitationStatus.CONFIRMED:
        return f"the expert is no longer expected ({invitation.status})"
    return None
