"""Each expert's account of a finished year (年度考核: BJ-EXAM Art. 18 — "评标专家考核分为
日常考核和年度考核……年度考核在日常考核的基础上进行。考核结果作为评标专家续聘、解聘的依据";
GZ-EXAM: "以年度为一个周期"). The year is the China calendar year: 1 January 00:00 China
time (16:00 UTC on 31 December) begins it. What an account holds, and the day it is made,
are ours (docs/rules-that-are-ours.md): the figures of the daily records (日常考核) — the
invitations, declines, service, late arrivals, early leavings, conduct items and registered
absences of the evaluations that started in the year, the sanctions decided in it, the
continuing-education courses passed in it with their hours — and the credit on the day it is
made; no verdict (合格 / 不合格), which is the administrators' to give. It is made once,
when every evaluation of the year has passed the agency's recording deadline (CK-198: within
5 working days; the days the administrator sets, on the holiday calendar), and each expert
is told theirs; then it is kept as it was."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from models import column
from models.draws import DrawActivity, DrawStatus, Invitation, InvitationStatus
from models.experts import ExpertProfile
from models.learning.education import Course, Enrollment, Grading
from models.people import Person
from models.performance import PerformanceRecord
from models.sanctions import AppealOutcome, Sanction, YearlyAccount
from services.common.clock import CHINA, china_time
from services.notifications import Outbox
from services.standing.conduct import ConductCatalogue
from services.standing.credit import CreditDesk

BATCH = 500  # accounts made (and experts told) in one transaction
LAST_MONTH = 3  # a year's accounts are made by the end of March after it, never later
GONE = (DrawStatus.WITHDRAWN, DrawStatus.CANCELLED)  # a draw that did not happen


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """1 January 00:00 China time of the year, and of the next."""
    return datetime(year, 1, 1, tzinfo=CHINA), datetime(year + 1, 1, 1, tzinfo=CHINA)


def year_of(moment: datetime) -> int:
    """The China calendar year a moment falls in."""
    return moment.astimezone(CHINA).year


@dataclass
class Figures:
    """One expert's year in numbers, as the account keeps them."""

    invited: int = 0
    declined: int = 0
    served: int = 0
    late: int = 0
    left_early: int = 0
    conduct: int = 0
    absent: int = 0
    leave: int = 0
    sanctions: int = 0
    courses: int = 0
    hours: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _in_chunks(ids: list[int], size: int = BATCH) -> list[list[int]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


@dataclass(frozen=True)
class AccountRow:
    """An account as the administrators' list shows it."""

    account: YearlyAccount
    name: str
    number: str


class YearlyAccounts:
    """The year's account of each expert: made once the year's records are in, told to the
    expert, read by the expert and by the administrators."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    @staticmethod
    async def opens(year: int) -> datetime:
        """When the year's accounts are made: the end of the agency's recording deadline for
        an evaluation that ended at the year's last moment."""
        days = await ConductCatalogue.deadline_days()
        last = year_bounds(year)[1] - timedelta(microseconds=1)
        return await ConductCatalogue.due(last, days)

    @staticmethod
    async def figures(year: int) -> dict[int, Figures]:
        """Every expert's figures for the year, by expert id (none: nothing in the year)."""
        start, end = year_bounds(year)
        out: dict[int, Figures] = {}

        def of(expert_id: int) -> Figures:
            return out.setdefault(int(expert_id), Figures())

        activities = [int(a) for a in await column(DrawActivity.filter(
            eval_start__gte=start, eval_start__lt=end).exclude(status__in=GONE).order_by(
            "id"), "id")]
        for chunk in _in_chunks(activities):
            for expert_id, status, absence in await Invitation.filter(
                    activity_id__in=chunk).exclude(status=InvitationStatus.CANCELLED
                                                   ).values_list("expert_id", "status",
                                                                 "absence"):
                got = of(expert_id)
                got.invited += 1
                got.declined += status == InvitationStatus.DECLINED
                got.absent += status == InvitationStatus.ABSENT and absence == "缺席"
                got.leave += status == InvitationStatus.ABSENT and absence == "请假"
            for r in await PerformanceRecord.filter(activity_id__in=chunk, absence=None):
                got = of(r.expert_id)
                got.served += 1
                got.late += r.late
                got.left_early += r.left_early
                got.conduct += bool(r.conduct)
        for expert_id in await column(Sanction.filter(
                decided_on__gte=date(year, 1, 1), decided_on__lt=date(year + 1, 1, 1)
        ).exclude(outcome=AppealOutcome.REVOKED), "expert_id"):
            of(expert_id).sanctions += 1
        passed = await Enrollment.filter(grading=Grading.PASSED, completed_at__gte=start,
                                         completed_at__lt=end).values_list("person_id",
                                                                           "course_id")
        hours = dict(await Course.filter(id__in={c for _, c in passed}).values_list(
            "id", "hours"))
        expert_of = dict(await ExpertProfile.filter(
            person_id__in={p for p, _ in passed}).values_list("person_id", "id"))
        for person_id, course_id in passed:
            if person_id in expert_of:
                got = of(expert_of[person_id])
                got.courses += 1
                got.hours += int(hours.get(course_id, 0))
        return out

    async def make(self, now: datetime) -> int:
        """The last year's account of each expert who was one in it and is one still, made
        once its records are in and by the end of March (a library started later in the
        year does not account for a year it may not have seen); each told theirs once. How
        many were made now."""
        year = year_of(now) - 1
        if now.astimezone(CHINA).month > LAST_MONTH or now < await self.opens(year):
            return 0
        made = {int(e) for e in await column(YearlyAccount.filter(year=year), "expert_id")}
        experts = [(int(e), int(p)) for e, p in await ExpertProfile.filter(
            active=True, created_at__lt=year_bounds(year)[1]).order_by("id").values_list(
            "id", "person_id") if int(e) not in made]
        if not experts:
            return 0
        counted = await self.figures(year)
        person = dict(experts)
        for chunk in _in_chunks([e for e, _ in experts]):
            credits = await CreditDesk.compute_many(chunk, now)
            accounts, told = [], {}
            for expert_id in chunk:
                got = counted.get(expert_id, Figures())
                credit = credits[expert_id]
                account = YearlyAccount(
                    expert_id=expert_id, person_id=person[expert_id], year=year,
                    credit_score=credit.score, credit_level=credit.level, made_at=now)
                for name, value in got.as_dict().items():
                    setattr(account, name, value)
                accounts.append(account)
                told[person[expert_id]] = {
                    "year": str(year), "score": str(credit.score), "level": credit.level,
                    "at": china_time(now), **{k: str(v) for k, v in got.as_dict().items()}}
            # told in the mass notices' lane: tens of thousands of accounts never wait
            # ahead of one person's invitation
            async with self.outbox.change(now) as change:
                await YearlyAccount.bulk_create(accounts)
                await change.notify_mass("expert.yearly_account", told,
                                         dedupe_prefix=f"yearly_account:{year}")
        return len(experts)

    @staticmethod
    async def of_person(person_id: int) -> list[YearlyAccount]:
        """The person's accounts, newest year first."""
        return list(await YearlyAccount.filter(person_id=person_id).order_by("-year"))

    @staticmethod
    async def of_year(year: int, after: int, limit: int) -> list[AccountRow]:
        """The year's accounts by expert id, a page after the expert id `after`, each with
        the expert's name and number."""
        rows = list(await YearlyAccount.filter(year=year, expert_id__gt=after).order_by(
            "expert_id").limit(limit))
        numbers = dict(await ExpertProfile.filter(id__in=[r.expert_id for r in rows]
                                                  ).values_list("id", "expert_number"))
        names = dict(await Person.filter(id__in=[r.person_id for r in rows]).values_list(
            "id", "name"))
        return [AccountRow(r, str(names.get(r.person_id, "")),
                           str(numbers.get(r.expert_id, ""))) for r in rows]
