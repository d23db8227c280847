"""Who may be drawn: the candidate pool of a condition (fixed when the draw needs it), and
the checks made again at the moment of each invitation."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from datetime import date, datetime

from tortoise.expressions import Q, Subquery

from models import column
from models.draw_handler import ProjectInvolvement
from models.draws import (
    Avoidance,
    Condition,
    DrawActivity,
    DrawStatus,
    Invitation,
    InvitationStatus,
    Notice,
)
from models.experts import ExpertAvoidUnit, ExpertProfile, Unavailability
from models.people import Person
from services.common.clock import CHINA
from services.draws.candidates.past_units import past_units
from services.draws.candidates.relations import relative_at
from services.draws.candidates.rules import kept_out
from services.draws.candidates.skip_reasons import Skip, for_past_unit, for_place, for_record
from services.draws.news.notices import Notices
from services.people import TITLE_LEVELS
from services.reference import Reference

LIVE = (InvitationStatus.SENT, InvitationStatus.CONFIRMED)


def eval_days(activity: DrawActivity) -> tuple[date, date]:
    return (activity.eval_start.astimezone(CHINA).date(),
            activity.eval_end.astimezone(CHINA).date())


async def _avoidance(activity: DrawActivity) -> tuple[set[str], set[str], set[int], set[int]]:
    """The activity's avoided unit codes and names, avoided persons and experts."""
    codes, names, _, persons, experts = await avoidance(activity)
    return codes, names, persons, experts


async def avoidance(activity: DrawActivity
                    ) -> tuple[set[str], set[str], set[str], set[int], set[int]]:
    """The activity's avoided unit codes and names, the keyed hashes of the ID numbers of
    the persons it avoids, those of them who are persons here, and avoided experts."""
    rows: list[Avoidance | ProjectInvolvement] = [
        *await Avoidance.filter(activity_id=activity.id),
        # who took part in the project's 前期 work (粤财规〔2025〕1号 Art. 21): every activity
        *await ProjectInvolvement.filter(project_id=activity.project_id)]
    # with every name each unit was typed as, and the units merged with it (the register)
    codes, names = await Reference.units.widen(
        {r.credit_code for r in rows if r.kind == "unit" and r.credit_code},
        {r.name for r in rows if r.kind == "unit"})
    hashes = [r.id_hash for r in rows if r.kind == "person" and r.id_hash]
    persons = set(await column(Person.filter(id_number_hash__in=hashes), "id")) if hashes else set()
    experts = {r.expert_id for r in rows if r.expert_id}
    if activity.avoid_drawn and activity.avoid_activity_ids:
        experts |= set(await column(Invitation.filter(
            activity_id__in=activity.avoid_activity_ids, status=InvitationStatus.CONFIRMED),
            "expert_id"))
    return codes, names, set(hashes), {int(p) for p in persons}, {int(e) for e in experts}


