"""Formal experts: change and region-change requests, unavailable dates, deregistration."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Literal

from aiohttp import web
from pydantic import Field

from miniapp_api.audit import handed_out
from miniapp_api.framework import Api, Call
from miniapp_api.routes.applicants.applications import ApplicationOut, application_out
from miniapp_api.schemas import Model, Ok
from models.applications import AppKind
from models.experts import Unavailability
from models.people import Role
from services.onboarding import STEPS

api = Api()
TAG = "专家"
EXPERT = {Role.EXPERT}


class RequestIn(Model):
    kind: Literal["change", "transfer"] = Field(
        description="change：信息变更；transfer：异动（更换常驻地区）")


class StepOut(Model):
    step: str = Field(description="profile / review / education")
    title: str
    done: bool


class StepsOut(Model):
    applies: bool = Field(description="从原系统迁移的专家：须按顺序办理")
    steps: list[StepOut]
    message: str | None = Field(description="下一步做什么（都已完成或不适用时为空）")


class DayRangeIn(Model):
    date_from: date
    date_to: date
    reason: str = Field(default="", max_length=64)


class DayRangeOut(Model):
    id: int
    date_from: date
    date_to: date
    reason: str


class ScheduleOut(Model):
    unavailable: list[DayRangeOut]


class DeregisterIn(Model):
    confirm: str = Field(description="请输入「确认注销」")


@api.route("POST", "/expert/requests", access=EXPERT, body=RequestIn, response=ApplicationOut,
           summary="发起信息变更或异动申请（预填当前信息，经同样的审核环节）", tag=TAG)
async def start_request(call: Call, body: RequestIn) -> ApplicationOut:
    app = await call.domain.applications.start_request(
        call.caller.need_person(), AppKind(body.kind), call.now)
    return await application_out(call, app)


@api.route("GET", "/expert/steps", access=EXPERT, response=StepsOut, tag=TAG,
           summary="迁移专家的办理顺序：完善信息（续聘）→ 续聘审核 → 继续教育，之后才能异动和修改")
async def steps(call: Call) -> StepsOut:
    texts = call.services.texts
    progress = await call.domain.onboarding.progress_of(call.caller.need_person().id)
    return StepsOut(
        applies=progress.applies,
        steps=[StepOut(step=s, title=texts.render("miniapp/onboarding_step.j2", step=s).strip(),
                       done=s in progress.done) for s in STEPS] if progress.applies else [],
        message=texts.render("errors/steps/in_order.j2", step=progress.next,
                             doing="requests").strip() if progress.next else None)


@api.route("GET", "/expert/info-sheet.pdf", access=EXPERT, response=None,
           files=("application/pdf",), tag=TAG,
           summary="下载个人信息表 PDF（身份证号、手机号已脱敏）")
async def info_sheet_pdf(call: Call) -> web.Response:
    """XJ-CE: 个人信息变更 — 点击【下载】可以下载个人信息表."""
    person = call.caller.need_person()
    sheet = await call.domain.documents.info_sheet.info_sheet(call.services.texts, person, call.now)
    body = await asyncio.to_thread(call.domain.documents.pdf.review_form_pdf, sheet)
    handed_out(call.request, people=1)  # the expert's own
    return web.Response(body=body, content_type="application/pdf", headers={
        "Content-Disposition": "attachment; filename=info-sheet.pdf"})


def _out(item: Unavailability) -> DayRangeOut:
    return DayRangeOut(id=item.id, date_from=item.date_from, date_to=item.date_to,
                       reason=item.reason)


@api.route("GET", "/expert/schedule", access=EXPERT, response=ScheduleOut,
           summary="日程管理：我不能参加评标的日期", tag=TAG)
async def schedule(call: Call) -> ScheduleOut:
    items = await call.domain.experts.schedule.upcoming(call.caller.need_person(), call.now)
    return ScheduleOut(unavailable=[_out(i) for i in items])


@api.route("POST", "/expert/schedule", access=EXPERT, body=DayRangeIn, response=DayRangeOut,
           summary="日程管理：添加不能参加评标的日期（抽取时会避开）", tag=TAG)
async def add(call: Call, body: DayRangeIn) -> DayRangeOut:
    item = await call.domain.experts.schedule.add_unavailability(
        call.caller.need_person(), body.date_from, body.date_to, body.reason, call.now)
    return _out(item)


@api.route("DELETE", "/expert/schedule/{item_id}", access=EXPERT, response=Ok,
           summary="日程管理：删除一条", tag=TAG)
async def remove(call: Call) -> Ok:
    await call.domain.experts.schedule.remove_unavailability(call.caller.need_person(),
                                                             call.path_int("item_id"))
    return Ok(message=call.said("deleted"))


@api.route("POST", "/expert/deregister", access=EXPERT, body=DeregisterIn, response=Ok,
           summary="注销：账户将不能再使用，且不会再被抽取；message 说明哪些记录按规定继续保存、"
                   "保存多久、其余何时匿名化",
           tag=TAG)
async def deregister_me(call: Call, body: DeregisterIn) -> Ok:
    rights = call.domain.personal_data
    await call.domain.experts.schedule.deregister(call.caller.need_person(), body.confirm,
                                                  call.now, call.domain.outbox,
                                                  rights.period_words())
    if call.caller.token:
        await call.services.sessions.drop(call.caller.token)
    return Ok(message=rights.what_stays())  # what stays, how long and why (PIPL Art. 17, 47)


class DepartmentBody(Model):
    dept_name: str = Field(default="", max_length=128,
                           description="所在的行政监督部门（不是则留空）")
    dept_credit_code: str = Field(default="", max_length=24)


@api.route("GET", "/expert/department", access=EXPERT, response=DepartmentBody,
           summary="我所在的行政监督部门（申报）", tag=TAG)
async def department(call: Call) -> DepartmentBody:
    got = await call.domain.experts.department_of(call.caller.need_person().id)
    return DepartmentBody(dept_name=got.name, dept_credit_code=got.credit_code)


@api.route("PUT", "/expert/department", access=EXPERT, body=DepartmentBody,
           response=DepartmentBody, tag=TAG,
           summary="申报所在的行政监督部门：该部门监督的项目不会抽取您（实施条例第四十六条）")
async def declare_department(call: Call, body: DepartmentBody) -> DepartmentBody:
    got = await call.domain.experts.set_department(call.caller.need_person().id, body.dept_name,
                                                   body.dept_credit_code)
    return DepartmentBody(dept_name=got.name, dept_credit_code=got.credit_code)


class EmergencyBody(Model):
    emergency_ok: bool = Field(description=(
        "是否愿意成为应急专家：是则交易中心同意按应急抽取的活动先从您这样的专家中抽取，"
        "答复时限较短；其他抽取不受影响"))


@api.route("GET", "/expert/emergency", access=EXPERT, response=EmergencyBody,
           summary="我是否愿意成为应急专家", tag=TAG)
async def emergency(call: Call) -> EmergencyBody:
    return EmergencyBody(emergency_ok=await call.domain.experts.emergency_of(
        call.caller.need_person().id))


@api.route("PUT", "/expert/emergency", access=EXPERT, body=EmergencyBody,
           response=EmergencyBody, tag=TAG,
           summary="修改是否愿意成为应急专家：此后核验通过的应急抽取按新的选择")
async def change_emergency(call: Call, body: EmergencyBody) -> EmergencyBody:
    return EmergencyBody(emergency_ok=await call.domain.experts.set_emergency(
        call.caller.need_person().id, body.emergency_ok))
