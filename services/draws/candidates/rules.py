"""Who the library's rules keep out of a draw at the moment of each invitation, each as a
skip reason with the record that bears it out (services/draws/candidates/skips.py):
- "sanction:<id>": a suspension, removal or ban in force on an evaluation day (实施条例
  Art. 71–72);
- "supervisor": staff of the project's supervising department (实施条例 Art. 46: 行政监督
  部门的工作人员不得担任本部门负责监督项目的评标委员会成员);
- "cap:<n>:<months>": the expert confirmed n evaluations in the months before this one's
  start, the library's cap (models/sanctions.py DrawPolicy);
- "tenderer_cap:<n>:<months>": the same, for this project's tenderer."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from tortoise.expressions import Q

from models.draws import DrawActivity, DrawStatus, Invitation, InvitationStatus, Project
from models.experts import ExpertProfile
from models.sanctions import EXCLUDING, AppealOutcome, DrawPolicy, Sanction
from services.common.clock import months_before
from services.draws.candidates.skip_reasons import Skip, for_cap, for_record
from services.reference import Reference

# why a place or an answer went: a sanction, not the agency or the quota (an absence's kind,
# a released invitation's reason)
SANCTIONED = "受处理"
# a place both related experts lost (GD-CG-1 Art. 21; services/draws/candidates/relations.py)
KIN = "亲属回避"
# places the library took, not the agency: no performance record is due of them
BY_LIBRARY = (SANCTIONED, KIN)


async def sanctioned(expert_ids: list[int], days: tuple[Any, Any]) -> dict[int, str]:
    first, last = days
    rows = await Sanction.filter(expert_id__in=expert_ids, kind__in=list(EXCLUDING),
                                 starts_on__lte=last).exclude(
        outcome=AppealOutcome.REVOKED).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=first)).order_by("id")
    out: dict[int, str] = {}
    for row in rows:
        out.setdefault(row.expert_id, for_record("sanction", row.id))
    return out


async def supervisor_family(project: Project) -> tuple[set[str], set[str]]:
    """The supervising department's credit codes and names, with the units merged with it."""
    codes = {project.supervisor_credit_code} if project.supervisor_credit_code else set()
    names = {project.supervisor_name} if project.supervisor_name else set()
    return await Reference.units.widen(codes, names)


def serves_under(profile: ExpertProfile | dict[str, Any], codes: set[str],
                 names: set[str]) -> bool:
    """Whether the expert works for the department: declared, or as their own unit."""
    get = profile.get if isinstance(profile, dict) else lambda k: getattr(profile, k)
    return bool({get("dept_credit_code"), get("unit_credit_code")} & codes - {"", None}
                or {get("dept_name"), get("work_unit")} & names - {"", None})


async def served(expert_ids: list[int], activity: DrawActivity, months: int,
                 tenderer: str | None = None) -> list[tuple[int, int, str, str]]:
    """Evaluations these experts confirmed that start in the `months` before this one:
    (expert id, activity id, evaluation start ISO, tenderer's credit code). Read from the
    window each invitation keeps (models/migrations/0094_invitation_windows.py): ending after
    `since`, as every one starting after it does, they are one range of the (expert_id,
    eval_end) index an expert, older evaluations outside it."""
    since = months_before(activity.eval_start, months)
    query = Invitation.filter(
        expert_id__in=expert_ids, status=InvitationStatus.CONFIRMED, eval_end__gt=since,
        eval_start__gte=since, eval_start__lt=activity.eval_start,
    ).exclude(activity_id=activity.id).exclude(
        activity__status__in=[DrawStatus.WITHDRAWN, DrawStatus.CANCELLED])
    if tenderer is not None:
        query = query.filter(activity__project__tenderer_credit_code=tenderer)
    rows = await query.values_list("expert_id", "activity_id", "eval_start",
                                   "activity__project__tenderer_credit_code")
    return sorted({(int(e), int(a), s.isoformat(), t) for e, a, s, t in rows})


