"""The venue a notice names (GD-DRAW: "评标场所：请选择通知专家集合的场所，如非交易中心场所，
选择“其他”并填写集合地点信息"): picked from the trading centre's venues by its record, or,
for a venue outside the centre, typed. What the
centre set for its venue (the identity check at check-in: services/draws/venue/identity_rule.py)
follows the record the notice picked, never how its name was spelled
(docs/rules-that-are-ours.md, "A notice's venue is the centre's record")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.draws import DrawActivity, Notice
from models.venues import Venue
from services.common.errors import BadInput


def plain(name: str) -> str:
    """A venue's name as typed, its spaces collapsed (the one spelling a typed name is
    matched in: exactly, once)."""
    return " ".join(name.split())


class VenueChoice:
    """The centre's venues a notice picks from, and the venue a notice's values name."""

    @staticmethod
    async def choices(activity: DrawActivity) -> list[Venue]:
        """The venues of the centre the activity's request goes to (选择提交终端), or, none
        chosen, of the centres covering its project's region, by name."""
        project = await activity.project
        where = activity.terminal or project.region
        found = await Venue.all().order_by("name")
        return [v for v in found if where.startswith(v.region) or v.region.startswith(where)]

    async def pick(self, activity: DrawActivity, values: dict[str, Any]) -> dict[str, Any]:
        """The notice's venue from its values: the picked venue's record (its name with it),
        or a typed name, linked to the centre's venue of exactly that name if there is one
        (else a venue outside the centre); refused in words when neither is given."""
        values = dict(values)
        picked = values.get("venue_id")
        offered = await self.choices(activity)
        if picked is not None:
            venue = next((v for v in offered if v.id == picked), None)
            if venue is None:
                raise BadInput("notice.venue_unknown")
            values["venue"] = venue.name
            return values
        typed = plain(values.get("venue") or "")
        if len(typed) < 2:
            raise BadInput("notice.venue_missing")
        values["venue"] = typed
        values["venue_id"] = next((v.id for v in offered if v.name == typed), None)
        return values

    @staticmethod
    async def named(name: str) -> int | None:
        """The centre's venue of exactly this name (a notice another library sends has only
        its name: matched once, as it comes)."""
        venue = await Venue.get_or_none(name=plain(name))
        return venue.id if venue else None

    @staticmethod
    async def link_typed(venue: Venue, now: datetime) -> int:
        """A venue the centre registers: the notices of evaluations not yet over that typed
        exactly its name, and picked none, are linked to it (once; a later spelling links
        nothing)."""
        ids = [n.id for n in await Notice.filter(venue_id=None, activity__eval_end__gt=now)
               if plain(n.venue) == venue.name]
        if not ids:
            return 0
        return await Notice.filter(id__in=ids).update(venue_id=venue.id)
