"""The agency's handler's link at its end (the 有效期 the legal person gives it): the legal
person renews it a week ahead (or, refused, once it has lapsed) and the handler accepts.
Every draw of the agency waits on that link."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from models.people import Role, RoleGrant
from services.common.clock import china_time
from tests.support.year.world import Year


async def handler_until(year: Year) -> datetime | None:
    """When the demo handler's link ends."""
    grant = await RoleGrant.filter(role=Role.AGENCY_HANDLER, revoked_at=None).order_by(
        "id").first()
    return grant.valid_until if grant else None


async def renew(year: Year, state: dict[str, Any]) -> None:
    """The legal person links the handler for another year, and the handler accepts."""
    if state.get("renewed"):
        return
    legal = await year.api.login(year.demo["agency_legal"].mp_openid)
    asked = await year.api.call("POST", "/agency/handlers", legal, {
        "phone": year.demo["handler"].phone,
        "valid_until": (year.now() + timedelta(days=365)).isoformat()})
    if asked.status != 200:
        state.setdefault("refused", f"{china_time(year.now())}: {asked.message}")
        return
    handler = await year.api.login(year.demo["handler"].mp_openid)
    waiting = await year.api.call("GET", "/agency/link-requests", handler)
    for request in waiting.data.get("requests", []):
        accepted = await year.api.call(
            "POST", f"/agency/link-requests/{request['id']}/accept", handler)
        if accepted.status == 200:
            state["renewed"] = year.now()
            year.ran("handler links renewed")
            return
    year.broke(f"{year.today()} the handler found no link request to accept")


async def renewed_in_time(year: Year, state: dict[str, Any], ends: datetime) -> None:
    """After the link's end: renewed ahead of it, or the gap the agency could not draw in."""
    if "refused" in state:
        year.broke(f"the handler's link could not be renewed before it ended "
                   f"{china_time(ends)} (refused {state.pop('refused')})")
    renewed = state.get("renewed")
    if renewed is not None and renewed > ends and not state.get("gap_told"):
        state["gap_told"] = True
        year.month.notes.append(f"handler link lapsed {china_time(ends)}, renewed "
                                f"{china_time(renewed)}")