async def candidate_pool(activity: DrawActivity, condition: Condition, specialty: str,
                         exclude: AbstractSet[int] = frozenset()) -> list[int]:
    """Active formal experts with `specialty` who match the condition and are not avoided
    (staff of an avoided unit, the agency and the tenderer included, experts who declared
    an avoided unit, avoided persons), nor answered 否 to 是否接受异地评标 when the
    condition's venue is 异地 for them, as sorted expert ids."""
    # a specialty of any level takes every one under it, in the condition's catalogue
    codes = (await Reference.catalogue.catalogue_for(condition.catalogue_version)).within(specialty)
    query = ExpertProfile.filter(specialties__code__in=sorted(codes), active=True)
    willing_mode = condition.region_mode == "willing"
    if not willing_mode:  # residence: living in one of the places, or within one
        query = query.filter(lives_in(condition.regions))
    if condition.industry:
        query = query.filter(industry=condition.industry)
    if condition.title_level:
        query = query.filter(title_level__in=list(
            TITLE_LEVELS[TITLE_LEVELS.index(condition.title_level):]))
    # the JSON columns cost a decode per row: read them only when the condition needs them
    columns = ["id", "person_id", "work_unit", "unit_credit_code", "region", "remote_ok"]
    if willing_mode:
        columns.append("willing_regions")
    if condition.qualification:
        columns.append("qualifications")
    codes, names, persons, experts = await _avoidance(activity)
    # experts who declared an avoided unit: both columns are indexed, so few rows are read
    query = query.exclude(id__in=Subquery(ExpertAvoidUnit.filter(
        Q(credit_code__in=list(codes)) | Q(unit_name__in=list(names))).values("expert_id")))
    rows = [dict(zip(columns, r, strict=True)) for r in await query.values_list(*columns)]
    # a preview's condition may name no notice yet: its venue is then not known
    notice = await Notice.get_or_none(id=condition.notice_id) \
        if getattr(condition, "notice_id", None) else None
    venue = Notices.venue_region(notice) if notice is not None else None
    pool = []
    for row in rows:
        expert_id = row["id"]
        if declines(row["remote_ok"], row["region"], venue):
            continue
        if willing_mode and not willing_to_come(row["region"], row["willing_regions"] or [],
                                                condition.regions):
            continue
        if condition.qualification and condition.qualification not in (
                row["qualifications"] or []):
            continue
        if row["unit_credit_code"] in codes or row["work_unit"] in names \
                or row["person_id"] in persons:
            continue
        if expert_id in experts or expert_id in exclude:
            continue
        pool.append(int(expert_id))
    return sorted(set(pool))


def lives_in(areas: list[str]) -> Q:
    """Experts whose residence lies in one of these places (a city takes its counties)."""
    return Q(*(Q(region__startswith=area) for area in areas), join_type="OR")


def willing_to_come(region: str | None, willing: list[str], areas: list[str]) -> bool:
    """The willing-region mode's pool (GD-DRAW: 抽取范围扩大为意愿至广州评标评审的专家): those
    living there, widened by those willing to evaluate there."""
    return Reference.regions.within_any(region, areas) or any(
        Reference.regions.overlaps(w, a) for w in willing for a in areas)


def declines(remote_ok: bool, region: str | None, venue: str | None) -> bool:
    """The expert answered 否 to 是否接受异地评标 (XJ-SIGNUP's application; XJ-CE: 是否接受
    远程异地评标) and the venue is 异地 for them: they are not drawn for it, whatever the
    region mode (a willing region does not outweigh the 否)."""
    return not remote_ok and Reference.regions.elsewhere(region, venue)


async def avoided_units(activity: DrawActivity) -> tuple[set[str], set[str]]:
    """The activity's avoided units: their credit codes, and every name they are known by."""
    codes, names, _, _ = await _avoidance(activity)
    return codes, names


async def avoided(activity: DrawActivity, expert_ids: list[int]) -> set[int]:
    """Those of these experts the activity avoids now (candidate_pool's rules, read again:
    an expert may have changed unit or declared an avoidance unit since the pool was
    committed)."""
    codes, names, persons, experts = await _avoidance(activity)
    declared = set(await column(ExpertAvoidUnit.filter(expert_id__in=expert_ids).filter(
        Q(credit_code__in=list(codes)) | Q(unit_name__in=list(names))), "expert_id"))
    return {p.id for p in await ExpertProfile.filter(id__in=expert_ids)
            if p.unit_credit_code in codes or p.work_unit in names or p.person_id in persons
            or p.id in experts or p.id in declared}


