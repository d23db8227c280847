"""A kept score table corrected only as the law allows (GPL-87-64: "评标结果汇总完成后，
除下列情形外，任何人不得修改评标结果：（一）分值汇总计算错误的；（二）分项评分超出评分标准范围的；
（三）评标委员会成员对客观评审因素评分不一致的；（四）经评标委员会认定评分畸高、畸低的。评标报告
签署前，经复核发现存在以上情形之一的，评标委员会应当当场修改评标结果，并在评标报告中记载；评标报告
签署后，……应当组织原评标委员会进行重新评审"): the evaluation system sends the whole corrected
table with its case and the committee's written reason, until it says the report is signed.
Each correction is kept sealed beside the first table, with what it changed; the analysis is
made again from the corrected table (proposals not yet decided are replaced; decided ones
stay). After the signing a correction is refused, in words that say what the law asks then."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.draws import DrawActivity, Invitation
from models.evaluation.scores import (
    EvaluationBidders,
    RecordProposal,
    ScoreCorrection,
    ScoreObservation,
    ScoreTable,
)
from models.evaluation.systems import EvaluationSystem
from models.people import Person
from services.common.clock import china_time
from services.common.errors import BadInput, Conflict
from services.draws.facts import Family
from services.evaluation.analysis import Table
from services.evaluation.committee import CommitteeReads
from services.evaluation.intake import ID, parse_table
from services.evaluation.lent import key_of
from services.evaluation.scores import ScoreDesk, body_hash

CASES = ("sum_error", "out_of_range", "objective_mismatch", "extreme")  # Art. 64 (一)–(四)
REASON_MAX = 500
Cell = tuple[str, str, str]  # expert code, bidder key, criterion code


@dataclass(frozen=True)
class Change:
    """One score a correction changed, as the agency reads it."""

    expert: str  # the expert's name (an expert lent by another library: the code)
    bidder: str
    criterion: str
    before: str
    after: str


@dataclass(frozen=True)
class CorrectionShown:
    correction: ScoreCorrection
    changes: list[Change]


@dataclass(frozen=True)
class Corrected:
    correction_id: str
    case: str
    changed: int
    proposals: int
    replayed: bool = False


def rows_of(kept: dict[str, Any]) -> dict[Cell, str]:
    """A kept table's (or correction's) scores by cell."""
    return {(e, b, c): v for e, b, c, v in json.loads(kept.get("rows") or "[]")}


def _plain(value: str) -> str:
    """A score as a person reads it: 38, 28.5 (never 38.00)."""
    return f"{Decimal(value).normalize():f}" if value else ""


def _request(data: dict[str, Any]) -> tuple[str, str, str, dict[str, Any]]:
    cid = data.get("correction_id")
    if not isinstance(cid, str) or not ID.fullmatch(cid):
        raise BadInput("evaluation.bad_field", field="correction_id")
    case = data.get("case")
    if not isinstance(case, str) or case not in CASES:
        raise BadInput("evaluation.bad_field", field="case")
    reason = data.get("reason")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > REASON_MAX:
        raise BadInput("evaluation.bad_field", field="reason")
    table = data.get("table")
    if not isinstance(table, dict):
        raise BadInput("evaluation.bad_field", field="table")
    return cid, case, " ".join(reason.split()), table


def _changes(before: dict[Cell, str], table: Table) -> list[tuple[Cell, str, str]]:
    """The cells the corrected table scores differently, in its order."""
    return [((s.expert, s.bidder, s.criterion), before.get((s.expert, s.bidder, s.criterion),
                                                           ""), str(s.value))
            for s in table.scores
            if Decimal(before.get((s.expert, s.bidder, s.criterion), "-1")) != s.value]


class Corrections:
    """What an evaluation system may change of a kept table, and the report's signing."""

    def __init__(self, desk: ScoreDesk) -> None:
        self.desk = desk  # the analysis made again from the corrected table

    @staticmethod
    async def _table(system: EvaluationSystem, activity_id: int
                     ) -> tuple[DrawActivity, ScoreTable]:
        activity = await CommitteeReads.evaluation_for(system, activity_id)
        kept = await ScoreTable.get_or_none(activity_id=activity.id)
        if kept is None:
            raise Conflict("evaluation.no_table")
        return activity, kept

    async def sign(self, system: EvaluationSystem, activity_id: int, now: datetime
                   ) -> tuple[datetime, bool]:
        """The report signed: the moment kept (once), no correction after it."""
        _, kept = await self._table(system, activity_id)
        if kept.signed_at is not None:
            return kept.signed_at, True
        await ScoreTable.filter(id=kept.id, signed_at=None).update(signed_at=now)
        return now, False

    async def correct(self, system: EvaluationSystem, activity_id: int, data: dict[str, Any],
                      now: datetime) -> Corrected:
        activity, kept = await self._table(system, activity_id)
        cid, case, reason, sent = _request(data)
        digest = body_hash(data)
        existing = await ScoreCorrection.get_or_none(activity_id=activity.id,
                                                      correction_id=cid)
        if existing is not None:
            if existing.body_hash != digest:
                raise Conflict("evaluation.corrected_twice", correction_id=cid)
            return Corrected(cid, existing.case, existing.changed, 0, True)
        if kept.signed_at is not None:
            raise Conflict("evaluation.report_signed", signed=china_time(kept.signed_at))
        declared = await EvaluationBidders.get(activity_id=activity.id)
        board = await CommitteeReads.committee(activity, now)
        _, table = parse_table(sent, set(board.serving()), {b["key"] for b in declared.bidders})
        if [(c["code"], Decimal(c["max"]), c["subjective"]) for c in kept.criteria] != [
                (c.code, c.maximum, c.subjective) for c in table.criteria]:
            raise BadInput("evaluation.criteria_changed")
        last = await ScoreCorrection.filter(activity_id=activity.id).order_by("-id").first()
        changes = _changes(rows_of(last.scores if last else kept.scores), table)
        objective = {c.code for c in table.criteria if not c.subjective}
        if not changes and case != "sum_error":  # a sum recomputed changes no score
            raise BadInput("evaluation.no_change")
        if case == "objective_mismatch" and any(c[2] not in objective for c, _, _ in changes):
            raise BadInput("evaluation.case_mismatch")
        try:
            async with in_transaction():
                await ScoreCorrection.create(
                    activity_id=activity.id, system_id=system.id, correction_id=cid,
                    case=case, reason=reason, body_hash=digest,
                    scores={"rows": json.dumps([[s.expert, s.bidder, s.criterion,
                                                 str(s.value)] for s in table.scores])},
                    changes={"rows": json.dumps([[*cell, old, new]
                                                 for cell, old, new in changes])},
                    changed=len(changes), received_at=now)
                made = await self._again(activity, table, declared, now)
        except IntegrityError:
            raise Conflict("evaluation.corrected_twice", correction_id=cid) from None
        await self.desk.tell_flags(activity, now)  # what still stands out, unsigned
        return Corrected(cid, case, len(changes), made)

    @staticmethod
    async def listing(activity: DrawActivity) -> tuple[datetime | None,
                                                       list[CorrectionShown]]:
        """When the report was signed, and each correction with the scores it changed,
        named (the evaluation's own bidders and criteria, our experts by name)."""
        root = await Family.root_of(activity)
        kept = await ScoreTable.get_or_none(activity_id=root.id)
        if kept is None:
            return None, []
        criteria = {c["code"]: c["name"] for c in kept.criteria}
        declared = await EvaluationBidders.get_or_none(activity_id=root.id)
        bidders = {b["key"]: b["name"] for b in declared.bidders} if declared else {}
        codes = dict(await Invitation.filter(
            activity_id__in=await Family.family(root), code__not_isnull=True).values_list(
            "code", "person_id"))
        names = dict(await Person.filter(id__in=list(codes.values())).values_list(
            "id", "name"))
        shown = []
        for c in await ScoreCorrection.filter(activity_id=root.id).order_by("id"):
            shown.append(CorrectionShown(c, [Change(
                str(names.get(codes.get(e, 0), e)), bidders.get(b, b), criteria.get(k, k),
                _plain(old), _plain(new))
                for e, b, k, old, new in json.loads(c.changes.get("rows") or "[]")]))
        return kept.signed_at, shown

    async def _again(self, activity: DrawActivity, table: Table,
                     declared: EvaluationBidders, now: datetime) -> int:
        """The analysis made again from the corrected table: what the leaning reads of this
        evaluation, and the proposals no one has decided yet."""
        await ScoreObservation.filter(activity_id=activity.id).delete()
        await RecordProposal.filter(activity_id=activity.id, status="proposed",
                                    kind__in=("deviation", "objective")).delete()
        decided = {(key_of(p), p.kind) for p in await RecordProposal.filter(
            activity_id=activity.id, kind__in=("deviation", "objective"))}
        threshold, _ = await ScoreDesk.thresholds()
        return await self.desk.analyse(activity, table, {b["key"]: b["name"]
                                                          for b in declared.bidders},
                                       threshold, now, decided)
