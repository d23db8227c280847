"""Experts' credit (招标投标法实施条例 Art. 78: a credit system; 26号令: performance and credit
records): a score and a level from the performance records, registered absences and
sanctions of the last months, by the administrator's rule (models/sanctions.py CreditRule).
Recomputed when a record, an absence, a sanction or the rule changes; each change of score or
level is kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.expressions import Q

from models import column
from models.draws import DrawStatus, Invitation, InvitationStatus
from models.experts import ExpertProfile
from models.people import Person
from models.performance import PerformanceRecord
from models.sanctions import AppealOutcome, CreditRule, CreditScore, Sanction, SanctionKind
from services.common.clock import months_before
from services.common.errors import BadInput
from services.standing.experts import ExpertLookup

LEVELS = ("A", "B", "C", "D")
# registered absences (GD-DRAW 缺席登记) the rule takes points for; 现场回避 never: avoiding is
# the expert's duty (招标投标法实施条例 Art. 71 (一) sanctions not avoiding)
ABSENCE_FIELDS = {"缺席": "absence_points", "请假": "leave_points"}
CHUNK = 500  # experts per query (SQLite's limit on a statement's parameters)


@dataclass(frozen=True)
class Step:
    """One line of how the score came about: what (texts/words/credit_step.j2), how many,
    and the points it gives (the start) or takes."""

    what: str  # start, start_none, conduct, attendance, warning, suspension, 缺席, 请假, barred
    count: int
    points: int


@dataclass(frozen=True)
class Credit:
    score: int
    level: str
    records: int
    sanctions: int
    absences: int = 0  # registered absences that cost points
    steps: tuple[Step, ...] = ()  # how the score came about, by the rule


@dataclass(frozen=True)
class CreditView:
    """An expert's credit as their page and the administrator's read it."""

    expert_name: str
    expert_number: str
    credit: Credit
    history: list[CreditScore]


def level_of(score: int, r: CreditRule) -> str:
    for level, floor in zip(LEVELS, (r.level_a, r.level_b, r.level_c), strict=False):
        if score >= floor:
            return level
    return "D"


def check_rule(r: CreditRule) -> None:
    points = (r.conduct_points, r.attendance_points, r.warning_points, r.suspension_points,
              r.absence_points, r.leave_points)
    if not 1 <= r.window_months <= 120 or any(not 0 <= p <= 100 for p in points):
        raise BadInput("credit.rule_range")
    if not 100 >= r.level_a > r.level_b > r.level_c >= 0:
        raise BadInput("credit.levels")


async def compute(expert_id: int, now: datetime, r: CreditRule | None = None) -> Credit:
    """The expert's credit by the rule: records in dispute and not yet reviewed wait."""
    return (await CreditDesk.compute_many([expert_id], now, r))[expert_id]


def _credit(records: list[PerformanceRecord], sanctions: list[Sanction], absences: list[str],
            r: CreditRule) -> Credit:
    counted = (len(records), len(sanctions), len(absences))
    if any(s.kind in (SanctionKind.REMOVAL, SanctionKind.BAN) for s in sanctions):
        return Credit(0, "D", *counted, steps=(Step("barred", 1, 0),))
    start = round(sum(x.score for x in records) / len(records)) if records else 100
    steps = [Step("start" if records else "start_none", len(records), start)]
    conduct = sum(len(x.conduct) for x in records)
    attendance = sum(int(x.late) + int(x.left_early) for x in records)
    warnings = sum(s.kind == SanctionKind.WARNING for s in sanctions)
    steps += [Step("conduct", conduct, -conduct * r.conduct_points),
              Step("attendance", attendance, -attendance * r.attendance_points),
              Step("warning", warnings, -warnings * r.warning_points),
              Step("suspension", len(sanctions) - warnings,
                   -(len(sanctions) - warnings) * r.suspension_points)]
    steps += [Step(kind, absences.count(kind), -absences.count(kind) * int(getattr(r, field)))
              for kind, field in ABSENCE_FIELDS.items()]
    steps = [x for x in steps if x.count or x.what.startswith("start")]
    score = max(0, min(100, sum(x.points for x in steps)))
    return Credit(score, level_of(score, r), *counted, steps=tuple(steps))


async def current(expert_ids: list[int]) -> dict[int, CreditScore]:
    """Each expert's latest credit (none for one never computed: full credit)."""
    out: dict[int, CreditScore] = {}
    for row in await CreditScore.filter(expert_id__in=expert_ids).order_by("id"):
        out[row.expert_id] = row
    return out


async def history(expert_id: int, limit: int = 50) -> list[CreditScore]:
    return list(await CreditScore.filter(expert_id=expert_id).order_by("-id").limit(limit))


@dataclass(frozen=True)
class Standing:
    """An expert's standing as they read it in chat (我的信用), and as the reviewer of their
    next application reads it: their credit and their latest sanctions, the same as the
    mini-program's /expert/credit and /expert/sanctions."""

    profile: ExpertProfile
    credit: Credit
    sanctions: list[Sanction]  # the latest, newest first


