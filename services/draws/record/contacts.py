"""How each drawn expert was reached: per invitation, which channels were tried
(WeChat, SMS, each voice call) with what outcome, and which way the answer came. While the
draw runs the agency watches it without names (GD-DRAW: calls in progress are waited for,
"系统会等待已呼叫或呼叫过程中的专家结果返回"): who was drawn stays sealed with the results
(until 30 minutes before the evaluation starts); then a name shows for an expert who
confirmed, as in the results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast

from models.draws import DrawActivity, Invitation, InvitationStatus
from models.notifications import Notification, Status
from models.people import Person
from services.draws.facts.family import Family
from services.draws.facts.seal import Seal
from services.draws.running.calls import contact_keys

# the channel that reached them, or wechat when none did
AttemptChannel = Literal["cs", "template", "subscribe", "sms", "voice", "wechat"]


@dataclass(frozen=True)
class Attempt:
    channel: AttemptChannel
    status: Status  # the notification's
    at: datetime | None  # when it went out


@dataclass(frozen=True)
class ContactRow:
    invitation_id: int
    condition_id: int
    wave: int
    status: str
    answered_via: str | None
    name: str | None  # only for a confirmed expert
    tried: list[Attempt]


def _attempt(item: Notification) -> Attempt:
    key = item.dedupe_key or ""
    group = "sms" if key.endswith("#1") else "voice" if key.startswith("draw-call:") \
        else "wechat"
    return Attempt(cast(AttemptChannel, item.channel or group), Status(item.status),
                   item.sent_at)


class Contacts:
    """How each drawn expert was reached."""

    @staticmethod
    async def contact_report(activity: DrawActivity, now: datetime) -> list[ContactRow]:
        """Every invitation of the activity and its supplementary draws, oldest first."""
        sealed = Seal.check_sealed(activity, now)
        # while sealed: the evaluation's own draw only (a sealed 补抽 is not shown), and an
        # expert registered absent as the confirmed expert they were
        ids = [(await Family.root_of(activity)).id] if sealed else await Family.family(activity)
        rows = await Invitation.filter(activity_id__in=ids).order_by("id")
        owner = {key: row.id for row in rows for key in contact_keys(row.id)}
        tried: dict[int, list[Attempt]] = {}
        for item in await Notification.filter(dedupe_key__in=list(owner)).order_by("id"):
            tried.setdefault(owner[item.dedupe_key or ""], []).append(_attempt(item))
        confirmed = [] if sealed else [r.person_id for r in rows
                                       if r.status == InvitationStatus.CONFIRMED]
        names = dict(await Person.filter(id__in=confirmed).values_list("id", "name"))
        return [ContactRow(r.id, r.condition_id, r.wave,
                           InvitationStatus.CONFIRMED
                           if sealed and r.status == InvitationStatus.ABSENT else r.status,
                           r.answered_via,
                           names.get(r.person_id) if r.status == InvitationStatus.CONFIRMED
                           else None, tried.get(r.id, [])) for r in rows]
