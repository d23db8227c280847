"""The bidders and the score table an evaluation system posts, kept once: the table checked
whole (services/evaluation/intake.py), its scores sealed, analysed at once — each expert's
deviations from the committee's median and objective scores that differ become one proposal
each on the expert's performance record, and what the leaning across evaluations reads is
kept (ScoreObservation); a table sent again unchanged is a replay answered as before, a
different one a conflict."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.draws import DrawActivity, Invitation, InvitationStatus
from models.evaluation.scores import (
    EvaluationBidders,
    RecordProposal,
    ScoreObservation,
    ScoreTable,
)
from models.evaluation.systems import EvaluationSystem
from models.performance import PerformanceSettings
from services.common.clock import china_time
from services.common.errors import BadInput, ClosedWindow, Conflict
from services.draws.facts import Family
from services.draws.news import AgencyNews
from services.evaluation.analysis import (
    Deviation,
    Table,
    deviations,
    objective_mismatches,
    observe,
)
from services.evaluation.committee import CommitteeReads
from services.evaluation.intake import parse_bidders, parse_table
from services.evaluation.lent import lent_codes
from services.evaluation.proposals import Proposals


@dataclass(frozen=True)
class Kept:
    table_id: str
    experts: int
    bidders: int
    proposals: int
    replayed: bool = False


def body_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
                          ).hexdigest()


async def _invitations(activity: DrawActivity, codes: tuple[str, ...]) -> dict[str, Invitation]:
    """This library's experts among the codes (an expert another library lent is theirs)."""
    found = await Invitation.filter(activity_id__in=await Family.family(activity),
                                    code__in=codes, status=InvitationStatus.CONFIRMED)
    return {str(i.code): i for i in found}


def _shown(d: Deviation, criteria: dict[str, str], bidders: dict[str, str]) -> dict[str, Any]:
    """One score that stood out, as its proposal says it: which, against what, how much."""
    return {"bidder": d.bidder, "bidder_name": bidders.get(d.bidder, d.bidder),
            "criterion": d.criterion or "", "criterion_name":
            criteria.get(d.criterion, "") if d.criterion else "", "value": str(d.value),
            "median": str(d.median), "maximum": str(d.maximum), "percent": str(d.percent)}


