"""When a draw's queued notification has lost its point (services/notifications/checks.py):
a call about an invitation that has been answered (whichever way) or has closed, the
invitation itself once answered on another of its channels, an urge to
an expert who has checked in since or is no longer expected. One check for a relay's
whole batch: the invitations its rows name read in one statement. And the agency's running
count retried after a later one was written (`count_moot`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from models.draws import DrawActivity, DrawStatus, Invitation, InvitationStatus
from models.notifications import Notification, Status
from models.orm.statements import columns, models_from
from services.draws.news.agency_news import LATEST
from services.draws.running.calls import CALL_KIND
from services.notifications import Joined, MootCheck

# the running counts a draw's end carries (agency_news.CARRY_PROGRESS supersedes them)
CARRIED = frozenset({"draw.progress"})

# why a row is moot, from its invitation as it is now (None: no invitation of that id)
Why = Callable[[Notification, Invitation | None, datetime], str | None]


def call_moot(item: Notification, invitation: Invitation | None, now: datetime) -> str | None:
    """A call about an invitation."""
    if invitation is None:
        return "its invitation is gone"
    if invitation.status != InvitationStatus.SENT:
        return f"the invitation was answered or closed first ({invitation.status})"
    if invitation.due_at <= now:
        return "the invitation's window closed"
    return None


def invitation_moot(item: Notification, invitation: Invitation | None, now: datetime
                    ) -> str | None:
    """The invitation itself, on a channel not yet tried: answered already (its SMS sibling
    reached them first). One never answered stays to be sent, and a failure if it cannot."""
    if invitation is not None and invitation.answered_via is not None:
        return f"the invitation was answered first ({invitation.status})"
    return None


def urge_moot(item: Notification, invitation: Invitation | None, now: datetime) -> str | None:
    """An urge to come to the venue."""
    if invitation is None:
        return "its invitation is gone"
    if invitation.checkin_at is not None:
        return "the expert checked in"
    if invitation.status != InvitationStatus.CONFIRMED:
        return f"the expert is no longer expected ({invitation.status})"
    return None


_WHY: dict[str, Why] = {CALL_KIND: call_moot, "draw.urge": urge_moot,
                        "draw.invitation": invitation_moot}


def _invitation_of(item: Notification) -> int | None:
    value = item.params.get("invitation")
    return int(value) if value else None


async def draw_moot(items: list[Notification], now: datetime,
                    claimed: list[dict[str, Any]] | None = None) -> dict[int, str]:
    """The batch's calls, urges and invitations that lost their point, by row id; the
    invitations they name in one statement, or read with the claim (`claimed`: its rows,
    `CLAIMED`'s columns among them). A row that names none is never moot."""
    named = {item.id: i for item in items if (i := _invitation_of(item)) is not None}
    if not named:
        return {}
    if claimed is not None:
        found = {v.id: v for v in models_from(Invitation, claimed, "mi") if v is not None}
    else:
        found = {v.id: v for v in await Invitation.filter(
            id__in=sorted(set(named.values())))}
    out = {}
    for item in items:
        if item.id in named and (why := _WHY[item.kind](item, found.get(named[item.id]),
                                                        now)) is not None:
            out[item.id] = why
    return out


async def count_moot(items: list[Notification], now: datetime,
                     claimed: list[dict[str, Any]] | None = None) -> dict[int, str]:
    """The agency's running counts (agency_news.LATEST, a row a slot: Change.latest) that
    come back from a retry after a later slot's row of the same count to the same person
    was written: the later one carries a later state, and the older sent after it would be
    the last the agency reads. A first attempt is not looked at (no later slot's row can be
    due before it); a statement a retried row."""
    out: dict[int, str] = {}
    for item in items:
        if item.attempts < 2 or not item.dedupe_key or "@" not in item.dedupe_key:
            continue
        prefix = item.dedupe_key.rsplit("@", 1)[0] + "@"
        if await Notification.filter(
                person_id=item.person_id, id__gt=item.id, dedupe_key__startswith=prefix
        ).exclude(status__in=[Status.FAILED, Status.DEAD]).exists():
            out[item.id] = "superseded: a later slot's notice carries a later count"
        elif item.kind in CARRIED and await _ended(item.dedupe_key):
            # being sent when the end was queued (so not skipped by its supersede), then
            # failed: the end carries the count
            out[item.id] = "superseded: the draw's end carries its count"
    return out


async def _ended(key: str) -> bool:
    """Whether the draw of a running count's key (`<kind>:<activity>:<person>@<slot>`) has
    ended."""
    activity = key.split(":", 2)[1]
    return activity.isdigit() and await DrawActivity.filter(
        id=int(activity), status=DrawStatus.ENDED).exists()


DRAW_MOOT: dict[str, MootCheck] = {**dict.fromkeys(_WHY, draw_moot),
                                   **dict.fromkeys(LATEST, count_moot)}


def _claimed_invitations() -> Joined:
    kinds = ", ".join(f"'{k}'" for k in sorted(_WHY))
    named = "claimed.\"notification.params\"->>'invitation'"
    return Joined(columns(Invitation, "mi"), (
        f"LEFT JOIN draw_invitation mi ON mi.id = CASE WHEN claimed.\"notification.kind\" "
        f"IN ({kinds}) AND {named} ~ '^[0-9]{{1,18}}$' THEN CAST({named} AS BIGINT) END"))


# The invitation a claimed call, urge or invitation names, read in the relay's claim
# (PostgreSQL: `params` is jsonb): `draw_moot` then reads nothing.
CLAIMED_INVITATIONS = _claimed_invitations()
