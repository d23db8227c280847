"""What the reviewer of an application reads of the applicant's standing, when the applicant
is (or was) an expert — a 续聘 or a change above all: their credit now, their sanctions
(in force or not, revoked ones marked), and the dishonest-debtor (失信被执行人) flags found
on them. An applicant who never was an expert has none of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.dishonesty import DishonestyFlag, FlagStatus
from models.sanctions import AppealOutcome, SanctionKind
from services.common.clock import china_today
from services.standing import KIND_WORDS, period_words, standing_of

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
    shown = await standing_of(person_id, now, SHOWN)
    if shown is None:
        return None
    today = china_today(now)
    profile = shown.profile
    flags = await DishonestyFlag.filter(expert_id=profile.id).order_by("-id").limit(SHOWN)
    return ApplicantStanding(
        profile.expert_number or "", profile.active, shown.credit.score, shown.credit.level,
        [SanctionLine(KIND_WORDS[SanctionKind(s.kind)], period_words(s), s.reason,
                      s.excludes_on(today, today), s.outcome == AppealOutcome.REVOKED)
         for s in shown.sanctions],
        [FlagLine(f.found_at, len(f.cases), f.status == FlagStatus.OPEN, f.note)
         for f in flags])