class ScoreDesk:
    """What evaluation systems post after the evaluation."""

    def __init__(self, proposals: Proposals, news: AgencyNews | None = None) -> None:
        self.proposals = proposals
        self.news = news  # the agency told what stood out while the report is unsigned

    @staticmethod
    async def declare_bidders(system: EvaluationSystem, activity_id: int, data: dict[str, Any],
                              now: datetime) -> int:
        """The evaluation's bidders (replaced until the score table is in); how many."""
        activity = await CommitteeReads.evaluation_for(system, activity_id)
        bidders = parse_bidders(data)
        if await ScoreTable.exists(activity_id=activity.id):
            raise Conflict("evaluation.bidders_closed")
        rows = [{"key": b.key, "name": b.name} for b in bidders]
        async with in_transaction():
            updated = await EvaluationBidders.filter(activity_id=activity.id).update(
                bidders=rows, system_id=system.id, declared_at=now)
            if not updated:
                await EvaluationBidders.create(activity_id=activity.id, system_id=system.id,
                                               bidders=rows, declared_at=now)
        return len(rows)

    @staticmethod
    async def thresholds() -> tuple[Decimal, int]:
        """The administrator's deviation percent and leaning sample (defaults: 5 %, 5)."""
        kept = await PerformanceSettings.get_or_none(id=1)
        return (Decimal(str(kept.deviation_percent)), kept.leaning_sample) if kept \
            else (Decimal(5), 5)


    @staticmethod
    async def set_thresholds(percent: Decimal, sample: int, person_id: int,
                             now: datetime) -> None:
        """The administrator's deviation percent (1–50) and leaning sample (3–50)."""
        if not Decimal(1) <= percent <= Decimal(50) or not 3 <= sample <= 50:
            raise BadInput("evaluation.thresholds")
        values: dict[str, Any] = {"deviation_percent": percent.quantize(Decimal("0.1")),
                                  "leaning_sample": sample, "changed_by": person_id,
                                  "changed_at": now}
        if not await PerformanceSettings.filter(id=1).update(**values):
            await PerformanceSettings.create(id=1, **values)

    async def post_table(self, system: EvaluationSystem, activity_id: int,
                         data: dict[str, Any], now: datetime) -> Kept:
        activity = await CommitteeReads.evaluation_for(system, activity_id)
        digest = body_hash(data)
        existing = await ScoreTable.get_or_none(activity_id=activity.id)
        if existing is not None:
            if existing.body_hash == digest and existing.system_id == system.id:
                return Kept(existing.table_id, existing.experts, existing.bidders,
                            await self.proposals.count_of_table(activity.id), True)
            raise Conflict("evaluation.scored_twice", table_id=existing.table_id)
        # summed while the committee sits (GPL-87-64), or once it is over
        if now < activity.eval_start and activity.finished_at is None:
            raise ClosedWindow("evaluation.not_started", starts=china_time(activity.eval_start))
        declared = await EvaluationBidders.get_or_none(activity_id=activity.id)
        if declared is None:
            raise Conflict("evaluation.no_bidders")
        board = await CommitteeReads.committee(activity, now)
        table_id, table = parse_table(data, set(board.serving()),
                                      {b["key"] for b in declared.bidders})
        threshold, sample = await ScoreDesk.thresholds()
        names = {b["key"]: b["name"] for b in declared.bidders}
        try:
            async with in_transaction():
                await ScoreTable.create(
                    activity_id=activity.id, system_id=system.id, table_id=table_id,
                    body_hash=digest, criteria=[{
                        "code": c.code, "name": c.name, "max": str(c.maximum),
                        "subjective": c.subjective} for c in table.criteria],
                    scores={"rows": json.dumps([[s.expert, s.bidder, s.criterion,
                                                 str(s.value)] for s in table.scores])},
                    experts=len(table.experts), bidders=len(table.bidders),
                    threshold=str(threshold), received_at=now)
                made = await self.analyse(activity, table, names, threshold, now)
        except IntegrityError:
            raise Conflict("evaluation.scored_twice", table_id=table_id) from None
        ours = await _invitations(activity, table.experts)
        made += await self.proposals.leanings(activity, [i.expert_id for i in ours.values()],
                                              threshold, sample, now)
        await self.tell_flags(activity, now)
        return Kept(table_id, len(table.experts), len(table.bidders), made)

    async def tell_flags(self, activity: DrawActivity, now: datetime) -> None:
        """While the report is unsigned, the agency told what stood out in the table, and
        that it may ask the committee to re-check (GPL-87-64, Art. 45 (八))."""
        flagged = [str(k) for k in await RecordProposal.filter(
            activity_id=activity.id, status="proposed", kind__in=("objective", "deviation")
        ).values_list("kind", flat=True)]
        if self.news is None or not flagged:
            return
        await self.news.tell(activity.id, "evaluation.review_due", now,
                             objective=str(flagged.count("objective")),
                             deviation=str(flagged.count("deviation")))

    async def analyse(self, activity: DrawActivity, table: Table, bidders: dict[str, str],
                      threshold: Decimal, now: datetime,
                      decided: set[tuple[str, str]] | None = None) -> int:
        """What the leaning reads of this evaluation kept, and a proposal for each of our
        experts' and the lent experts' deviations and objective mismatches (none where one
        of that kind was decided already: `decided`, whose (lent.key_of) and the kind); how
        many were made."""
        ours = await _invitations(activity, table.experts)
        await self._observe(activity, table, ours, now)
        lent = await lent_codes(activity, tuple(c for c in table.experts if c not in ours))
        return await self._propose(activity, table, ours, lent, bidders, threshold, now,
                                   decided or set())

    @staticmethod
    async def _observe(activity: DrawActivity, table: Table, ours: dict[str, Invitation],
                       now: datetime) -> None:
        seen = observe(table, activity.id, activity.agency_id,
                       {code: i.expert_id for code, i in ours.items()})
        await ScoreObservation.bulk_create([ScoreObservation(
            activity_id=o.evaluation_id, agency_id=o.agency_id, expert_id=o.expert_id,
            bidder=o.bidder, percent=o.percent, ranked_first=o.first, at=now) for o in seen])

    async def _propose(self, activity: DrawActivity, table: Table,
                       ours: dict[str, Invitation], lent: dict[str, dict[str, Any]],
                       bidders: dict[str, str], threshold: Decimal, now: datetime,
                       decided: set[tuple[str, str]]) -> int:
        criteria = {c.code: c.name for c in table.criteria}
        made = 0
        for kind, found in (("deviation", deviations(table, threshold)),
                            ("objective", objective_mismatches(table))):
            for code in (*ours, *lent):
                mine = [_shown(d, criteria, bidders) for d in found if d.expert == code]
                key = str(ours[code].id) if code in ours else f"lent:{code}"
                if not mine or (key, kind) in decided:
                    continue
                detail = {"scores": mine, "threshold": str(threshold)}
                if code in ours:
                    await self.proposals.make(activity, ours[code], kind, detail, now)
                else:  # another library's expert: known here by the code alone
                    await self.proposals.make_lent(activity, lent[code], kind, detail, now)
                made += 1
        return made
