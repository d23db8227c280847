"""Reviewers: the queue of applications at a stage in their scope, the file of one, and
decisions (approve / return per item / reject)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from aiohttp import web
from pydantic import Field

from miniapp_api.audit import handed_out
from miniapp_api.framework import Api, Call
from miniapp_api.paging import PageOut, PageQuery
from miniapp_api.routes.applicants.applications import ApplicationOut, application_out
from miniapp_api.schemas import Model
from models.people import Role
from services.audit import ATTACHMENTS
from services.common.pii import mask_phone

api = Api()
TAG = "审核"
REVIEWER = {Role.REVIEWER}


class QueueItem(Model):
    id: int
    batch: str
    applicant: str
    phone: str
    region: str | None
    industry: str | None
    stage: str
    waiting_industries: list[str] = Field(
        description="行业部门预审环节：还在等待预审的行业（每个评标专业由其所属行业部门预审）")
    submitted_at: datetime | None
    review_until: datetime | None = Field(default=None, description="批次审核截止")


class QueueOut(Model):
    applications: list[QueueItem]


class DecisionIn(Model):
    action: Literal["approve", "return", "reject"]
    reason: str = Field(default="", max_length=500)
    items: list[str] = Field(default=[], description="退回项：basic、specialties、"
                             "specialty:<代码>、attachment:<类型> 等")
    admitted: list[str] | None = Field(default=None, description="终审时确认入库的专业（默认全部）")


@api.route("GET", "/review/queue", access=REVIEWER, response=QueueOut,
           summary="待我审核的申请（本人层级、地区、行业范围内）", tag=TAG)
async def queue(call: Call) -> QueueOut:
    review = call.domain.review
    scope = review.review_scope
    entries = await review.queue_entries(call.caller.grants)
    return QueueOut(applications=[QueueItem(
        id=a.id, batch=a.batch.name, applicant=person.name, phone=mask_phone(person.phone),
        region=a.region, industry=a.industry, stage=scope.stages(a.batch)[a.stage].title,
        waiting_industries=scope.waiting_industries(a)
        if scope.stages(a.batch)[a.stage].by_industry else [],
        submitted_at=a.submitted_at, review_until=a.batch.review_until)
        for a, person in entries])


@api.route("GET", "/review/applications/{app_id}", access=REVIEWER, response=ApplicationOut,
           summary="审核：查看申请（仅限本人范围内的当前环节）", tag=TAG)
async def view(call: Call) -> ApplicationOut:
    app = await call.domain.review.readable(call.path_int("app_id"), call.caller.grants,
                                            call.caller.need_person().id)
    return await application_out(call, app)


@api.route("GET", "/review/applications/{app_id}/attachments/{attachment_id}",
           access=REVIEWER, summary="审核：下载附件", tag=TAG,
           files=("application/pdf", "image/jpeg", "image/png"))
async def attachment(call: Call) -> web.Response:
    app = await call.domain.review.readable(call.path_int("app_id"), call.caller.grants,
                                            call.caller.need_person().id)
    item, data = await call.domain.applications.uploads.attachment_file(
        app, call.path_int("attachment_id"))
    face = ATTACHMENTS.get(item.kind)  # an ID card's face: the name and number in full
    handed_out(call.request, people=1,  # one applicant's
               held=face.held() if face else None, why=face.why if face else "")
    return web.Response(body=data, content_type=item.content_type)


@api.route("POST", "/review/applications/{app_id}/decision", access=REVIEWER, body=DecisionIn,
           response=ApplicationOut, summary="审核决定：通过 / 退回修改（逐项，附原因） / 不通过",
           tag=TAG)
async def decide(call: Call, body: DecisionIn) -> ApplicationOut:
    app = await call.domain.review.decide(
        call.path_int("app_id"), call.caller.need_person(), call.caller.grants, body.action,
        call.now, reason=body.reason, items=body.items, admitted=body.admitted)
    return await application_out(call, app)


class DecidedOut(Model):
    application_id: int
    batch: str
    applicant: str
    stage: str | None
    action: str
    title: str = Field(description="审核通过 / 退回修改 / 审核不通过")
    reason: str | None
    at: datetime
    status_title: str = Field(description="申请现在的状态")


class DecidedListOut(PageOut):
    decisions: list[DecidedOut]


@api.route("GET", "/review/history", access=REVIEWER, query=PageQuery,
           response=DecidedListOut, summary="我的审核记录（最新在前，分页）及申请现在的状态",
           tag=TAG)
async def history(call: Call, query: PageQuery) -> DecidedListOut:
    texts = call.services.texts
    found = await call.domain.review.decided_by(call.caller.need_person().id, query.limit,
                                                query.after)
    return DecidedListOut(decisions=[DecidedOut(
        application_id=d.application.id, batch=d.application.batch.name,
        applicant=d.applicant, stage=d.entry.stage_title, action=d.entry.action,
        title=texts.render("review/action.j2", action=d.entry.action).strip(),
        reason=d.entry.reason, at=d.entry.at,
        status_title=texts.word("application_status", d.application.status))
        for d in found.rows], next=found.next)


class SanctionLineOut(Model):
    kind: str = Field(description="处理种类（文字）")
    period: str
    reason: str
    in_force: bool = Field(description="今日仍在执行")
    revoked: bool = Field(description="申诉后已撤销")


class FlagLineOut(Model):
    found_at: datetime
    cases: int = Field(description="查得的失信案件数")
    open: bool = Field(description="待管理员处理")
    note: str = Field(description="管理员的处理意见")


class CourseLineOut(Model):
    title: str
    hours: int = Field(description="学时")
    grading: str = Field(description="考核结果代码：空（未提交）/ pending / passed / failed")
    grading_title: str = Field(description="考核结果（文字）")
    completed_at: datetime | None = Field(default=None, description="完成时间")


class StandingOut(Model):
    expert: bool = Field(description="申请人是否（曾）为评标专家；否则以下为空")
    expert_number: str | None = None
    active: bool | None = Field(default=None, description="否：已注销")
    credit_score: int | None = None
    credit_level: str | None = None
    sanctions: list[SanctionLineOut] = Field(default_factory=list)
    flags: list[FlagLineOut] = Field(default_factory=list)
    courses: list[CourseLineOut] = Field(default_factory=list,
                                         description="继续教育：已缴费的课程及考核结果（最新在前）")


@api.route("GET", "/review/applications/{app_id}/standing", access=REVIEWER,
           response=StandingOut, tag=TAG,
           summary="审核：申请人作为评标专家的记录（信用、处理、失信被执行人核查），续聘与变更时参考")
async def standing(call: Call) -> StandingOut:
    app = await call.domain.review.readable(call.path_int("app_id"), call.caller.grants,
                                            call.caller.need_person().id)
    found = await call.domain.review.standing_view.applicant_standing(app.person_id, call.now)
    if found is None:
        return StandingOut(expert=False)
    return StandingOut(
        expert=True, expert_number=found.expert_number, active=found.active,
        credit_score=found.score, credit_level=found.level,
        sanctions=[SanctionLineOut(kind=s.kind, period=s.period, reason=s.reason,
                                   in_force=s.in_force, revoked=s.revoked)
                   for s in found.sanctions],
        flags=[FlagLineOut(found_at=f.found_at, cases=f.cases, open=f.open, note=f.note)
               for f in found.flags],
        courses=[CourseLineOut(title=c.title, hours=c.hours, grading=c.grading,
                               grading_title=call.services.texts.word("grading", c.grading),
                               completed_at=c.completed_at)
                 for c in found.courses])
