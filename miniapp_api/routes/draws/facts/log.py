"""The operation log of a draw (who did what, when, why): the agency for its own
activities, the trading centre's verifier for those it may verify, the administrator for
any."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import AGENCY, activity_in_path
from miniapp_api.schemas import Model
from models.draws import DrawActivity
from models.people import Role
from services.common.clock import CHINA
from services.draws.followups import SEALED_ACTIONS

api = Api()
TAG = "操作记录"
# what the agency's log keeps to itself while its results are sealed: whom it concerns
HIDDEN = (*SEALED_ACTIONS, "staff_checkin", "staff_checkout")


class LogEntryOut(Model):
    activity_id: int
    number: str = Field(description="活动编号（CQSQ…）")
    at: datetime
    role: str
    actor: str  # masked name, or 系统
    action: str
    title: str
    about: str = Field(default="", description="所涉专家（脱敏）和金额，如“专家 李*国，900.00元”")
    reason: str | None
    detail: dict[str, Any]


class LogOut(Model):
    entries: list[LogEntryOut]


async def log_out(call: Call, activity: DrawActivity, *, agency: bool = False) -> LogOut:
    """The log; the agency's, while the results are sealed, without what would tell who was
    drawn: a sealed 补抽's own entries, and what came of a sealed request (docs/seal.md)."""
    texts, views = call.services.texts, call.domain.draws.news.views
    entries = await call.domain.draws.facts.oplog.log_of(activity)
    root = await call.domain.draws.facts.family.root_of(activity)
    sealed = agency and call.domain.draws.facts.seal.check_sealed(root, call.now)
    about = await call.domain.trail_words.log_concerns(entries)
    return LogOut(entries=[LogEntryOut(
        activity_id=e.activity_id, at=e.at, role=e.role, actor=e.actor_name, action=e.action,
        # a 补抽 is numbered as a draw; the activity itself by its kind
        number=views.activity_number(e.activity_id, root.kind)
        if e.activity_id == root.id else views.activity_number(e.activity_id),
        title=texts.render("draw/action.j2", action=e.action,
                           result=call.domain.trail_words.result(e)), reason=e.reason,
        about="" if sealed and e.action in HIDDEN else about.get(e.id, ""),
        detail={} if sealed and e.action in HIDDEN else e.detail)
        for e in entries if not (sealed and e.activity_id != root.id)])


@api.route("GET", "/draws/activities/{activity_id}/log", access=AGENCY, response=LogOut,
           summary="抽取活动的操作记录（含补抽）", tag=TAG)
async def agency_log(call: Call) -> LogOut:
    return await log_out(call, await activity_in_path(call), agency=True)


@api.route("GET", "/verify/activities/{activity_id}/log", access={Role.VERIFIER},
           response=LogOut, summary="抽取活动的操作记录（本交易中心辖区）", tag=TAG)
async def verifier_log(call: Call) -> LogOut:
    activity = await call.domain.draws.facts.scope.verifiable_activity(call.caller.grants,
                                                                       call.path_int("activity_id"))
    return await log_out(call, activity)


@api.route("GET", "/admin/draws/{activity_id}/log", access={Role.ADMIN}, response=LogOut,
           summary="抽取活动的操作记录（管理员）", tag=TAG)
async def admin_log(call: Call) -> LogOut:
    activity = await call.domain.draws.facts.scope.any_activity(call.path_int("activity_id"))
    return await log_out(call, activity)


class DayQuery(Model):
    day: date | None = Field(default=None, description="评标日期（中国时间），默认今天")


class DayDrawOut(Model):
    id: int
    project: str
    agency: str
    kind: str
    status: str
    status_title: str
    eval_start: datetime
    planned: int
    confirmed: int
    terminal_name: str = Field(default="", description="提交终端：核验本活动的交易中心名称")


class DayDrawsOut(Model):
    day: date
    draws: list[DayDrawOut]


@api.route("GET", "/admin/draws", access={Role.ADMIN}, query=DayQuery, response=DayDrawsOut,
           summary="某日（默认今天）评标的全部抽取活动：状态与人数（管理员）", tag=TAG)
async def day_draws(call: Call, query: DayQuery) -> DayDrawsOut:
    day = query.day or call.now.astimezone(CHINA).date()
    texts = call.services.texts
    found = await call.domain.draws.record.dashboard.evaluations_on(day)
    terminals = call.domain.draws.setup.terminals
    return DayDrawsOut(day=day, draws=[DayDrawOut(
        id=d.activity.id, project=d.project, agency=d.agency,
        kind=texts.render("console/activity_kind.j2", kind=d.activity.kind).strip(),
        status=d.activity.status, status_title=texts.word(
            "draw_status", call.domain.draws.facts.shown.shown_status(
                d.activity.status, d.activity.eval_start, d.activity.finished_at, call.now)),
        eval_start=d.activity.eval_start,
        planned=d.counts.planned, confirmed=d.counts.confirmed,
        terminal_name=terminals.terminal_name(texts, d.activity.terminal)
        if d.activity.terminal else "") for d in found])