async def booked(activity: DrawActivity, expert_ids: list[int], now: datetime,
                 confirmed_only: bool = False, besides: tuple[int, ...] = ()
                 ) -> dict[int, int]:
    """Those confirmed (or, unless `confirmed_only`, invited and still in their window) for
    another evaluation at an overlapping time: expert id -> that other activity's id. A
    withdrawn or cancelled evaluation books nobody, and one that finished early (an on-site
    evaluation whose experts have all left) books them only until it finished. (An
    acceptance checks the confirmed alone, by the same rule, in its own statement:
    replies._READ_SQL.) `besides`: other activities that do not count (a 复评's original
    evaluation, whose experts it calls back). The overlap is read from the window each
    invitation keeps (models/migrations/0094_invitation_windows.py): one range of the
    (expert_id, eval_end) index per expert, whatever the length of their history."""
    rows = await Invitation.filter(
        expert_id__in=expert_ids, eval_end__gt=activity.eval_start,
        eval_start__lt=activity.eval_end, status__in=list(LIVE),
    ).filter(Q(activity__finished_at__isnull=True)
             | Q(activity__finished_at__gt=activity.eval_start)
             ).exclude(activity_id__in=[activity.id, *besides]).exclude(
        activity__status__in=[DrawStatus.WITHDRAWN, DrawStatus.CANCELLED]).values_list(
        "expert_id", "status", "due_at", "activity_id")
    return {int(e): int(other) for e, status, due_at, other in rows
            if status == InvitationStatus.CONFIRMED or (due_at > now and not confirmed_only)}


async def blocked(activity: DrawActivity, notice: Notice, expert_ids: list[int],
                  now: datetime) -> dict[int, str]:
    """Why each of these experts cannot be invited now to the notice's venue, if they
    cannot, with what an auditor needs to check it: "inactive", "avoided" (since the pool
    was committed: a new unit, an avoidance unit declared), "remote:<venue>" (answered 否
    to 异地评标 since, and the venue is 异地 for them), "unavailable:<unavailability id>" (a
    declared day off on
    an evaluation day), "booked:<activity id>" (confirmed or invited for an overlapping
    time there), "invited:<invitation id>" (by this activity already): the texts of
    services/draws/candidates/skip_reasons.py."""
    if not expert_ids:
        return {}
    profiles = {p.id: p for p in await ExpertProfile.filter(id__in=expert_ids)}
    out: dict[int, str] = {}
    for expert_id in expert_ids:
        if expert_id not in profiles or not profiles[expert_id].active:
            out[expert_id] = Skip("inactive").text()
    for expert_id in await avoided(activity, expert_ids):
        out.setdefault(expert_id, Skip("avoided").text())
    codes, names, hashes, _, _ = await avoidance(activity)
    for expert_id, (record, years) in (await past_units(
            expert_ids, codes, names, eval_days(activity)[0])).items():
        out.setdefault(expert_id, for_past_unit(record, years))
    for expert_id, relative in (await relative_at(expert_ids, codes, names, hashes)).items():
        out.setdefault(expert_id, for_record("relative", relative))
    venue = Notices.venue_region(notice)
    for expert_id, profile in profiles.items():
        if venue is not None and declines(profile.remote_ok, profile.region, venue):
            out.setdefault(expert_id, for_place("remote", venue))
    for expert_id, why in (await kept_out(activity, profiles, eval_days(activity))).items():
        out.setdefault(expert_id, why)
    persons = {p.person_id: p.id for p in profiles.values()}
    first, last = eval_days(activity)
    for person_id, day_off in await Unavailability.filter(
            person_id__in=list(persons), date_from__lte=last, date_to__gte=first
    ).values_list("person_id", "id"):
        out.setdefault(persons[int(person_id)], for_record("unavailable", int(day_off)))
    for expert_id, other in (await booked(activity, expert_ids, now)).items():
        out.setdefault(expert_id, for_record("booked", other))
    for expert_id, invitation_id in await Invitation.filter(
            activity_id=activity.id, expert_id__in=expert_ids).values_list("expert_id", "id"):
        out.setdefault(int(expert_id), for_record("invited", int(invitation_id)))
    return out


async def original_experts(condition: Condition) -> list[int]:
    """复评: the experts who confirmed for the condition this one was cloned from (and for
    its supplementary draws)."""
    confirmed = await column(Invitation.filter(
        Q(condition_id=condition.source_id) | Q(condition__source_id=condition.source_id,
                                                activity__kind="supplement"),
        status=InvitationStatus.CONFIRMED), "expert_id")
    return sorted({int(e) for e in confirmed})
