"""How a remote evaluation's 副场 experts are paid when another library serves the 副场
(FG-807: 副场 experts are paid by either side's standard, 就高不就低 encouraged): the asking
library, which holds the 主场, sends its administrator's rule and its standard in force on
the evaluation's day with its request; the library serving the 副场 pays its own experts
by that rule, between that standard ("ours": the 主场's) and its own ("theirs": the
副场's). Amounts travel in fen, as integers (docs/federation.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

from models.draws import Notice
from models.federated_draws import PeerDraw
from models.fees import FeeStandard
from services.common.errors import BadInput
from services.fees import HOURLY, PROFILES, FeeStandards

RULES = ("ours", "theirs", "higher")
MONEY = ("base_fen", "hour_fen", "daily_cap_fen", "cancel_fen", "travel_fen", "meal_fen")
TIERS = ("late_hour_fen", "next_day_hour_fen")  # the tiered profile's (optional)
MAX_FEN = 10_000_000  # as a standard published here may hold


async def terms_for(day: date) -> dict[str, Any] | None:
    """This library's rule and standard in force on `day`, as a request carries them; None
    when no standard is published here (the other library's own then applies)."""
    standard = await FeeStandards.in_force(day)
    if standard is None:
        return None
    return {"rule": standard.secondary_rule, "standard": {
        "name": standard.name, "base_hours": standard.base_hours,
        "part_hour_counts": standard.part_hour_counts,
        **{k: getattr(standard, k) for k in MONEY},
        # version 1.1: the profile and its tiers (a peer that knows none reads it as hourly)
        "profile": standard.profile, "late_after_hours": standard.late_after_hours,
        **{k: getattr(standard, k) for k in TIERS}}}


def read_terms(data: Any) -> tuple[str, FeeStandard] | None:
    """The rule and the 主场's standard a request carried, checked (an unsaved standard, for
    the computation only); None when it carried none. BadInput names a bad field."""
    if data is None:
        return None
    if not isinstance(data, dict) or data.get("rule") not in RULES:
        raise BadInput("federation.bad_request", field="fee_rule")
    given = data.get("standard")
    if not isinstance(given, dict):
        raise BadInput("federation.bad_request", field="fee_standard")
    values: dict[str, Any] = {}
    for key in (*MONEY, "base_hours"):
        value = given.get(key)
        top = 24 if key == "base_hours" else MAX_FEN
        if isinstance(value, bool) or not isinstance(value, int) or \
                not (1 if key == "base_hours" else 0) <= value <= top:
            raise BadInput("federation.bad_request", field=f"fee_standard_{key}")
        values[key] = value
    name = given.get("name")
    if not isinstance(name, str) or not name.strip():
        raise BadInput("federation.bad_request", field="fee_standard_name")
    counts = given.get("part_hour_counts")
    if not isinstance(counts, bool):
        raise BadInput("federation.bad_request", field="fee_standard_part_hour_counts")
    profile = given.get("profile", HOURLY)
    if profile not in PROFILES:
        raise BadInput("federation.bad_request", field="fee_standard_profile")
    for key, top in (("late_after_hours", 24), *((k, MAX_FEN) for k in TIERS)):
        value = given.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
            raise BadInput("federation.bad_request", field=f"fee_standard_{key}")
        values[key] = value
    return str(data["rule"]), FeeStandard(name=name.strip()[:64], part_hour_counts=counts,
                                          notes="", profile=profile, **values)


class FeeTerms:
    """The fee rule and standard a remote evaluation's 主场 library sends with its request,
    and those of a 副场 this library serves for it (the fees context's hook)."""

    @staticmethod
    async def hosted(notice: Notice, day: date) -> tuple[str, FeeStandard] | None:
        """For a 副场 served here for another library: the rule and standard its request carried
        (services.draws' HOSTED_TERMS asks it); None for any other venue."""
        draw = await PeerDraw.get_or_none(activity_id=notice.activity_id)
        if draw is None:
            return None
        return read_terms(draw.request.get("fee"))
