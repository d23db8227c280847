"""Correcting a draw before it is submitted, and after a refusal (GD-DRAW's 修改 and 删除):
a project and its sections, an activity's times and fields, its notices and conditions;
cancelling a draft (its sections are free again); and how many experts a condition matches
now (a count, never names)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import (
    AGENCY,
    TAG,
    ActivityOut,
    SupervisorIn,
    activity_in_path,
    activity_out,
    actor,
    agency,
)
from miniapp_api.routes.draws.setup.projects import ProjectOut, SectionIn, project_out
from miniapp_api.schemas import Model, Ok

api = Api()


class ProjectEdit(Model):
    """What is left out stays (the contact phone is shown masked: sent only to change it)."""

    name: str | None = Field(default=None, min_length=2, max_length=128)
    number: str | None = Field(default=None, max_length=64, description="项目编号（可清空）")
    kind: str | None = Field(default=None, min_length=1, max_length=32)
    region: str | None = Field(default=None, pattern=r"^\d{2,6}$")
    funding: str | None = Field(default=None, min_length=1, max_length=64)
    approval_no: str | None = Field(default=None, max_length=64)
    tender_method: str | None = Field(default=None, min_length=1, max_length=16)
    organisation: str | None = Field(default=None, min_length=1, max_length=16)
    tenderer_type: str | None = Field(default=None, min_length=1, max_length=32)
    investment_yuan: float | None = Field(default=None, ge=0, le=1e12, allow_inf_nan=False)
    investment_code: str | None = Field(default=None, max_length=32)
    tenderer_name: str | None = Field(default=None, min_length=2, max_length=128)
    tenderer_credit_code: str | None = None
    contact_name: str | None = Field(default=None, min_length=1, max_length=32)
    contact_phone: str | None = Field(default=None, min_length=7, max_length=20)


class ActivityEdit(Model):
    """What is left out stays; the handler's phone and ID number are shown masked, so a
    form sends them only when they change."""

    name: str | None = Field(default=None, max_length=128, description="活动名称")
    media: str | None = Field(default=None, min_length=2, max_length=64,
                              description="公告发布媒体")
    bid_open_at: datetime | None = None
    bid_open_region: str | None = Field(default=None, pattern=r"^\d{2,6}$",
                                        description="开标地点（地区代码）")
    eval_start: datetime | None = None
    eval_end: datetime | None = None
    total: int | None = Field(default=None, ge=1, le=99)
    committee_size: int | None = Field(default=None, ge=1, le=99, description="委员会人数")
    representatives: int | None = Field(default=None, ge=0, le=98,
                                        description="招标人或采购人代表人数")
    committee_cases: list[str] | None = Field(default=None, max_length=4,
                                              description="须更多成员的情形（整体替换）")
    on_site: bool | None = None
    remarks: str | None = Field(default=None, max_length=200, description="备注")
    handler_name: str | None = Field(default=None, max_length=32, description="经办人")
    handler_phone: str | None = Field(default=None, max_length=20, description="经办人电话")
    handler_id_number: str | None = Field(default=None, max_length=18,
                                          description="经办人证件号")
    supervisors: list[SupervisorIn] | None = Field(default=None, max_length=10,
                                                   description="监督人员（整体替换）")
    response_minutes: int | None = Field(default=None, ge=2, le=60)
    avoid_drawn: bool | None = Field(default=None, description="是否已抽专家")
    avoid_activity_ids: list[int] | None = Field(default=None, max_length=20)


class NoticeEdit(Model):
    venue_id: int | None = Field(default=None, description=(
        "改为交易中心登记的另一个场所（GET /draws/activities/{activity_id}/venues 的 id）"))
    venue: str | None = Field(default=None, min_length=2, max_length=64, description=(
        "改为不在交易中心场所列表中的场所：填写名称（与登记的场所名称完全相同时即为该场所）"))
    city: str | None = Field(default=None, min_length=2, max_length=16)
    district: str | None = Field(default=None, min_length=2, max_length=16)
    street: str | None = Field(default=None, min_length=2, max_length=64)
    room: str | None = Field(default=None, max_length=32)
    gather_at: datetime | None = None
    contact_name: str | None = Field(default=None, min_length=1, max_length=32)
    contact_phone: str | None = Field(default=None, min_length=5, max_length=20)
    notes: str | None = Field(default=None, max_length=200)
    role: str | None = Field(default=None, description="main 主场 / secondary 副场")


CLEARABLE = ("alternate_specialty", "title_level", "qualification", "industry")


class ConditionEdit(Model):
    notice_id: int | None = None
    region_mode: str | None = None
    regions: list[str] | None = Field(default=None, min_length=1)
    main_specialty: str | None = None
    alternate_specialty: str | None = None
    title_level: str | None = None
    qualification: str | None = None
    industry: str | None = None
    planned: int | None = Field(default=None, ge=1, le=99)


class PreviewIn(Model):
    notice_id: int | None = Field(default=None, description=(
        "专家通知：给出时，不接受异地评标且评标地点对其为异地的专家不计入"))
    region_mode: str = "residence"
    regions: list[str] = Field(min_length=1)
    main_specialty: str
    alternate_specialty: str | None = None
    title_level: str | None = None
    qualification: str | None = None
    industry: str | None = None


class PreviewOut(Model):
    matching: int = Field(description="当前符合条件、未被回避的专家人数（不显示姓名）")
    willing: int = Field(description="其中愿意成为应急专家的人数（按应急抽取时优先邀请）")


async def _project(call: Call) -> ProjectOut:
    project = await call.domain.draws.facts.scope.agency_project(agency(call),
                                                                 call.path_int("project_id"))
    return project_out(project, await call.domain.draws.news.views.project_sections(project))


@api.route("PUT", "/draws/projects/{project_id}", access=AGENCY, body=ProjectEdit,
           response=ProjectOut, summary="修改招标项目（尚未关联抽取活动时）", tag=TAG)
async def edit_project(call: Call, body: ProjectEdit) -> ProjectOut:
    project = await call.domain.draws.facts.scope.agency_project(agency(call),
                                                                 call.path_int("project_id"))
    values = body.model_dump(exclude_none=True)
    if "investment_yuan" in values:
        values["investment_fen"] = round(values.pop("investment_yuan") * 100)
    await call.domain.draws.setup.drafts.update_project(project, values)
    return await _project(call)


@api.route("DELETE", "/draws/projects/{project_id}", access=AGENCY, response=Ok,
           summary="删除招标项目（尚无抽取活动时）", tag=TAG)
async def delete_project(call: Call) -> Ok:
    project = await call.domain.draws.facts.scope.agency_project(agency(call),
                                                                 call.path_int("project_id"))
    await call.domain.draws.setup.drafts.delete_project(project)
    return Ok()


@api.route("POST", "/draws/projects/{project_id}/sections", access=AGENCY, body=SectionIn,
           response=ProjectOut, summary="添加标段", tag=TAG)
async def add_section(call: Call, body: SectionIn) -> ProjectOut:
    project = await call.domain.draws.facts.scope.agency_project(agency(call),
                                                                 call.path_int("project_id"))
    await call.domain.draws.setup.drafts.add_section(project, body.number, body.name,
                                                     round(body.investment_yuan * 100))
    return await _project(call)


@api.route("DELETE", "/draws/projects/{project_id}/sections/{section_id}", access=AGENCY,
           response=ProjectOut, summary="删除标段（未被抽取活动使用时）", tag=TAG)
async def remove_section(call: Call) -> ProjectOut:
    project = await call.domain.draws.facts.scope.agency_project(agency(call),
                                                                 call.path_int("project_id"))
    await call.domain.draws.setup.drafts.remove_section(project, call.path_int("section_id"))
    return await _project(call)


@api.route("PUT", "/draws/activities/{activity_id}", access=AGENCY, body=ActivityEdit,
           response=ActivityOut, summary="修改抽取活动的时间和信息（提交核验前）", tag=TAG)
async def edit_activity(call: Call, body: ActivityEdit) -> ActivityOut:
    activity = await call.domain.draws.setup.drafts.update_activity(
        await activity_in_path(call), body.model_dump(exclude_none=True), call.now)
    return await activity_out(call, activity)


@api.route("POST", "/draws/activities/{activity_id}/cancel", access=AGENCY,
           response=ActivityOut, summary="取消草稿活动（标段可再用于新活动）", tag=TAG)
async def cancel_activity(call: Call) -> ActivityOut:
    activity = await call.domain.draws.setup.drafts.cancel(await activity_in_path(call), call.now,
                                                           actor(call))
    return await activity_out(call, activity)


@api.route("PUT", "/draws/activities/{activity_id}/notices/{notice_id}", access=AGENCY,
           body=NoticeEdit, response=ActivityOut, summary="修改专家通知", tag=TAG)
async def edit_notice(call: Call, body: NoticeEdit) -> ActivityOut:
    activity = await activity_in_path(call)
    await call.domain.draws.setup.drafts.update_notice(activity, call.path_int("notice_id"),
                                                       body.model_dump(exclude_none=True))
    return await activity_out(call, activity)


@api.route("DELETE", "/draws/activities/{activity_id}/notices/{notice_id}", access=AGENCY,
           response=ActivityOut, summary="删除专家通知（其下没有抽取条件时）", tag=TAG)
async def delete_notice(call: Call) -> ActivityOut:
    activity = await activity_in_path(call)
    await call.domain.draws.setup.drafts.delete_notice(activity, call.path_int("notice_id"))
    return await activity_out(call, activity)


@api.route("PUT", "/draws/activities/{activity_id}/conditions/{condition_id}", access=AGENCY,
           body=ConditionEdit, response=ActivityOut, summary="修改抽取条件", tag=TAG)
async def edit_condition(call: Call, body: ConditionEdit) -> ActivityOut:
    activity = await activity_in_path(call)
    # a null clears what may be empty (备选专业, 职称, 执业资格, 行业); left out, it stays
    values = {k: v for k, v in body.model_dump(exclude_unset=True).items()
              if v is not None or k in CLEARABLE}
    await call.domain.draws.setup.drafts.update_condition(activity, call.path_int("condition_id"),
                                                          values)
    return await activity_out(call, activity)


@api.route("DELETE", "/draws/activities/{activity_id}/conditions/{condition_id}",
           access=AGENCY, response=ActivityOut, summary="删除抽取条件", tag=TAG)
async def delete_condition(call: Call) -> ActivityOut:
    activity = await activity_in_path(call)
    await call.domain.draws.setup.drafts.delete_condition(activity, call.path_int("condition_id"))
    return await activity_out(call, activity)


@api.route("POST", "/draws/activities/{activity_id}/preview", access=AGENCY, body=PreviewIn,
           response=PreviewOut, summary="预览：当前符合条件的专家人数", tag=TAG)
async def preview(call: Call, body: PreviewIn) -> PreviewOut:
    call.looked = True  # counted, nothing changed: the trail says 查看
    matching, willing = await call.domain.draws.setup.drafts.preview(
        await activity_in_path(call), body.model_dump())
    return PreviewOut(matching=matching, willing=willing)