async def kept_out(activity: DrawActivity, profiles: dict[int, ExpertProfile],
                   days: tuple[Any, Any]) -> dict[int, str]:
    """Why the rules keep each of these experts out, for those they do."""
    ids = list(profiles)
    out = await sanctioned(ids, days)
    project = await Project.get(id=activity.project_id)
    codes, names = await supervisor_family(project)
    if codes or names:
        for expert_id, profile in profiles.items():
            if serves_under(profile, codes, names):
                out.setdefault(expert_id, Skip("supervisor").text())
    policy = await DrawPolicy.get_or_none(id=1)
    if policy is None:
        return out
    caps: tuple[tuple[int | None, int, str | None, Literal["cap", "tenderer_cap"]], ...] = (
        (policy.expert_cap, policy.expert_months, None, "cap"),
        (policy.tenderer_cap, policy.tenderer_months, project.tenderer_credit_code,
         "tenderer_cap"))
    for cap, months, tenderer, word in caps:
        if not cap:
            continue
        counts: dict[int, int] = {}
        for expert_id, *_ in await served(ids, activity, months, tenderer):
            counts[expert_id] = counts.get(expert_id, 0) + 1
        for expert_id, count in counts.items():
            if count >= cap:
                out.setdefault(expert_id, for_cap(word, cap, months))
    return out


async def rule_evidence(activity: DrawActivity, expert_id: int, skip: Skip) -> dict[str, Any]:
    """The record a rule's skip names, read again (for the audit and the export)."""
    found: dict[str, Any] = {}
    if skip.kind == "sanction" and skip.record is not None:
        row = await Sanction.get_or_none(id=skip.record)
        if row is not None:
            found["sanction"] = {
                "expert_id": row.expert_id, "kind": row.kind, "outcome": row.outcome,
                "starts_on": row.starts_on.isoformat(),
                "ends_on": row.ends_on.isoformat() if row.ends_on else None}
    elif skip.kind == "supervisor":
        project = await Project.get(id=activity.project_id)
        codes, names = await supervisor_family(project)
        profile = await ExpertProfile.get_or_none(id=expert_id)
        found["supervisor"] = {"codes": sorted(codes), "names": sorted(names)}
        if profile is not None:
            found["expert_units"] = [profile.dept_credit_code, profile.unit_credit_code,
                                     profile.dept_name, profile.work_unit]
    elif skip.kind in ("cap", "tenderer_cap"):
        project = await Project.get(id=activity.project_id)
        found["tenderer"] = project.tenderer_credit_code
        found["served"] = [list(row[1:]) for row in await served(
            [expert_id], activity, skip.months or 0,
            project.tenderer_credit_code if skip.kind == "tenderer_cap" else None)]
    return found


def rule_problem(skip: Skip, expert_id: int, evidence: dict[str, Any],
                 activity: dict[str, Any]) -> str | None:
    """What is wrong with one rule's skip (None: the record bears it out)."""
    if skip.kind == "sanction":
        row = evidence.get("sanction")
        if row is None or row["expert_id"] != expert_id:
            return f"expert {expert_id} skipped for sanction {skip.record}, which is not theirs"
        first, last = activity["days"]
        if row["kind"] not in EXCLUDING or row["outcome"] == AppealOutcome.REVOKED \
                or row["starts_on"] > last or (row["ends_on"] or "9999") < first:
            return f"expert {expert_id} skipped for sanction {skip.record}, not in force then"
        return None
    if skip.kind == "supervisor":
        unit = set(evidence.get("expert_units") or []) - {"", None}
        wanted = set(evidence.get("supervisor", {}).get("codes", [])) | set(
            evidence.get("supervisor", {}).get("names", []))
        return None if unit & wanted else \
            f"expert {expert_id} skipped as the supervising department's staff, whom it " \
            "does not employ"
    cap, months = skip.cap or 0, skip.months or 0
    rows = evidence.get("served") or []
    start = datetime.fromisoformat(activity["eval_start"])
    since = months_before(start, months)
    counted = [r for r in rows if since <= datetime.fromisoformat(r[1]) < start and
               (skip.kind == "cap" or r[2] == evidence.get("tenderer"))]
    return None if len(counted) >= cap else \
        f"expert {expert_id} skipped at a cap of {cap} with {len(counted)} evaluations " \
        f"in {months} months"
