"""Every candidate a draw passed over is recorded with why and the record that shows it
(services/draws/candidates/pool.py `blocked`): "unavailable:<unavailability id>" (a day off
declared on an evaluation day), "remote:<venue region>" (否 answered to 异地评标, the venue
异地 for them), "booked:<activity id>" (invited or confirmed for an overlapping evaluation there),
"invited:<invitation id>" (already invited by this one), "inactive", and the library's rules
(services/draws/candidates/rules.py: sanctions, supervisors, caps). The audit reads that record
again and checks it bears the reason out, so a skip cannot be made up to pass over the
candidate the order put next. The evidence travels with an exported record, so the check
runs offline too."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from models.draws import DrawActivity, Invitation
from models.experts import ExpertPastUnit, ExpertProfile, Unavailability
from services.draws.candidates.past_units import inside
from services.draws.candidates.pool import avoidance, avoided, avoided_units, eval_days
from services.draws.candidates.relations import related_evidence, related_problem
from services.draws.candidates.rules import rule_evidence, rule_problem
from services.draws.candidates.skip_reasons import RULES, read
from services.reference import Reference


async def evidence_of(activity: DrawActivity, expert_id: int, reason: str) -> dict[str, Any]:
    """The record a skip names, as JSON (an empty dict when it does not exist)."""
    skip = read(reason)
    profile = await ExpertProfile.get_or_none(id=expert_id)
    found: dict[str, Any] = {"expert_person_id": profile.person_id if profile else None,
                             "expert_active": profile.active if profile else None}
    if skip is None:
        return found
    if skip.kind == "avoided":
        found["avoided"] = expert_id in await avoided(activity, [expert_id])
    if skip.kind == "past_unit":
        past = await ExpertPastUnit.get_or_none(id=skip.record)
        if past is not None:
            codes, names = await avoided_units(activity)
            found.update(past_expert_id=past.expert_id,
                         started_on=past.started_on.isoformat(),
                         ended_on=past.ended_on.isoformat() if past.ended_on else None,
                         past_avoided=past.credit_code in codes or past.unit_name in names)
    if skip.kind in ("relative", "related") and skip.record is not None:
        codes, names, hashes, _, _ = await avoidance(activity)
        found.update(await related_evidence(activity, skip.kind, skip.record, expert_id,
                                            (codes, names, hashes)))
    if skip.kind == "remote" and profile is not None:
        # a bool in the evidence whatever the driver hands back (SQLite's 0/1 included)
        found.update(region=profile.region, remote_ok=bool(profile.remote_ok))
    if skip.kind in RULES:
        found.update(await rule_evidence(activity, expert_id, skip))
    if skip.kind == "unavailable":
        row = await Unavailability.get_or_none(id=skip.record)
        if row is not None:
            found.update(person_id=row.person_id, date_from=row.date_from.isoformat(),
                         date_to=row.date_to.isoformat())
    elif skip.kind == "booked":
        other = await DrawActivity.get_or_none(id=skip.record)
        there = await Invitation.filter(activity_id=skip.record, expert_id=expert_id).first()
        if other is not None and there is not None:
            found.update(eval_start=other.eval_start.isoformat(),
                         eval_end=other.eval_end.isoformat(), invitation=there.id)
    elif skip.kind == "invited":
        invitation = await Invitation.get_or_none(id=skip.record)
        if invitation is not None:
            found.update(activity_id=invitation.activity_id, expert_id=invitation.expert_id)
    return found


def skip_problem(reason: str, expert_id: int, evidence: dict[str, Any],
                 activity: dict[str, Any]) -> str | None:
    """What is wrong with one recorded skip (None: its record bears it out). `activity` is
    the draw's own id, evaluation start and end (ISO) and evaluation days."""
    skip = read(reason)
    if skip is None:
        return f"expert {expert_id} skipped for a reason no rule has: {reason!r}"
    kind, ref = skip.kind, skip.ref
    if kind in RULES:
        return rule_problem(skip, expert_id, evidence, activity)
    if kind == "avoided":
        return None if evidence.get("avoided") else \
            f"expert {expert_id} skipped as avoided, whom the activity does not avoid"
    if kind == "past_unit":
        if evidence.get("past_expert_id") != expert_id:
            return f"expert {expert_id} skipped for work history {skip.record}, which is " \
                   "not theirs"
        if not evidence.get("past_avoided"):
            return f"expert {expert_id} skipped for a past unit the activity does not avoid"
        ended = evidence.get("ended_on")
        if not inside(date.fromisoformat(ended) if ended else None,
                      date.fromisoformat(evidence["started_on"]),
                      date.fromisoformat(activity["days"][0]), skip.years or 0):
            return f"expert {expert_id} skipped for a past unit left before the " \
                   f"{skip.years}-year window"
        return None
    if kind in ("relative", "related"):
        return related_problem(kind, ref, expert_id, evidence)
    if kind == "remote":
        return None if evidence.get("remote_ok") is False and Reference.regions.elsewhere(
            evidence.get("region"), skip.place) else \
            f"expert {expert_id} skipped as declining 异地 evaluation at {ref}, which is " \
            "not 异地 for them or they accept"
    if kind == "inactive":
        return None if evidence.get("expert_person_id") is not None else \
            f"expert {expert_id} skipped as inactive does not exist"
    if kind == "unavailable":
        if "person_id" not in evidence:
            return f"expert {expert_id} skipped as unavailable: no day off {ref} on record"
        if evidence["person_id"] != evidence.get("expert_person_id"):
            return f"expert {expert_id} skipped for day off {ref}, which is someone else's"
        first, last = (date.fromisoformat(d) for d in activity["days"])
        if date.fromisoformat(evidence["date_to"]) < first or \
                date.fromisoformat(evidence["date_from"]) > last:
            return f"expert {expert_id} skipped for day off {ref}, not on an evaluation day"
        return None
    if kind == "booked":
        if "invitation" not in evidence or int(ref) == activity["id"]:
            return f"expert {expert_id} skipped as booked by activity {ref}, which has " \
                   "no invitation of theirs"
        start, end = (datetime.fromisoformat(activity[k]) for k in ("eval_start", "eval_end"))
        if datetime.fromisoformat(evidence["eval_start"]) >= end or \
                datetime.fromisoformat(evidence["eval_end"]) <= start:
            return f"expert {expert_id} skipped as booked by activity {ref}, whose time " \
                   "does not overlap"
        return None
    if kind == "invited":
        if evidence.get("activity_id") != activity["id"] or \
                evidence.get("expert_id") != expert_id:
            return f"expert {expert_id} skipped as invited by invitation {ref}, which is " \
                   "not theirs in this draw"
        return None
    return f"expert {expert_id} skipped for a reason no rule has: {reason!r}"


class Skips:
    """The candidates a draw passed over, each with the facts the auditor checks."""

    @staticmethod
    def activity_facts(activity: DrawActivity) -> dict[str, Any]:
        """What skip_problem needs of the draw itself."""
        first, last = eval_days(activity)
        return {"id": activity.id, "eval_start": activity.eval_start.isoformat(),
                "eval_end": activity.eval_end.isoformat(),
                "days": [first.isoformat(), last.isoformat()]}
