"""The 失信被执行人 check for the system administrator: the experts flagged (open or all), a
flag handled with a note, a check of every active expert started now, the latest runs. The
check excludes nobody by itself: a sanction (处分管理) does, when the administrator decides."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.paging import PageOut, PageQuery
from miniapp_api.schemas import Model
from models.people import Role
from services.people.dishonesty import FlagView, RunView

api = Api()
TAG = "失信核查"
ADMIN = {Role.ADMIN}


class CaseOut(Model):
    case_number: str = Field(description="案号")
    court: str = Field(description="执行法院")
    published_on: str = Field(description="发布日期（服务商给出的日期）")


class FlagOut(Model):
    id: int
    expert_id: int
    expert_name: str
    expert_number: str
    found_at: datetime
    cases: list[CaseOut]
    status: str = Field(description="open 待处理 / handled 已处理")
    status_title: str
    note: str = Field(description="管理员的处理意见")
    handled_by: str | None
    handled_at: datetime | None


class FlagsOut(PageOut):
    enabled: bool = Field(description="是否已配置核查服务")
    items: list[FlagOut]


class FlagsQuery(PageQuery):
    view: Literal["open", "all"] = "open"


class HandleIn(Model):
    handling: str = Field(min_length=1, max_length=300,
                          description="处理意见（例如已作出处分，或核实非本人）")


class RunOut(Model):
    id: int
    trigger: str = Field(description="schedule 定期 / admin 管理员发起 / admission 入库")
    trigger_title: str
    expert_number: str | None = Field(description="入库核查的专家编号")
    status: str = Field(description="running 进行中 / done 已完成 / refused 服务商拒绝")
    status_title: str
    started_by: str | None
    started_at: datetime
    finished_at: datetime | None
    total: int = Field(description="开始时需核查的专家数")
    checked: int = Field(description="已得到核查结果的专家数")
    found: int = Field(description="其中在失信被执行人名单上的")
    flagged: int = Field(description="新提示（或为已有提示新增案件）的")
    failed: int = Field(description="重试后仍未得到结果的")


class RunsOut(Model):
    enabled: bool
    runs: list[RunOut]


def _flag(call: Call, view: FlagView) -> FlagOut:
    f, words = view.flag, call.services.texts.word
    return FlagOut(
        id=f.id, expert_id=f.expert_id, expert_name=view.expert_name,
        expert_number=view.expert_number, found_at=f.found_at,
        cases=[CaseOut.model_validate(c) for c in f.cases], status=f.status,
        status_title=words("dishonesty_flag", f.status), note=f.note,
        handled_by=view.handled_by, handled_at=f.handled_at)


def _run(call: Call, view: RunView) -> RunOut:
    r, words = view.run, call.services.texts.word
    return RunOut(
        id=r.id, trigger=r.trigger, trigger_title=words("dishonesty_trigger", r.trigger),
        expert_number=view.expert_number, status=r.status,
        status_title=words("dishonesty_run_status", r.status), started_by=view.started_by,
        started_at=r.started_at, finished_at=r.finished_at, total=r.total, checked=r.checked,
        found=r.found, flagged=r.flagged, failed=r.failed)


@api.route("GET", "/admin/dishonesty/flags", access=ADMIN, query=FlagsQuery,
           response=FlagsOut, tag=TAG, summary="失信被执行人核查提示（待处理或全部）")
async def flag_list(call: Call, query: FlagsQuery) -> FlagsOut:
    checks = call.domain.dishonesty
    found = await checks.flags(query.view == "open", query.limit, query.after)
    return FlagsOut(enabled=checks.enabled, items=[_flag(call, v) for v in found.rows],
                    next=found.next)


@api.route("POST", "/admin/dishonesty/flags/{flag_id}/handled", access=ADMIN, body=HandleIn,
           response=FlagOut, tag=TAG,
           summary="处理一条核查提示并写明处理意见（是否处分在处分管理中另行作出）")
async def handle(call: Call, body: HandleIn) -> FlagOut:
    flag = await call.domain.dishonesty.handle(call.path_int("flag_id"), body.handling,
                                               call.caller.need_person().id, call.now)
    (view,) = await call.domain.dishonesty.flag_views([flag])
    return _flag(call, view)


@api.route("POST", "/admin/dishonesty/runs", access=ADMIN, response=RunOut, tag=TAG,
           summary="立即核查全部在库专家（已有进行中的核查时，返回该次核查）")
async def start_run(call: Call) -> RunOut:
    run = await call.domain.dishonesty.start(call.now, call.caller.need_person().id)
    (view,) = await call.domain.dishonesty.run_views([run])
    return _run(call, view)


@api.route("GET", "/admin/dishonesty/runs", access=ADMIN, response=RunsOut, tag=TAG,
           summary="最近的核查（定期、管理员发起和入库核查）及进度")
async def run_list(call: Call) -> RunsOut:
    checks = call.domain.dishonesty
    return RunsOut(enabled=checks.enabled, runs=[_run(call, v) for v in await checks.runs()])
