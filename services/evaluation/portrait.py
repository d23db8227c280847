"""An expert's portrait (发改法规〔2026〕195号 item 16: 专业能力、履职考核、信用评价、教育培训):
six dimensions — attendance, conduct, scoring quality, sanctions, continuing education,
credit — each a value in words with the events behind it, over the credit rule's window (the
months the administrator's rule already judges an expert by). Read, never stored: it is
what the records say now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from models.draws import Invitation, InvitationStatus
from models.evaluation.scores import RecordProposal, ScoreObservation
from models.experts import ExpertProfile
from models.learning.education import Course, Enrollment, Grading
from models.people import Person
from models.performance import PerformanceRecord
from models.sanctions import Sanction
from services.common.clock import months_before
from services.common.errors import NotFound
from services.common.texts import Texts
from services.draws.news import Views
from services.evaluation.proposals import Proposals
from services.standing import ConductCatalogue, CreditDesk

DIMENSIONS = ("attendance", "conduct", "scoring", "sanctions", "education", "credit")
COUNTED_ABSENCES = ("缺席", "请假")  # those the credit rule takes points for
EVENTS_MAX = 50  # events listed per dimension, newest first


@dataclass(frozen=True)
class Event:
    at: datetime
    activity: str  # the evaluation's number, "" for none
    what: str


@dataclass(frozen=True)
class Dimension:
    key: str  # DIMENSIONS
    value: str  # in words
    events: tuple[Event, ...]


@dataclass(frozen=True)
class Portrait:
    expert_id: int
    name: str
    number: str
    since: datetime
    dimensions: tuple[Dimension, ...]


def _newest(events: list[Event]) -> tuple[Event, ...]:
    return tuple(sorted(events, key=lambda e: e.at, reverse=True)[:EVENTS_MAX])


class Portraits:
    @staticmethod
    async def of_person(person_id: int, texts: Texts, now: datetime) -> Portrait:
        profile = await ExpertProfile.get_or_none(person_id=person_id)
        if profile is None:
            raise NotFound("evaluation.no_expert")
        return await Portraits.of_expert(profile.id, texts, now)

    @staticmethod
    async def of_expert(expert_id: int, texts: Texts, now: datetime) -> Portrait:
        profile = await ExpertProfile.get_or_none(id=expert_id)
        if profile is None:
            raise NotFound("evaluation.no_expert")
        person = await Person.get(id=profile.person_id)
        rule = await CreditDesk.rule()
        since = months_before(now, rule.window_months)
        words = _Words(texts)
        return Portrait(profile.id, person.name, profile.expert_number, since, (
            await _attendance(profile.id, since, words),
            await _conduct(profile.id, since, words),
            await _scoring(profile.id, since, texts, words),
            await _sanctions(profile.id, since, words),
            await _education(profile.person_id, since, words),
            await _credit(profile.id, texts, now, words)))


class _Words:
    def __init__(self, texts: Texts) -> None:
        self.texts = texts

    def __call__(self, part: str, **values: object) -> str:
        return self.texts.render("evaluation/portrait.j2", dimension_part=part,
                                 **values).strip()


async def _attendance(expert_id: int, since: datetime, words: _Words) -> Dimension:
    records = await PerformanceRecord.filter(expert_id=expert_id, recorded_at__gte=since)
    absences = await Invitation.filter(expert_id=expert_id, status=InvitationStatus.ABSENT,
                                       absence__in=COUNTED_ABSENCES, sent_at__gte=since)
    events = [Event(r.recorded_at, Views.activity_number(r.activity_id), words(
        "attended", late=r.late, left_early=r.left_early)) for r in records
        if (r.late or r.left_early) and not r.absence]
    events += [Event(i.replied_at or i.sent_at, Views.activity_number(i.activity_id),
                     words("absent", absence=i.absence)) for i in absences]
    served = sum(1 for r in records if not r.absence)
    return Dimension("attendance", words(
        "attendance", served=served, late=sum(r.late for r in records),
        left_early=sum(r.left_early for r in records), absent=len(absences)), _newest(events))


async def _conduct(expert_id: int, since: datetime, words: _Words) -> Dimension:
    records = [r for r in await PerformanceRecord.filter(expert_id=expert_id,
                                                         recorded_at__gte=since) if r.conduct]
    events = [Event(r.recorded_at, Views.activity_number(r.activity_id), words(
        "conduct_item", names=await ConductCatalogue.names(list(r.conduct)),
        disputed=r.disputed, outcome=r.review_outcome or "")) for r in records]
    return Dimension("conduct", words("conduct", records=len(records)), _newest(events))


async def _scoring(expert_id: int, since: datetime, texts: Texts, words: _Words
                   ) -> Dimension:
    seen = await ScoreObservation.filter(expert_id=expert_id, at__gte=since)
    tables = len({o.activity_id for o in seen})
    mean = (sum((abs(Decimal(str(o.percent))) for o in seen), Decimal(0)) / len(seen)
            ).quantize(Decimal("0.1")) if seen else None
    proposals = await RecordProposal.filter(expert_id=expert_id, created_at__gte=since,
                                            kind__in=("deviation", "objective", "leaning"))
    events = [Event(p.created_at, Views.activity_number(p.activity_id), words(
        "proposal", status=texts.word("proposal_status", p.status),
        explanation=Proposals.explain(texts, p), reason=p.reason)) for p in proposals]
    return Dimension("scoring", words(
        "scoring", tables=tables, mean=str(mean) if mean is not None else "",
        proposed=len(proposals), confirmed=sum(p.status == "confirmed" for p in proposals),
        dismissed=sum(p.status == "dismissed" for p in proposals),
        leanings=sum(p.kind == "leaning" for p in proposals)), _newest(events))


async def _sanctions(expert_id: int, since: datetime, words: _Words) -> Dimension:
    found = await Sanction.filter(expert_id=expert_id, decided_on__gte=since.date())
    events = [Event(datetime.combine(s.decided_on, datetime.min.time(), since.tzinfo), "",
                    words("sanction", kind=s.kind, starts=s.starts_on.isoformat(),
                          ends=s.ends_on.isoformat() if s.ends_on else "", reason=s.reason,
                          outcome=s.outcome)) for s in found]
    return Dimension("sanctions", words("sanctions", count=len(found)), _newest(events))


async def _education(person_id: int, since: datetime, words: _Words) -> Dimension:
    passed = await Enrollment.filter(person_id=person_id, grading=Grading.PASSED,
                                     completed_at__gte=since)
    courses = {c.id: c for c in await Course.filter(id__in={e.course_id for e in passed})}
    events = [Event(e.completed_at, "", words(
        "course", name=courses[e.course_id].title, year=courses[e.course_id].year,
        hours=courses[e.course_id].hours)) for e in passed if e.completed_at]
    return Dimension("education", words(
        "education", courses=len(passed),
        hours=sum(courses[e.course_id].hours for e in passed)), _newest(events))


async def _credit(expert_id: int, texts: Texts, now: datetime, words: _Words) -> Dimension:
    got = (await CreditDesk.compute_many([expert_id], now))[expert_id]
    how = texts.render("performance/credit_explained.j2", **await CreditDesk.explained(got))
    return Dimension("credit", words("credit", score=got.score, level=got.level),
                     (Event(now, "", " ".join(how.split())),))
