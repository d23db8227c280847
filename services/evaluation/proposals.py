"""Proposals on experts' performance records (CK-198: the agency records each expert's
performance; 发改法规〔2026〕195号: deviations and leanings analysed): what the scores or
an event at the venue say, each decided by the agency — confirmed with a reason, it marks
the record (an attendance tick or a conduct item, the agency's pick), and the expert reads
it with the numbers behind it and may reply or appeal as to any record; dismissed with a
reason, it stays on the trail and counts nowhere. A number never marks a record by itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from models.draws import DrawActivity, Invitation
from models.evaluation.scores import EvaluationBidders, RecordProposal, ScoreObservation
from models.people import Agency, Person
from models.performance import PerformanceRecord
from services.common.clock import china_time
from services.common.errors import BadInput, Conflict, NotFound
from services.common.texts import Texts
from services.draws.facts import Actor, Family
from services.draws.news import Views
from services.draws.record import Entry, Performance
from services.evaluation.leaning import Observation, leanings
from services.evaluation.lent import send_home
from services.standing import ConductCatalogue

ATTENDANCE = ("late", "left_early")
# the conduct item a confirmed proposal of each kind most likely is (招标投标法实施条例
# Art. 71 (三) and (五)); the agency may pick another
DEFAULT_MARK = {"deviation": "tbl71-3", "objective": "tbl71-3", "leaning": "tbl71-5"}
REASON_MAX = 200


@dataclass(frozen=True)
class ProposalShown:
    """A proposal with the expert's name, for the agency's sheet."""

    proposal: RecordProposal
    expert: str


async def _mark_name(mark: str) -> str:
    """A mark as a person reads it: 迟到, 早退, or the conduct item's name."""
    names = {"late": "迟到", "left_early": "早退"}
    names.update({i.code: i.name for i in await ConductCatalogue.items()})
    return names.get(mark, mark)


async def _named(activity: DrawActivity, toward: str, key: str) -> str:
    """The bidder's name as this evaluation's list gives it, or the agency's."""
    if toward == "agency":
        agency = await Agency.get_or_none(id=int(key)) if key.isdigit() else None
        return agency.name if agency else key
    declared = await EvaluationBidders.get_or_none(activity_id=activity.id)
    names = {b["key"]: b["name"] for b in declared.bidders} if declared else {}
    return names.get(key, key)


