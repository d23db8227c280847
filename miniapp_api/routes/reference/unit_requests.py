"""Units added by staff on request (HN-APPLY: 单位列表中未找到对应单位…待工作人员将单位新增
成功后，重新进行选择): the applicant asks and follows the request; staff add the unit (or
decline it, saying why) and the applicant is told."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from miniapp_api.framework import Access, Api, Call
from miniapp_api.schemas import Model
from models.people import Role
from models.reference import UnitRequest
from services.common.pii import mask_name

api = Api()
TAG = "参考数据"
ADMIN = {Role.ADMIN}
STATUS_TITLES = {"waiting": "等待工作人员处理", "added": "已新增", "declined": "未予新增"}


class UnitRequestIn(Model):
    name: str = Field(min_length=2, max_length=128, description="单位全称")
    credit_code: str | None = Field(default=None, max_length=24,
                                     description="统一社会信用代码（18位，可不填）")
    note: str = Field(default="", max_length=200, description="说明（如单位的通用简称、所在地）")


class UnitRequestOut(Model):
    id: int
    name: str
    credit_code: str | None
    note: str
    status: str = Field(description="waiting 等待处理 / added 已新增 / declined 未予新增")
    status_title: str
    reason: str | None = Field(description="未予新增的原因")
    applicant: str | None = Field(default=None, description="申请人（脱敏，工作人员查看时）")
    created_at: datetime
    decided_at: datetime | None


class UnitRequestsOut(Model):
    requests: list[UnitRequestOut]


class RequestsQuery(Model):
    status: Literal["waiting", "added", "declined"] = "waiting"


class AddIn(Model):
    name: str = Field(default="", max_length=128,
                      description="核实后的单位全称（不填用申请的名称）")
    credit_code: str | None = Field(default=None, max_length=24,
                                     description="核实后的统一社会信用代码")


class DeclineIn(Model):
    reason: str = Field(min_length=2, max_length=200, description="不予新增的原因（申请人会收到）")


def request_out(item: UnitRequest, applicant: str | None = None) -> UnitRequestOut:
    return UnitRequestOut(
        id=item.id, name=item.name, credit_code=item.credit_code, note=item.note,
        status=item.status, status_title=STATUS_TITLES.get(item.status, ""),
        reason=item.reason, applicant=mask_name(applicant) if applicant else None,
        created_at=item.created_at, decided_at=item.decided_at)


@api.route("POST", "/reference/unit-requests", access=Access.BOUND, body=UnitRequestIn,
           response=UnitRequestOut, tag=TAG,
           summary="申请新增单位：单位列表中找不到工作单位时提交，工作人员新增后通知本人")
async def ask(call: Call, body: UnitRequestIn) -> UnitRequestOut:
    item = await call.domain.unit_requests.ask(call.caller.need_person(), body.name,
                                               body.credit_code, body.note, call.now)
    return request_out(item)


@api.route("GET", "/reference/unit-requests", access=Access.BOUND, response=UnitRequestsOut,
           tag=TAG, summary="我的新增单位申请及处理结果")
async def mine(call: Call) -> UnitRequestsOut:
    found = await call.domain.unit_requests.mine(call.caller.need_person().id)
    return UnitRequestsOut(requests=[request_out(r) for r in found])


@api.route("GET", "/admin/unit-requests", access=ADMIN, query=RequestsQuery,
           response=UnitRequestsOut, tag=TAG,
           summary="新增单位申请（等待处理的最早的在前）")
async def requests(call: Call, query: RequestsQuery) -> UnitRequestsOut:
    found = await call.domain.unit_requests.listing(query.status)
    return UnitRequestsOut(requests=[request_out(v.request, v.applicant) for v in found])


@api.route("POST", "/admin/unit-requests/{request_id}/add", access=ADMIN, body=AddIn,
           response=UnitRequestOut, tag=TAG,
           summary="新增单位：加入单位列表（可更正名称、代码），通知申请人重新选择")
async def add(call: Call, body: AddIn) -> UnitRequestOut:
    item, _ = await call.domain.unit_requests.add(
        call.path_int("request_id"), body.name, body.credit_code,
        call.caller.need_person(), call.now)
    return request_out(item)


@api.route("POST", "/admin/unit-requests/{request_id}/decline", access=ADMIN, body=DeclineIn,
           response=UnitRequestOut, tag=TAG, summary="不予新增：说明原因，通知申请人")
async def decline(call: Call, body: DeclineIn) -> UnitRequestOut:
    item = await call.domain.unit_requests.decline(call.path_int("request_id"), body.reason,
                                                   call.caller.need_person(), call.now)
    return request_out(item)
