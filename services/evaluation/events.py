"""Events an evaluation system or the venue reports about an expert (迟到, 早退, 违规使用
通讯工具, 私下接触投标人, …): each must name an activity of the system's centres and a member
of its committee who serves, is applied once by the system's event id, and becomes a
proposal on that expert's record for the agency to decide."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError

from models.draws import Invitation, InvitationStatus
from models.evaluation.scores import RecordProposal
from models.evaluation.systems import EvaluationSystem
from services.common.errors import BadInput, ClosedWindow
from services.draws.facts import Family
from services.draws.record import Performance
from services.evaluation.committee import CommitteeReads
from services.evaluation.intake import EVENT_KINDS, parse_event
from services.evaluation.proposals import Proposals

AHEAD = timedelta(minutes=5)  # clocks of two systems drift


class EventDesk:
    """Events about an expert at the venue or in the evaluation system, as the systems post
    them."""

    @staticmethod
    async def post(system: EvaluationSystem, activity_id: int, data: dict[str, Any],
                   now: datetime) -> tuple[RecordProposal, bool]:
        """The event's proposal, and whether this message made it (False: a replay)."""
        activity = await CommitteeReads.evaluation_for(system, activity_id)
        event = parse_event(data)
        known = await RecordProposal.get_or_none(system_id=system.id, event_id=event.event_id)
        if known is not None:
            return known, False
        if event.at > now + AHEAD or event.at < activity.eval_start - timedelta(days=1):
            raise BadInput("evaluation.bad_field", field="at")
        board = await CommitteeReads.committee(activity, now)
        if event.expert not in board.serving():
            raise BadInput("evaluation.not_member", code=event.expert)
        invitation = await Invitation.filter(
            activity_id__in=await Family.family(activity), code=event.expert,
            status=InvitationStatus.CONFIRMED).first()
        if invitation is None:
            raise BadInput("evaluation.not_ours", code=event.expert)
        sheet = await Performance.sheet(activity, now)
        if sheet.deadline is not None and not sheet.open:
            raise ClosedWindow("evaluation.records_closed")
        try:
            made = await Proposals.make(activity, invitation, "event", {
                "kind": event.kind, "at": event.at.isoformat(), "note": event.note,
                "system": system.name}, now, system.id, event.event_id, EVENT_KINDS[event.kind])
        except IntegrityError:  # the same event, sent twice at once
            return await RecordProposal.get(system_id=system.id, event_id=event.event_id), False
        return made, True
