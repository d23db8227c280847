"""The trading centre's verification of draw activities (核验): only a verified activity
starts; the agency may withdraw its request until then."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from aiohttp import web
from pydantic import Field

from miniapp_api.audit import handed_out
from miniapp_api.framework import Api, Call
from miniapp_api.paging import PageOut, PageQuery
from miniapp_api.routes.draws.common import (
    EvidenceOut,
    UrgencyOut,
    actor,
    evidence_out,
    urgency_out,
)
from miniapp_api.schemas import Model
from models.draws import DrawStatus
from models.people import Role
from services.draws.setup import EVIDENCE_TYPES

api = Api()
TAG = "交易中心核验"
VERIFIER = {Role.VERIFIER}


class PendingOut(Model):
    id: int
    request: str = Field(description="submission 抽取/重新抽取/复评申请 · withdrawal 退选申请")
    kind: str = Field(description="normal / redraw / reeval / supplement")
    reason: str | None
    evidence: list[EvidenceOut]
    project: str
    project_number: str
    tenderer: str
    eval_start: datetime
    total: int
    committee: str = Field(default="", description=(
        "委员会组成的文字，如“评标委员会 5 人：招标人代表 1 人，专家 4 人（本库抽取 4 人）”"))
    terminal_name: str = Field(default="", description=(
        "提交终端：申请所在的交易中心名称（选择提交终端；未选择时为空）"))
    small_pools: int = Field(default=0, description=(
        "候选人少于名额3倍的条件数：通过时须确认（small_pool_ok）"))
    urgency: UrgencyOut | None = Field(default=None, description=(
        "申请按应急抽取时：原因及状态；通过时须决定是否同意（urgent）"))
    urgent_empty: int = Field(default=0, description=(
        "申请按应急抽取时，候选人中没有愿意应急的专家的条件数：同意应急须确认（urgent_empty_ok）"))


class PendingListOut(Model):
    activities: list[PendingOut]


class DecisionIn(Model):
    approve: bool
    reason: str = Field(default="", max_length=200, description="不通过时必填")
    small_pool_ok: bool = Field(default=False, description=(
        "已知候选人较少（少于名额的3倍）仍确认通过：有这样的条件时，通过须为 true"))
    urgent_empty_ok: bool = Field(default=False, description=(
        "同意按应急抽取，而有条件的候选人中没有愿意应急的专家时，须为 true（已知仍同意）"))
    urgent: bool | None = Field(default=None, description=(
        "申请了应急抽取的活动，通过时须决定：true 同意按应急抽取（先从愿意成为应急专家的"
        "专家中抽取，答复时限较短）；false 不同意，按常规抽取"))


class DecisionOut(Model):
    id: int
    status: str
    seed_hash: str | None = Field(default=None, description="通过时生成并公布的种子摘要")


@api.route("GET", "/verify/activities", access=VERIFIER, response=PendingListOut,
           summary="待核验的抽取活动（本交易中心辖区）", tag=TAG)
async def pending(call: Call) -> PendingListOut:
    out = []
    for a in await call.domain.draws.facts.scope.waiting_verification(call.caller.grants):
        request = "submission" if a.status == DrawStatus.SUBMITTED else "withdrawal"
        sizes = await call.domain.draws.randomness.pool_size.pool_sizes(a, call.now) \
            if request == "submission" else []
        urgency = await call.domain.draws.setup.urgency.of(a)
        out.append(PendingOut(
            id=a.id, request=request, kind=a.kind,
            reason=a.submit_reason if request == "submission" else a.withdraw_reason,
            evidence=[evidence_out(e)
                      for e in await call.domain.draws.setup.evidence.evidence_of(a, request)],
            project=a.project.name, project_number=a.project.number or "",
            tenderer=a.project.tenderer_name, eval_start=a.eval_start, total=a.total,
            committee=await call.domain.draws.facts.committee.words(call.services.texts, a,
                                                                    a.project),
            terminal_name=call.domain.draws.setup.terminals.terminal_name(
                call.services.texts, a.terminal) if a.terminal
            else "", small_pools=sum(s.small for s in sizes), urgency=urgency_out(urgency),
            urgent_empty=sum(not s.willing for s in sizes) if urgency else 0))
    return PendingListOut(activities=out)


@api.route("POST", "/verify/activities/{activity_id}", access=VERIFIER, body=DecisionIn,
           response=DecisionOut, summary="核验：通过或不通过（附原因）", tag=TAG)
async def decide(call: Call, body: DecisionIn) -> DecisionOut:
    activity = await call.domain.draws.facts.scope.verifiable_activity(call.caller.grants,
                                                                       call.path_int("activity_id"))
    activity = await call.domain.draws.setup.verification.verify(
        activity, actor(call, "verifier"), body.approve, body.reason, call.now,
        body.small_pool_ok, body.urgent, body.urgent_empty_ok)
    return DecisionOut(id=activity.id, status=activity.status, seed_hash=activity.seed_hash)


@api.route("POST", "/verify/activities/{activity_id}/withdrawal", access=VERIFIER,
           body=DecisionIn, response=DecisionOut,
           summary="核验退选申请：通过后取消评标并通知全部专家；不通过须附原因", tag=TAG)
async def decide_withdrawal(call: Call, body: DecisionIn) -> DecisionOut:
    activity = await call.domain.draws.facts.scope.verifiable_activity(call.caller.grants,
                                                                       call.path_int("activity_id"))
    followups, who = call.domain.draws.followups.withdrawals, actor(call, "verifier")
    activity = (await followups.approve_withdrawal(activity.id, who, call.now) if body.approve
                else await followups.refuse_withdrawal(activity.id, who, body.reason,
                                                       call.now))
    return DecisionOut(id=activity.id, status=activity.status)


class DecidedOut(Model):
    activity_id: int
    project: str
    project_number: str
    kind: str
    at: datetime
    action: str = Field(description="verify / refuse / withdrawal_approve / withdrawal_refuse")
    title: str
    verifier: str = Field(description="核验人（脱敏）")
    reason: str | None


class HistoryOut(PageOut):
    decisions: list[DecidedOut]


@api.route("GET", "/verify/history", access=VERIFIER, query=PageQuery, response=HistoryOut,
           summary="核验记录（本交易中心辖区，最新在前，分页）", tag=TAG)
async def history(call: Call, query: PageQuery) -> HistoryOut:
    texts = call.services.texts
    found = await call.domain.draws.facts.scope.decided_in_scope(call.caller.grants, query.limit,
                                                                 query.after)
    return HistoryOut(decisions=[DecidedOut(
        activity_id=a.id, project=a.project.name, project_number=a.project.number or "",
        kind=a.kind, at=e.at, action=e.action,
        title=texts.render("draw/action.j2", action=e.action), verifier=e.actor_name,
        reason=e.reason) for e, a in found.rows], next=found.next)


@api.route("GET", "/verify/activities/{activity_id}/evidence/{evidence_id}",
           access=VERIFIER, response=None, summary="下载申请附件", tag=TAG,
           files=tuple(sorted(EVIDENCE_TYPES)))
async def download_evidence(call: Call) -> web.Response:
    activity = await call.domain.draws.facts.scope.verifiable_activity(call.caller.grants,
                                                                       call.path_int("activity_id"))
    item, data = await call.domain.draws.setup.evidence.evidence_file(call.domain.files, activity,
                                                                      call.path_int("evidence_id"))
    handed_out(call.request)  # the agency's request for the draw: nobody's personal data
    return web.Response(body=data, content_type=item.content_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(item.filename)}"})
