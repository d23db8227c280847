"""应急 (XJ-SIGNUP, XJ-CE ask 是否愿意成为应急专家; the reasons are ours, in
docs/rules-that-are-ours.md): the agency asks that an activity be drawn as urgent, giving a
reason from a fixed list (texts/words/urgency_reason.j2: the kinds of 突发事件 of
突发事件应对法 Art. 2 and 政府采购法 Art. 85's 不可抗力), while it can still change the
activity; the trading centre decides it with the activity itself (Activities.verify): approved,
the activity draws first from the experts who said yes to 是否愿意成为应急专家
(services/draws/randomness/urgent.py) and its invitations get a shorter answer window (the
library's `emergency_response_minutes`, unless the agency's own is shorter); refused, it draws
as any other. Everywhere else the expert's answer changes nothing
(docs/rules-that-are-ours.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, get_args

from tortoise.transactions import in_transaction

from models.draw_handler import ActivityUrgency, UrgencyReason
from models.draws import ActivityKind, DrawActivity, DrawStatus
from services.common.errors import BadInput, Conflict
from services.common.texts import Texts
from services.draws.facts.oplog import Actor, OperationLog
from services.draws.randomness.urgent import approved_urgency

REASONS: tuple[str, ...] = get_args(UrgencyReason)
EDITABLE = (DrawStatus.DRAFT, DrawStatus.REFUSED)
# a 复评 calls its original experts, a 补抽 follows its evaluation's urgency, a draw for
# another library is that library's to decide
NOT_ASKED_FOR = (ActivityKind.REEVAL, ActivityKind.SUPPLEMENT, ActivityKind.PEER)
URGENT_MINUTES = 5  # the default of `emergency_response_minutes`


@dataclass(frozen=True)
class UrgencyView:
    """An activity's urgency as people read it: the reason and where it stands, in words."""

    reason: str
    reason_title: str
    note: str
    status: str
    status_title: str
    minutes: int | None  # an approved urgency's answer window


class Urgency:
    """The agency's request for an urgent draw and what the verifier decided of it."""

    def __init__(self, texts: Texts, minutes: int = URGENT_MINUTES) -> None:
        self.texts = texts
        self.minutes = minutes  # the library's answer window for urgent draws

    def reasons(self) -> list[tuple[str, str]]:
        """The reasons an agency may give, with their words, for a form."""
        return [(r, self.texts.word("urgency_reason", r)) for r in REASONS]

    def view(self, row: ActivityUrgency) -> UrgencyView:
        return self.view_of(row.reason, row.note, row.status, row.minutes)

    def view_of(self, reason: str, note: str, status: str, minutes: int | None
                ) -> UrgencyView:
        """An urgency in words, from its columns (an activity list reads them with it)."""
        return UrgencyView(reason, self.texts.word("urgency_reason", reason), note, status,
                           self.texts.word("urgency_status", status),
                           minutes if status == "approved" else None)

    async def of(self, activity: DrawActivity) -> UrgencyView | None:
        """The activity's urgency (a 补抽: its evaluation's, once approved), if any."""
        row = await ActivityUrgency.get_or_none(activity_id=activity.id)
        if row is None and activity.kind == ActivityKind.SUPPLEMENT:
            row = await approved_urgency(activity)
        return None if row is None else self.view(row)

    async def ask(self, activity: DrawActivity, reason: str, note: str, actor: Actor,
                  now: datetime) -> UrgencyView:
        """Asked (or its reason changed) while the agency may change the activity."""
        if activity.status not in EDITABLE:
            raise Conflict("draw.not_editable")
        if activity.kind in NOT_ASKED_FOR:
            raise Conflict("draw.urgency_kind")
        if reason not in REASONS:
            raise BadInput("draw.urgency_reason")
        assert actor.person_id is not None
        note = " ".join(note.split())[:100]
        async with in_transaction():
            row, _ = await ActivityUrgency.update_or_create(
                {"reason": reason, "note": note, "status": "asked", "asked_by": actor.person_id,
                 "asked_at": now, "minutes": None, "decided_by": None, "decided_at": None},
                activity_id=activity.id)
            await OperationLog.record(activity, actor, "urgency_ask", now, note or None,
                                      urgency=reason)
        return self.view(row)

    async def drop(self, activity: DrawActivity, actor: Actor, now: datetime) -> None:
        """The request taken back (the activity draws as any other)."""
        if activity.status not in EDITABLE:
            raise Conflict("draw.not_editable")
        async with in_transaction():
            if await ActivityUrgency.filter(activity_id=activity.id).delete():
                await OperationLog.record(activity, actor, "urgency_drop", now)

    async def decide(self, activity: DrawActivity, urgent: bool, actor: Actor,
                     now: datetime) -> dict[str, Any]:
        """The verifier's decision, taken as the activity is approved (inside its
        transaction, before its pools are committed; check_decision first): what the log
        keeps of it (nothing when no urgency was asked)."""
        row = await ActivityUrgency.get_or_none(activity_id=activity.id)
        if row is None:
            return {}
        row.status = "approved" if urgent else "refused"
        row.minutes = min(activity.response_minutes, self.minutes) if urgent else None
        row.decided_by, row.decided_at = actor.person_id, now
        await row.save(update_fields=["status", "minutes", "decided_by", "decided_at"])
        return {"urgency": row.status, "urgency_reason": row.reason,
                **({"response_minutes": row.minutes} if urgent else {})}

    async def check_decision(self, activity: DrawActivity, urgent: bool | None) -> None:
        """Refused before anything changes: an approval that leaves an asked urgency
        undecided."""
        row = await ActivityUrgency.get_or_none(activity_id=activity.id)
        if row is not None and urgent is None:
            raise BadInput("verify.urgency_undecided", reason=self.texts.word(
                "urgency_reason", row.reason))