@dataclass(frozen=True)
class CreditDesk:
    """Experts' credit (信用): the rule, the scores and how each came about, and the standing
    a person reads of themselves; its part `experts` finds the expert by number or by
    person."""

    experts: ExpertLookup = field(default_factory=ExpertLookup)

    @staticmethod
    async def standing_of(person_id: int, now: datetime, latest: int) -> Standing | None:
        """The person's credit now and their `latest` sanctions; None: they are no expert."""
        profile = await ExpertProfile.get_or_none(person_id=person_id)
        if profile is None:
            return None
        got = await compute(profile.id, now)
        sanctions = await Sanction.filter(expert_id=profile.id).order_by("-id").limit(latest)
        return Standing(profile, got, list(sanctions))

    @staticmethod
    async def rule() -> CreditRule:
        """The credit rule in force (the default one until an administrator sets one)."""
        return await CreditRule.get_or_none(id=1) or CreditRule(id=1)

    @staticmethod
    async def set_rule(values: dict[str, int], by: int, now: datetime) -> CreditRule:
        """A new rule: checked, saved, and every expert with anything on record recomputed."""
        r = await CreditDesk.rule()
        for name, value in values.items():
            setattr(r, name, value)
        check_rule(r)
        r.updated_by = by
        await r.save()
        since = months_before(now, 120)
        experts: set[int] = set()
        for query in (PerformanceRecord.filter(recorded_at__gte=since),
                      Sanction.filter(Q(decided_on__gte=since.date())), CreditScore.all(),
                      Invitation.filter(status=InvitationStatus.ABSENT,
                                        absence__in=list(ABSENCE_FIELDS),
                                        activity__eval_start__gte=since)):
            experts |= {int(e) for e in await column(query, "expert_id")}
        for expert_id in sorted(experts):
            await CreditDesk.recompute(expert_id, "rule", now, r)
        return r

    @staticmethod
    async def compute_many(expert_ids: list[int], now: datetime,
                           r: CreditRule | None = None) -> dict[int, Credit]:
        """compute() for many experts at once, a few queries for a whole draw's pool."""
        r = r or await CreditDesk.rule()
        since = months_before(now, r.window_months)
        records: dict[int, list[PerformanceRecord]] = {e: [] for e in expert_ids}
        sanctions: dict[int, list[Sanction]] = {e: [] for e in expert_ids}
        absences: dict[int, list[str]] = {e: [] for e in expert_ids}
        for start in range(0, len(expert_ids), CHUNK):
            chunk = expert_ids[start:start + CHUNK]
            waiting: set[int] = set()  # absences whose record is disputed or corrected
            for x in await PerformanceRecord.filter(expert_id__in=chunk, recorded_at__gte=since):
                if x.disputed and (x.reviewed_at is None or x.review_outcome == "corrected"):
                    waiting.add(x.invitation_id)
                if x.absence is None and (not x.disputed or x.reviewed_at is not None):
                    records[x.expert_id].append(x)
            for s in await Sanction.filter(expert_id__in=chunk, decided_on__gte=since.date()
                                           ).exclude(outcome=AppealOutcome.REVOKED):
                sanctions[s.expert_id].append(s)
            for invitation_id, expert_id, kind in await Invitation.filter(
                    expert_id__in=chunk, status=InvitationStatus.ABSENT,
                    absence__in=list(ABSENCE_FIELDS), activity__eval_start__gte=since,
            ).exclude(activity__status__in=[DrawStatus.WITHDRAWN, DrawStatus.CANCELLED]
                      ).values_list("id", "expert_id", "absence"):
                if invitation_id not in waiting:
                    absences[expert_id].append(kind)
        return {e: _credit(records[e], sanctions[e], absences[e], r) for e in expert_ids}

    @staticmethod
    async def explained(got: Credit) -> dict[str, Any]:
        """What the words of how a credit came about need (texts/performance/
        credit_explained.j2): its steps and the rule's window and levels."""
        r = await CreditDesk.rule()
        return {"steps": [{"what": x.what, "count": x.count, "points": x.points}
                          for x in got.steps],
                "months": r.window_months, "a": r.level_a, "b": r.level_b, "c": r.level_c}

    @staticmethod
    async def recompute(expert_id: int, cause: str, now: datetime,
                        r: CreditRule | None = None) -> CreditScore | None:
        """Computes again; a change of score or level is kept as a new row."""
        got = await compute(expert_id, now, r)
        last = (await current([expert_id])).get(expert_id)
        if last is not None and (last.score, last.level) == (got.score, got.level):
            return None
        if last is None and (got.score, got.records, got.sanctions) == (100, 0, 0) \
                and not got.absences:
            return None  # nothing on record: full credit, nothing to keep
        return await CreditScore.create(expert_id=expert_id, score=got.score, level=got.level,
                                        records=got.records, sanctions=got.sanctions,
                                        cause=cause, at=now)

    @staticmethod
    async def on_absence(expert_id: int, now: datetime) -> None:
        """Reaction to an absence registered or undone (GD-DRAW 缺席登记): the expert's credit
        computed again, the change kept with the cause `absence`."""
        await CreditDesk.recompute(expert_id, "absence", now)

    @staticmethod
    async def credit_view(profile: ExpertProfile, now: datetime) -> CreditView:
        """The expert's credit now, with who they are and how it changed."""
        got = await compute(profile.id, now)
        person = await Person.get(id=profile.person_id)
        return CreditView(person.name, profile.expert_number, got, await history(profile.id))
