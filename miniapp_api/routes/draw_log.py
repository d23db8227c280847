"""The operation log of a draw (who did what, when, why): the agency for its own
activities, the trading centre's verifier for those it may verify, the administrator for
any."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draw_common import AGENCY, activity_in_path
from miniapp_api.schemas import Model
from models.draws import DrawActivity
from models.people import Role
from services.draws.family import root_of
from services.draws.oplog import log_of
from services.draws.scope import any_activity, verifiable_activity
from services.draws.seal import check_sealed
from services.draws.sealed import SEALED_ACTIONS

api = Api()
TAG = "操作记录"


class LogEntryOut(Model):
    activity_id: int
    at: datetime
    role: str
    actor: str  # masked name, or 系统
    action: str
    title: str
    reason: str | None
    detail: dict[str, Any]


class LogOut(Model):
    entries: list[LogEntryOut]


async def log_out(call: Call, activity: DrawActivity, *, agency: bool = False) -> LogOut:
    """The log; the agency's, while the results are sealed, without what would tell who was
    drawn: a sealed 补抽's own entries, and what came of a sealed request (docs/seal.md)."""
    texts = call.services.texts
    entries = await log_of(activity)
    root = await root_of(activity)
    sealed = agency and check_sealed(root, call.now)
    return LogOut(entries=[LogEntryOut(
        activity_id=e.activity_id, at=e.at, role=e.role, actor=e.actor_name, action=e.action,
        title=texts.render("draw/action.j2", action=e.action), reason=e.reason,
        detail={} if sealed and e.action in SEALED_ACTIONS else e.detail)
        for e in entries if not (sealed and e.activity_id != root.id)])


@api.route("GET", "/draws/activities/{activity_id}/log", access=AGENCY, response=LogOut,
           summary="抽取活动的操作记录（含补抽）", tag=TAG)
async def agency_log(call: Call) -> LogOut:
    return await log_out(call, await activity_in_path(call), agency=True)


@api.route("GET", "/verify/activities/{activity_id}/log", access={Role.VERIFIER},
           response=LogOut, summary="抽取活动的操作记录（本交易中心辖区）", tag=TAG)
async def verifier_log(call: Call) -> LogOut:
    return await log_out(call, await verifiable_activity(call.caller.grants,
                                                         call.path_int("activity_id")))


@api.route("GET", "/admin/draws/{activity_id}/log", access={Role.ADMIN}, response=LogOut,
           summary="抽取活动的操作记录（管理员）", tag=TAG)
async def admin_log(call: Call) -> LogOut:
    return await log_out(call, await any_activity(call.path_int("activity_id")))
