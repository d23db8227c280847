"""When a draw's queued notification has lost its point (services/notifications/checks.py):
a call about an invitation that has been answered (whichever way) or has closed, the
invitation itself once answered on another of its channels, an urge to
an expert who has checked in since or is no longer expected."""

from __future__ import annotations

from datetime import datetime

from models.draws import Invitation, InvitationStatus
from models.notifications import Notification
from services.draws.running.calls import CALL_KIND
from services.notifications import MootCheck


async def _invitation(item: Notification) -> Invitation | None:
    return await Invitation.get_or_none(id=int(item.params["invitation"])) \
        if "invitation" in item.params else None


async def call_moot(item: Notification, now: datetime) -> str | None:
    """A call about an invitation."""
    if "invitation" not in item.params:
        return None
    invitation = await _invitation(item)
    if invitation is None:
        return "its invitation is gone"
    if invitation.status != InvitationStatus.SENT:
        return f"the invitation was answered or closed first ({invitation.status})"
    if invitation.due_at <= now:
        return "the invitation's window closed"
    return None


async def invitation_moot(item: Notification, now: datetime) -> str | None:
    """The invitation itself, on a channel not yet tried: answered already (its SMS sibling
    reached them first). One never answered stays to be sent, and a failure if it cannot."""
    invitation = await _invitation(item)
    if invitation is not None and invitation.answered_via is not None:
        return f"the invitation was answered first ({invitation.status})"
    return None


async def urge_moot(item: Notification, now: datetime) -> str | None:
    """An urge to come to the venue."""
    if "invitation" not in item.params:
        return None
    invitation = await _invitation(item)
    if invitation is None:
        return "its invitation is gone"
    if invitation.checkin_at is not None:
        return "the expert checked in"
    if invitation.status != InvitationStatus.CONFIRMED:
        return f"the expert is no longer expected ({invitation.status})"
    return None


DRAW_MOOT: dict[str, MootCheck] = {CALL_KIND: call_moot, "draw.urge": urge_moot,
                                   "draw.invitation": invitation_moot}
