"""Formal experts: made from an approved application when the exam is passed; the data the
draw engine selects on."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery

from models.applications import Application
from models.experts import ExpertAvoidUnit, ExpertPastUnit, ExpertProfile, ExpertSpecialty
from models.people import Role, RoleGrant
from services.common.clock import CHINA
from services.people.dishonesty.runs import admission_check
from services.people.identity_rules import IdentityRules
from services.people.particulars import ApplicationDraft, Particulars
from services.people.profile import Profiles
from services.people.relatives import Relatives
from services.people.schedule import Schedules
from services.reference import Reference


async def _next_number(province: str, now: datetime) -> str:
    prefix = f"{province}{now.astimezone(CHINA).year}"
    taken = await ExpertProfile.filter(expert_number__startswith=prefix).count()
    return f"{prefix}{taken + 1:05d}"


def month_first(month: str) -> date:
    year, number = month.split("-")
    return date(int(year), int(number), 1)


def month_last(month: str) -> date:
    first = month_first(month)
    return date(first.year, first.month, monthrange(first.year, first.month)[1])


async def keep_history(profile: ExpertProfile, draft: ApplicationDraft) -> None:
    """The dated work history as the draw reads it (services/draws/candidates/past_units.py):
    each unit with the first day of its start month and the last day of its end month (a
    month is all the history says), its credit code when the register knows the one unit
    by that name."""
    await ExpertPastUnit.filter(expert_id=profile.id, source="application").delete()
    rows = []
    for entry in draft.work_history:
        name = " ".join(entry.unit.split())
        rows.append(ExpertPastUnit(
            expert_id=profile.id, unit_name=name[:128],
            credit_code=await Reference.units.code_for(name),
            started_on=month_first(entry.start),
            ended_on=month_last(entry.end) if entry.end else None,
            position=entry.position[:64], source="application"))
    await ExpertPastUnit.bulk_create(rows)


@dataclass(frozen=True)
class Department:
    """The administrative supervision department (行政监督部门) an expert declared they
    work for: the draw keeps them out of the projects it supervises (实施条例 Art. 46)."""

    name: str
    credit_code: str


@dataclass(frozen=True, kw_only=True)
class Experts:
    """Formal experts as people: made from an application, their department and 应急 answer;
    its parts hold their profile, what their form lacks and their schedule."""

    profile: Profiles = field(default_factory=Profiles)
    particulars: Particulars = field(default_factory=Particulars)
    schedule: Schedules = field(default_factory=Schedules)

    @staticmethod
    async def apply_to_profile(profile: ExpertProfile, app: Application,
                               relatives: Relatives) -> None:
        """Copy the application's approved data into the profile (specialties, units...)."""
        draft = ApplicationDraft.model_validate(app.data)
        profile.region = draft.region or profile.region
        profile.willing_regions = draft.willing_regions
        profile.work_unit = draft.work_unit or profile.work_unit
        profile.unit_credit_code = draft.unit_credit_code
        profile.title_level = draft.title_level
        profile.qualifications = [q.model_dump() for q in draft.qualifications]
        profile.industry = app.industry
        profile.remote_ok = bool(draft.remote_ok)
        profile.emergency_ok = bool(draft.emergency_ok)
        profile.application_id = app.id
        await profile.save()
        admitted = [c for c in app.specialties if c.get("admitted") is not False]
        if admitted:
            await ExpertSpecialty.filter(expert_id=profile.id).delete()
            await ExpertSpecialty.bulk_create([ExpertSpecialty(expert_id=profile.id, code=c["code"],
                                                               is_primary=c["primary"])
                                               for c in admitted])
        await ExpertAvoidUnit.filter(expert_id=profile.id).delete()
        units = [ExpertAvoidUnit(expert_id=profile.id, unit_name=profile.work_unit,
                                 credit_code=profile.unit_credit_code, reason="本人工作单位")]
        units += [ExpertAvoidUnit(expert_id=profile.id, unit_name=u.name, credit_code=u.credit_code,
                                  reason=u.reason or "申报回避") for u in draft.avoid_units
                  if u.credit_code != profile.unit_credit_code]
        await ExpertAvoidUnit.bulk_create(units)
        await keep_history(profile, draft)
        if draft.relatives:  # declared with it: the expert's list from now on
            await relatives.keep(profile, draft.relatives,
                                 app.decided_at or app.submitted_at or datetime.now(UTC))

    @staticmethod
    async def make_formal_expert(app: Application, now: datetime,
                                 relatives: Relatives) -> ExpertProfile:
        """The applicant becomes (or, renewing, stays) a formal expert with an expert number."""
        profile = await ExpertProfile.get_or_none(person_id=app.person_id)
        if profile is None:
            for _ in range(5):  # two experts made at once may draw the same number
                try:
                    profile = await ExpertProfile.create(
                        person_id=app.person_id, expert_number=await _next_number(
                            app.batch.province, now), region=app.region or "", work_unit="")
                    break
                except IntegrityError:
                    continue
            assert profile is not None
            await admission_check(profile.id, now)  # 失信被执行人, by a worker after the commit
        profile.active = True
        await Experts.apply_to_profile(profile, app, relatives)
        if not await RoleGrant.exists(person_id=app.person_id, role=Role.EXPERT, revoked_at=None):
            await RoleGrant.create(person_id=app.person_id, role=Role.EXPERT,
                                   expert_number=profile.expert_number)
        await RoleGrant.filter(person_id=app.person_id, role=Role.APPLICANT, revoked_at=None
                               ).update(revoked_at=now)
        return profile

    @staticmethod
    async def department_of(person_id: int) -> Department:
        """The supervision department the expert declared (both empty: none)."""
        profile = await ExpertProfile.get(person_id=person_id)
        return Department(profile.dept_name, profile.dept_credit_code)

    @staticmethod
    async def set_department(person_id: int, name: str, credit_code: str) -> Department:
        """The expert's declaration (both empty: none); the credit code is checked."""
        code = IdentityRules.parse_credit_code(credit_code) if credit_code.strip() else ""
        await ExpertProfile.filter(person_id=person_id).update(dept_name=name.strip(),
                                                               dept_credit_code=code)
        return Department(name.strip(), code)

    @staticmethod
    async def emergency_of(person_id: int) -> bool:
        """The expert's answer to 是否愿意成为应急专家 (XJ-SIGNUP, XJ-CE)."""
        return (await ExpertProfile.get(person_id=person_id)).emergency_ok

    @staticmethod
    async def set_emergency(person_id: int, willing: bool) -> bool:
        """The expert changes the answer: the draws approved as urgent from now on read it
        (services/draws/randomness/urgent.py); those already committed keep their pools."""
        await ExpertProfile.filter(person_id=person_id).update(emergency_ok=willing)
        return willing

    @staticmethod
    async def backfill_histories(limit: int = 500) -> int:
        """Experts admitted before their work history was kept for the draw: each with an
        application and no history yet gets it from that application, once (nightly, in
        batches). How many."""
        kept = ExpertPastUnit.filter(source="application").values("expert_id")
        done = 0
        for profile in await ExpertProfile.filter(application_id__not_isnull=True).exclude(
                id__in=Subquery(kept)).order_by("id").limit(limit):
            app = await Application.get_or_none(id=profile.application_id)
            if app is None:
                continue
            draft = ApplicationDraft.model_validate(app.data)
            if draft.work_history:
                await keep_history(profile, draft)
                done += 1
        return done
