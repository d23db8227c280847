"""What the reviewer of an application reads of the applicant's standing, when the applicant
is (or was) an expert — a 续聘 or a change above all: their credit now, their sanctions
(in force or not, revoked ones marked), and the dishonest-debtor (失信被执行人) flags found
on them. An applicant who never was an expert has none of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.dishonesty import DishonestyFlag, FlagStatus
from models.experts import ExpertProfile
from models.sanctions import AppealOutcome, Sanction, SanctionKind
from services.common.clock import china_today
from services.standing import KIND_WORDS, credit, period_words

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
class ApplicantStanding:
    expert_number: str
    active: bool  # False: deregistered
    score: int
    level: str
    sanctions: list[SanctionLine]
    flags: list[FlagLine]


async def applicant_standing(person_id: int, now: datetime) -> ApplicantStanding | None:
    """The applicant's standing as an expert; None when they never were one."""
    profile = await ExpertProfile.get_or_none(person_id=person_id)
    if profile is None:
        return None
    today = china_today(now)
    got = await credit.compute(profile.id, now)
    sanctions = await Sanction.filter(expert_id=profile.id).order_by("-id").limit(SHOWN)
    flags = await DishonestyFlag.filter(expert_id=profile.id).order_by("-id").limit(SHOWN)
    return ApplicantStanding(
        profile.expert_number or "", profile.active, got.score, got.level,
        [SanctionLine(KIND_WORDS[SanctionKind(s.kind)], period_words(s), s.reason,
                      s.excludes_on(today, today), s.outcome == AppealOutcome.REVOKED)
         for s in sanctions],
        [FlagLine(f.found_at, len(f.cases), f.status == FlagStatus.OPEN, f.note)
         for f in flags])