class Proposals:
    def __init__(self, performance: Performance) -> None:
        self.performance = performance

    @staticmethod
    async def make(activity: DrawActivity, invitation: Invitation, kind: str,
                   detail: dict[str, Any], now: datetime, system_id: int | None = None,
                   event_id: str | None = None, mark: str = "") -> RecordProposal:
        return await RecordProposal.create(
            activity_id=activity.id, invitation_id=invitation.id,
            expert_id=invitation.expert_id, person_id=invitation.person_id, kind=kind,
            detail=detail, system_id=system_id, event_id=event_id,
            mark=mark or DEFAULT_MARK.get(kind, ""), created_at=now)

    @staticmethod
    async def make_lent(activity: DrawActivity, lent: dict[str, Any], kind: str,
                        detail: dict[str, Any], now: datetime) -> RecordProposal:
        """A proposal about an expert another library lent (services/evaluation/lent.py):
        no person or invitation here, the code and the name it told in `detail["lent"]`."""
        return await RecordProposal.create(
            activity_id=activity.id, invitation_id=0, expert_id=0, person_id=0, kind=kind,
            detail={**detail, "lent": lent}, mark=DEFAULT_MARK.get(kind, ""),
            created_at=now)

    @staticmethod
    async def count_of_table(activity_id: int) -> int:
        return await RecordProposal.filter(activity_id=activity_id, kind__in=(
            "deviation", "objective", "leaning")).count()

    async def leanings(self, activity: DrawActivity, expert_ids: list[int],
                       threshold: Decimal, sample: int, now: datetime) -> int:
        """Leanings found for these experts that this evaluation is part of, each proposed
        once for it."""
        rows = await ScoreObservation.filter(expert_id__in=expert_ids)
        found = leanings([Observation(r.expert_id, r.activity_id, r.agency_id, r.bidder,
                                      Decimal(str(r.percent)), r.ranked_first) for r in rows],
                         threshold, sample)
        made = 0
        for lean in found:
            if activity.id not in lean.evaluations:
                continue
            detail = {"toward": lean.toward, "key": lean.key,
                      "key_name": await _named(activity, lean.toward, lean.key),
                      "sample": lean.sample,
                      "above": lean.above, "mean": str(lean.mean),
                      "p_value": str(lean.p_value), "threshold": str(threshold),
                      "evaluations": [Views.activity_number(e) for e in lean.evaluations]}
            if any(p.detail.get("toward") == lean.toward and p.detail.get("key") == lean.key
                   for p in await RecordProposal.filter(
                       activity_id=activity.id, expert_id=lean.expert_id, kind="leaning")):
                continue
            invitation = await Invitation.filter(
                activity_id__in=await Family.family(activity), expert_id=lean.expert_id,
                code__not_isnull=True).first()
            if invitation is not None:
                await self.make(activity, invitation, "leaning", detail, now)
                made += 1
        return made

    @staticmethod
    async def listing(activity: DrawActivity) -> list[ProposalShown]:
        """The evaluation's proposals, the expert named, oldest first."""
        root = await Family.root_of(activity)
        items = await RecordProposal.filter(activity_id=root.id).order_by("id")
        names = dict(await Person.filter(id__in={p.person_id for p in items}).values_list(
            "id", "name"))
        return [ProposalShown(p, str(names.get(p.person_id, "")) if p.person_id else
                              f"{p.detail['lent']['name']}（{p.detail['lent']['library']}）")
                for p in items]

    async def decide(self, activity: DrawActivity, proposal_id: int, confirm: bool,
                     reason: str, mark: str, now: datetime, actor: Actor) -> RecordProposal:
        """The agency's decision, with its reason; a confirmed one marks the record now if
        the agency has written it (it is marked when written otherwise)."""
        root = await Family.root_of(activity)
        proposal = await RecordProposal.get_or_none(id=proposal_id, activity_id=root.id)
        if proposal is None:
            raise NotFound("evaluation.no_proposal")
        why = " ".join(reason.split())
        if not why or len(why) > REASON_MAX:
            raise BadInput("evaluation.reason_required", most=REASON_MAX)
        if proposal.status != "proposed":
            raise Conflict("evaluation.decided")
        chosen = (mark or proposal.mark) if confirm else proposal.mark
        if confirm and chosen not in ATTENDANCE and chosen not in {
                i.code for i in await ConductCatalogue.items(active_only=True)}:
            raise BadInput("evaluation.mark_unknown")
        record = await PerformanceRecord.get_or_none(invitation_id=proposal.invitation_id) \
            if proposal.invitation_id else None
        if confirm and record is not None and record.replied_at is not None:
            raise Conflict("performance.replied")
        updated = await RecordProposal.filter(id=proposal.id, status="proposed").update(
            status="confirmed" if confirm else "dismissed", mark=chosen, reason=why,
            decided_by=actor.person_id, decided_at=now)
        if not updated:
            raise Conflict("evaluation.decided")
        if confirm and not proposal.invitation_id:  # a lent expert's: to their library
            await send_home(await RecordProposal.get(id=proposal.id), await _mark_name(
                chosen), now)
        elif confirm and record is not None:
            await self.performance.record(root, proposal.invitation_id, Entry(
                record.late, record.left_early, list(record.conduct), record.score,
                record.comment), now, actor)  # the record merges what is confirmed
        elif confirm and chosen != "late":  # 早退 or conduct: the fee reads it at once
            async with self.performance.outbox.change(now) as change:
                await self.performance.marked(change, proposal, now)
        return await RecordProposal.get(id=proposal.id)

    @staticmethod
    def explain(texts: Texts, p: RecordProposal) -> str:
        """Which scores, against what, by how much; or what was reported, and when."""
        at = p.detail.get("at", "")
        return texts.render("evaluation/proposal.j2", proposal_kind=p.kind, d=p.detail,
                            event=texts.word("event_kind", str(p.detail.get("kind", ""))),
                            at=china_time(datetime.fromisoformat(at)) if at else "").strip()

    @staticmethod
    async def of_expert(person_id: int, limit: int = 100) -> list[RecordProposal]:
        """What the expert reads: the proposals confirmed on their records."""
        return list(await RecordProposal.filter(person_id=person_id, status="confirmed")
                    .order_by("-id").limit(limit))

