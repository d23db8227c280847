"""Formal experts: change and region-change requests, unavailable dates, deregistration."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.applicants.applications import ApplicationOut, application_out
from miniapp_api.schemas import Model, Ok
from models.applications import AppKind
from models.experts import Unavailability
from models.people import Role
from services.people import (
    add_unavailability,
    department_of,
    deregister,
    remove_unavailability,
    set_department,
    upcoming,
)

api = Api()
TAG = "专家"
EXPERT = {Role.EXPERT}


class RequestIn(Model):
    kind: Literal["change", "transfer"] = Field(
        description="change：信息变更；transfer：异动（更换常驻地区）")


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


def _out(item: Unavailability) -> DayRangeOut:
    return DayRangeOut(id=item.id, date_from=item.date_from, date_to=item.date_to,
                       reason=item.reason)


@api.route("GET", "/expert/schedule", access=EXPERT, response=ScheduleOut,
           summary="日程管理：我不能参加评标的日期", tag=TAG)
async def schedule(call: Call) -> ScheduleOut:
    items = await upcoming(call.caller.need_person(), call.now)
    return ScheduleOut(unavailable=[_out(i) for i in items])


@api.route("POST", "/expert/schedule", access=EXPERT, body=DayRangeIn, response=DayRangeOut,
           summary="日程管理：添加不能参加评标的日期（抽取时会避开）", tag=TAG)
async def add(call: Call, body: DayRangeIn) -> DayRangeOut:
    item = await add_unavailability(call.caller.need_person(), body.date_from,
                                    body.date_to, body.reason, call.now)
    return _out(item)


@api.route("DELETE", "/expert/schedule/{item_id}", access=EXPERT, response=Ok,
           summary="日程管理：删除一条", tag=TAG)
async def remove(call: Call) -> Ok:
    await remove_unavailability(call.caller.need_person(), call.path_int("item_id"))
    return Ok(message="已删除。")


@api.route("POST", "/expert/deregister", access=EXPERT, body=DeregisterIn, response=Ok,
           summary="注销：账户将不能再使用，且不会再被抽取；message 说明哪些记录按规定继续保存、"
                   "保存多久、其余何时匿名化",
           tag=TAG)
async def deregister_me(call: Call, body: DeregisterIn) -> Ok:
    rights = call.domain.personal_data
    await deregister(call.caller.need_person(), body.confirm, call.now, call.domain.outbox,
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
    got = await department_of(call.caller.need_person().id)
    return DepartmentBody(dept_name=got.name, dept_credit_code=got.credit_code)


@api.route("PUT", "/expert/department", access=EXPERT, body=DepartmentBody,
           response=DepartmentBody, tag=TAG,
           summary="申报所在的行政监督部门：该部门监督的项目不会抽取您（实施条例第四十六条）")
async def declare_department(call: Call, body: DepartmentBody) -> DepartmentBody:
    got = await set_department(call.caller.need_person().id, body.dept_name,
                               body.dept_credit_code)
    return DepartmentBody(dept_name=got.name, dept_credit_code=got.credit_code)
