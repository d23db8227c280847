"""What the reviewer of an application reads of the applicant's standing, when the applicant
is (or was) an expert — a 续聘 or a change above all: their credit now, their sanctions
(in force or not, revoked ones marked), the dishonest-debtor (失信被执行人) flags found on
them, and their continuing education (the courses they paid for and how each was graded:
the renewal is where it counts). An applicant who never was an expert has none of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models import column
from models.dishonesty import DishonestyFlag, FlagStatus
from models.experts import ExpertProfile
from models.learning.education import Enrollment
from models.people import Person
from models.sanctions import PERMANENT, AppealOutcome, Sanction, SanctionKind
from services.common.clock import china_today
from services.common.pii import barred_key
from services.standing import KIND_WORDS, CreditDesk, SanctionDesk

SHOWN = 20  # the newest sanctions and flags shown


@dataclass(frozen=True)
class SanctionLine:
    kind: str  # in words
    period: str
    reason: str
    in_force: bool
    revoked: bool


@dataclass(frozen=True)
class FlagLine:
    found_at: datetime
    cases: int
    open: bool
    note: str


@dataclass(frozen=True)
class CourseLine:
    title: str
    hours: int
    grading: str  # models.learning.education.Grading
    completed_at: datetime | None


@dataclass(frozen=True)
class ApplicantStanding:
    expert_number: str
    active: bool  # False: deregistered
    score: int
    level: str
    sanctions: list[SanctionLine]
    flags: list[FlagLine]
    courses: list[CourseLine]


async def barred(person: Person) -> bool:
    """Whether a removal or lifetime ban (not revoked) keeps the person from applying: on
    their own expert record, or kept after an earlier account was anonymised (the ID
    number's keyed hash: services/rights/retention.py)."""
    profiles = await column(ExpertProfile.filter(person_id=person.id), "id")
    return await Sanction.filter(expert_id__in=profiles, kind__in=list(PERMANENT),
                                 ends_on=None).exclude(outcome=AppealOutcome.REVOKED).exists() \
        or await Person.exists(id_number_hash=barred_key(person.id_number_hash))


class StandingViews:
    """An applicant's standing as their reviewer reads it (the part `standing_view` of
    Review)."""

    @staticmethod
    async def applicant_standing(person_id: int, now: datetime) -> ApplicantStanding | None:
        """The applicant's standing as an expert; None when they never were one."""
        shown = await CreditDesk.standing_of(person_id, now, SHOWN)
        if shown is None:
            return None
        today = china_today(now)
        profile = shown.profile
        flags = await DishonestyFlag.filter(expert_id=profile.id).order_by("-id").limit(SHOWN)
        taken = await Enrollment.filter(person_id=person_id, paid_at__not_isnull=True).order_by(
            "-paid_at").limit(SHOWN).prefetch_related("course")
        return ApplicantStanding(
            profile.expert_number or "", profile.active, shown.credit.score, shown.credit.level,
            [SanctionLine(KIND_WORDS[SanctionKind(s.kind)], SanctionDesk.period_words(s), s.reason,
                          s.excludes_on(today, today), s.outcome == AppealOutcome.REVOKED)
             for s in shown.sanctions],
            [FlagLine(f.found_at, len(f.cases), f.status == FlagStatus.OPEN, f.note)
             for f in flags],
            [CourseLine(e.course.title, e.course.hours, e.grading, e.completed_at)
             for e in taken])
