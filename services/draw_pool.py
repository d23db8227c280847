"""Who may be drawn: the candidate pool of a condition (fixed when the draw needs it), and
the checks made again at the moment of each invitation."""

from __future__ import annotations

from datetime import date, datetime

from tortoise.expressions import Q

from models.draws import Avoidance, Condition, DrawActivity, Invitation, InvitationStatus
from models.experts import ExpertAvoidUnit, ExpertProfile, ExpertSpecialty, Unavailability
from models.people import Person
from services.clock import CHINA
from services.draw_setup import TITLE_LEVELS

LIVE = (InvitationStatus.SENT, InvitationStatus.CONFIRMED)


def eval_days(activity: DrawActivity) -> tuple[date, date]:
    return (activity.eval_start.astimezone(CHINA).date(),
            activity.eval_end.astimezone(CHINA).date())


async def avoided_experts(activity: DrawActivity) -> set[int]:
    """Expert ids this activity must never draw: staff of an avoided unit (the agency and the
    tenderer included), experts who declared an avoided unit, avoided persons."""
    rows = await Avoidance.filter(activity_id=activity.id)
    codes = {r.credit_code for r in rows if r.kind == "unit" and r.credit_code}
    names = {r.name for r in rows if r.kind == "unit"}
    hashes = {r.id_hash for r in rows if r.kind == "person" and r.id_hash}
    out = {r.expert_id for r in rows if r.expert_id}
    unit_q = Q(unit_credit_code__in=list(codes)) | Q(work_unit__in=list(names))
    out |= set(await ExpertProfile.filter(unit_q).values_list("id", flat=True))
    declared = Q(credit_code__in=list(codes)) | Q(unit_name__in=list(names))
    out |= set(await ExpertAvoidUnit.filter(declared).values_list("expert_id", flat=True))
    if hashes:
        people = await Person.filter(id_number_hash__in=list(hashes)).values_list("id",
                                                                                  flat=True)
        out |= set(await ExpertProfile.filter(person_id__in=list(people)).values_list(
            "id", flat=True))
    return {int(i) for i in out}


async def candidate_pool(activity: DrawActivity, condition: Condition, specialty: str,
                         exclude: set[int] = frozenset()) -> list[int]:  # type: ignore[assignment]
    """Active formal experts with `specialty` who match the condition and are not avoided,
    as sorted expert ids."""
    ids = await ExpertSpecialty.filter(code=specialty).values_list("expert_id", flat=True)
    query = ExpertProfile.filter(id__in=list(ids), active=True)
    if condition.region_mode == "residence":
        query = query.filter(region__in=condition.regions)
    if condition.industry:
        query = query.filter(industry=condition.industry)
    if condition.title_level:
        query = query.filter(title_level__in=list(
            TITLE_LEVELS[TITLE_LEVELS.index(condition.title_level):]))
    rows = await query.values_list("id", "willing_regions", "qualifications")
    wanted = set(condition.regions)
    avoided = await avoided_experts(activity)
    pool = []
    for expert_id, willing, qualifications in rows:
        if condition.region_mode == "willing" and not wanted & set(willing or []):
            continue
        if condition.qualification and condition.qualification not in (qualifications or []):
            continue
        if expert_id in avoided or expert_id in exclude:
            continue
        pool.append(int(expert_id))
    return sorted(pool)


async def blocked(activity: DrawActivity, expert_ids: list[int], now: datetime,
                  confirmed_only: bool = False) -> dict[int, str]:
    """Why each of these experts cannot be invited now, if they cannot: deregistered,
    unavailable on an evaluation day, booked (or invited) for an overlapping time elsewhere,
    or already invited by this activity."""
    if not expert_ids:
        return {}
    profiles = {p.id: p for p in await ExpertProfile.filter(id__in=expert_ids)}
    out: dict[int, str] = {}
    for expert_id in expert_ids:
        if expert_id not in profiles or not profiles[expert_id].active:
            out[expert_id] = "inactive"
    persons = {p.person_id: p.id for p in profiles.values()}
    first, last = eval_days(activity)
    for person_id in await Unavailability.filter(
            person_id__in=list(persons), date_from__lte=last, date_to__gte=first
    ).values_list("person_id", flat=True):
        out.setdefault(persons[int(person_id)], "unavailable")
    busy = await Invitation.filter(
        expert_id__in=expert_ids, status__in=list(LIVE),
        activity__eval_start__lt=activity.eval_end, activity__eval_end__gt=activity.eval_start,
    ).exclude(activity_id=activity.id).values_list("expert_id", "status", "due_at")
    for expert_id, status, due_at in busy:
        if status == InvitationStatus.CONFIRMED or (due_at > now and not confirmed_only):
            out.setdefault(int(expert_id), "booked")
    for expert_id in await Invitation.filter(activity_id=activity.id,
                                             expert_id__in=expert_ids).values_list(
            "expert_id", flat=True):
        out.setdefault(int(expert_id), "invited")
    return out
