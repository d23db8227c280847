"""The month's proposals from the scores and the venue, for the administrator's statistics:
by the agency that ran the evaluation and the specialty the expert was drawn for, each kind
with how many the agencies confirmed, dismissed or have still to decide."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from models.draws import Condition, DrawActivity, Invitation
from models.evaluation.scores import RecordProposal
from models.people import Agency
from services.common.clock import CHINA
from services.reference import Reference


@dataclass(frozen=True)
class FlagRow:
    agency: str
    specialty: str
    specialty_name: str
    kind: str
    proposed: int  # still to decide
    confirmed: int
    dismissed: int


def _month(first: date) -> tuple[datetime, datetime]:
    start = datetime(first.year, first.month, 1, tzinfo=CHINA)
    end = datetime(first.year + first.month // 12, first.month % 12 + 1, 1, tzinfo=CHINA)
    return start, end


class FlagStatistics:
    @staticmethod
    async def month(first: date) -> list[FlagRow]:
        """The month's proposals (China time) counted by agency, specialty and kind."""
        start, end = _month(first)
        found = await RecordProposal.filter(created_at__gte=start, created_at__lt=end)
        invitations = {i.id: i for i in await Invitation.filter(
            id__in={p.invitation_id for p in found})}
        specialties = dict(await Condition.filter(
            id__in={i.condition_id for i in invitations.values()}).values_list(
            "id", "main_specialty"))
        agencies = dict(await DrawActivity.filter(
            id__in={p.activity_id for p in found}).values_list("id", "agency_id"))
        names = dict(await Agency.filter(id__in=set(agencies.values())).values_list(
            "id", "name"))
        counts: Counter[tuple[str, str, str, str]] = Counter()
        for p in found:
            invitation = invitations.get(p.invitation_id)
            specialty = str(specialties.get(invitation.condition_id, "")) if invitation else ""
            agency = str(names.get(agencies.get(p.activity_id, 0), ""))
            counts[(agency, specialty, p.kind, p.status)] += 1
        catalogue = Reference.catalogue()
        rows = {(a, s, k) for a, s, k, _ in counts}
        return [FlagRow(a, s, catalogue.path_name(s) if s else "", k,
                        counts[(a, s, k, "proposed")], counts[(a, s, k, "confirmed")],
                        counts[(a, s, k, "dismissed")]) for a, s, k in sorted(rows)]
