"""Experts' fees by the published standard: a standard published, an evaluation that ran
for so many hours, a row of the fee sheet."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from models.draws import DrawActivity, Invitation, Project
from services.common.clock import CHINA
from tests.support.api import Api
from tests.support.draw_world import (
    the_results_unseal,
)

EXAMPLE = {"name": "2025年评标专家劳务费标准", "base_hours": 3, "base_yuan": "400.00",
           "hour_yuan": "100.00", "part_hour_counts": True, "daily_cap_yuan": "800.00",
           "cancel_yuan": "200.00", "travel_yuan": "150.00", "meal_yuan": "100.00"}


async def publish(api: Api, demo: dict, effective_from: date, **changes: Any) -> Any:
    token = await api.login(demo["admin"].mp_openid)
    return await api.call("POST", "/admin/fee-standards", token, {
        **EXAMPLE, "effective_from": effective_from.isoformat(), **changes})


async def evaluation_over(aid: int) -> datetime:
    """The results unsealed, the evaluation held today from 09:00 to 15:00 (China time)
    and over."""
    now = datetime.now(UTC)
    await the_results_unseal(aid, now)
    await DrawActivity.filter(id=aid).update(finished_at=now, eval_start=nine_today(now),
                                             eval_end=nine_today(now) + timedelta(hours=6))
    return now


async def worked(item: Invitation, start: datetime, hours: float) -> None:
    """The expert checked in at `start` and out `hours` later (the venue's QR code)."""
    await Invitation.filter(id=item.id).update(
        checkin_at=start, checkout_at=start + timedelta(hours=hours))


def nine_today(now: datetime) -> datetime:
    """09:00 China time on the evaluation's day."""
    return now.astimezone(CHINA).replace(hour=9, minute=0, second=0, microsecond=0)


def row_of(fees: Any, item: Invitation) -> dict[str, Any]:
    return next(e for e in fees.data["experts"] if e["invitation_id"] == item.id)


async def procured(aid: int) -> None:
    """The evaluation's project is a 政府采购 one (CK-198 rules its experts' fees)."""
    activity = await DrawActivity.get(id=aid)
    await Project.filter(id=activity.project_id).update(kind="政府采购/服务")


LEFT_EARLY = {"late": False, "left_early": True, "conduct": [], "score": 60,
              "comment": "评审未结束即离开评标室，未在评审报告上签字"}
