"""Preparing a draw (GD-DRAW): the activity over sections of a project, its avoidance list
(by hand or by importing the filled-in template), notices, conditions, and the request to
the trading centre to verify it (withdrawable until verified). A handler sees the activities it
created; the legal person sees all of its agency's."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.paging import PageOut
from miniapp_api.path_params import MAX_ID
from miniapp_api.routes.draws.common import (
    AGENCY,
    TAG,
    ActivityOut,
    CountsOut,
    EvidenceOut,
    SupervisorIn,
    UrgencyOut,
    activity_in_path,
    activity_out,
    actor,
    agency,
    evidence_out,
    urgency_out,
)
from miniapp_api.schemas import Model, Ok
from services.common.clock import CHINA
from services.common.paging import CURSOR_MAX, PAGE, decode, encode
from services.common.sheets import require_sheet_size
from services.draws.facts import ActivitySource
from services.draws.news import ActivityFilter

api = Api()
SOURCE_DOC = ("new 新建 / reeval 复评（通知原专家） / redraw 重新抽取 / peer 其他专家库"
              "（有抽取条件由其他专家库抽取）；补抽与其原活动同一来源")


class ActivityIn(Model):
    """GD-DRAW's 活动信息: the starred (*) fields required; the handler (经办人) is the
    signed-in person unless given."""

    project_id: int
    section_ids: list[int] = Field(min_length=1)
    name: str = Field(default="", max_length=128,
                      description="活动名称（不填：项目名称加标段名称）")
    media: str = Field(min_length=2, max_length=64, description="公告发布媒体")
    bid_open_at: datetime
    bid_open_region: str = Field(pattern=r"^(\d{2,6})?$",
                                 description="开标地点（地区代码；空：拒绝并请选择）")
    eval_start: datetime
    eval_end: datetime
    total: int | None = Field(default=None, ge=1, le=99, description=(
        "需要的专家总数（填了委员会人数时可不填：为委员会人数减去代表人数）"))
    committee_size: int | None = Field(default=None, ge=1, le=99, description=(
        "委员会（评标委员会 / 评审小组）人数，如 5"))
    representatives: int | None = Field(default=None, ge=0, le=98, description=(
        "其中招标人或采购人代表人数（没有填 0）"))
    committee_cases: list[str] = Field(default_factory=list, max_length=4, description=(
        "政府采购须更多成员的情形（勾选）：budget 采购预算金额在1000万元以上 / complex 技术复杂 / "
        "impact 社会影响较大（招标：7人以上）；threshold 达到公开招标数额标准或招标规模标准"
        "（谈判、询价：5人以上）"))
    on_site: bool = Field(description="是否进场项目")
    remarks: str = Field(default="", max_length=200, description="备注")
    handler_name: str = Field(default="", max_length=32,
                              description="经办人（不填：当前登录的法人或经办人）")
    handler_phone: str = Field(default="", max_length=20, description="经办人电话（不填：本人）")
    handler_id_number: str = Field(default="", max_length=18,
                                   description="经办人证件号（不填：本人）")
    supervisors: list[SupervisorIn] = Field(default_factory=list, max_length=10,
                                            description="监督人员")
    response_minutes: int = Field(default=10, ge=2, le=60)
    avoid_drawn: bool = Field(default=False, description="是否已抽专家")
    avoid_activity_ids: list[int] = Field(
        default_factory=list, max_length=20,
        description="是否已抽专家选“是”时勾选的前期抽取活动：其确认参加的专家将被回避")


class ActivitySummaryOut(Model):
    """An activity in a list: what it is and how far it got (its details: GET one)."""

    id: int
    number: str = Field(default="", description="活动编号，如 CQSQ00000012")
    name: str = Field(default="", description="活动名称（此前建立、没有名称的活动为空）")
    project: str
    status: str
    status_title: str
    kind: str
    source: ActivitySource = Field(description=SOURCE_DOC)
    source_title: str = Field(default="",
                              description="活动来源的文字：新建、复评、重新抽取、其他专家库")
    bid_open_at: datetime
    eval_start: datetime
    eval_end: datetime
    total: int
    on_site: bool
    counts: CountsOut
    urgency: UrgencyOut | None = Field(default=None, description="应急：原因及交易中心的决定")


class ActivitiesOut(PageOut):
    activities: list[ActivitySummaryOut]
    next_before: int | None = Field(default=None, description="还有更早的：下一页的 before")


class ActivitiesQuery(Model):
    limit: int = Field(default=PAGE, ge=1, le=200, description="最多返回多少个（最新在前）")
    after: str | None = Field(default=None, max_length=CURSOR_MAX,
                              description="下一页：上一页返回的 next")
    q: str = Field(default="", max_length=64, description="项目名称、项目编号或活动编号")
    name: str = Field(default="", max_length=128, description="活动名称（包含所填文字）")
    status: str | None = Field(default=None, pattern="^[a-z_]{2,16}$",
                               description="draft / submitted / verified / refused / drawing / "
                                           "paused / ended / withdrawn / cancelled")
    kind: str | None = Field(default=None, pattern="^(normal|redraw|reeval|supplement)$")
    source: ActivitySource | None = Field(default=None, description=(
        "活动来源（GD-DRAW 活动列表的“活动来源”，不填为所有来源）：" + SOURCE_DOC))
    region: str | None = Field(default=None, pattern=r"^\d{2,6}$", description="项目所在地代码")
    eval_from: date | None = Field(default=None, description="评标日期起（中国时间）")
    eval_until: date | None = Field(default=None, description="评标日期止（含当日）")
    before: int | None = Field(default=None, ge=1, le=MAX_ID,
                               description="下一页：上一页的 next_before")


class AvoidanceIn(Model):
    kind: str = Field(description="unit 单位 / person 个人")
    name: str
    code: str = Field(default="", description="单位：统一社会信用代码；个人：身份证号")
    reason: str = ""


class NoticeIn(Model):
    venue_id: int | None = Field(default=None, description=(
        "评标场所：从交易中心登记的场所中选择（GET /draws/activities/{activity_id}/venues 的 id）；"
        "选择后场所名称取其登记的名称，签到身份核验按该场所的设置"))
    venue: str = Field(default="", max_length=64, description=(
        "不在交易中心场所列表中的评标场所：填写名称（未选择 venue_id 时必填，至少2个字）"))
    city: str = Field(min_length=2, max_length=16)
    district: str = Field(min_length=2, max_length=16)
    street: str = Field(min_length=2, max_length=64)
    room: str = Field(default="", max_length=32)
    gather_at: datetime
    contact_name: str = Field(min_length=1, max_length=32)
    contact_phone: str = Field(min_length=5, max_length=20)
    notes: str = Field(default="", max_length=200, description="不超过50个字")
    role: str = Field(default="main", description=(
        "场所：main 主场 / secondary 副场（远程异地评标，须已有一个主场）"))


class GatheringIn(Model):
    gather_at: datetime


class ConditionIn(Model):
    notice_id: int
    region_mode: str = Field(default="residence",
                             description="residence 常驻地区 / willing 意愿评标区")
    regions: list[str] = Field(min_length=1)
    main_specialty: str
    alternate_specialty: str | None = None
    title_level: str | None = None
    qualification: str | None = None
    industry: str | None = None
    planned: int = Field(ge=1, le=99)


@api.route("POST", "/draws/activities", access=AGENCY, body=ActivityIn, response=ActivityOut,
           summary="发起抽取活动（开标 < 评标开始 < 评标结束）", tag=TAG)
async def create_activity(call: Call, body: ActivityIn) -> ActivityOut:
    role = agency(call)
    project = await call.domain.draws.facts.scope.agency_project(role, body.project_id)
    activity = await call.domain.draws.setup.activities.create_activity(
        project, role.person_id, body.section_ids,
        body.model_dump(exclude={"project_id", "section_ids"}), call.now)
    call.noted["activity"] = activity.id  # the trail names the activity made
    return await activity_out(call, activity)


@api.route("GET", "/draws/activities", access=AGENCY, query=ActivitiesQuery,
           response=ActivitiesOut,
           summary="我能查看的抽取活动（经办人：本人发起的；法人：本机构全部）", tag=TAG)
async def activities(call: Call, query: ActivitiesQuery) -> ActivitiesOut:
    after = decode(query.after, int)  # newest first by id: the key is the id
    below = [k for k in (query.before, after[0] if after else None) if k is not None]

    def day(d: date) -> datetime:  # in UTC, as stored (SQLite compares the text)
        return datetime.combine(d, time(0), CHINA).astimezone(UTC)

    narrowed = ActivityFilter(
        words=query.q.strip(), number=call.domain.draws.news.views.number_in(query.q),
        name=query.name.strip(),
        status=query.status,
        kind=query.kind, source=query.source,
        region=call.domain.reference.regions.normalise(query.region) if query.region else None,
        eval_from=day(query.eval_from) if query.eval_from else None,
        eval_until=day(query.eval_until) + timedelta(days=1) if query.eval_until else None,
        before=min(below) if below else None)
    listed = await call.domain.draws.news.views.visible_summaries(agency(call), query.limit + 1,
                                                                  call.now, narrowed)
    more, listed = len(listed) > query.limit, listed[:query.limit]
    texts = call.services.texts
    waiting = await call.domain.draws.followups.supplements.awaiting_supplement(listed, call.now)
    return ActivitiesOut(activities=[
        ActivitySummaryOut.model_validate(
            {**{k: v for k, v in a.__dict__.items() if k != "finished_at"},
             "number": call.domain.draws.news.views.activity_number(a.id, a.kind),
             "source_title": texts.word("activity_source", a.source),
             "urgency": urgency_out(call.domain.draws.setup.urgency.view_of(*a.urgency)
                                    if a.urgency else None),
             "status_title": texts.word("draw_status", call.domain.draws.facts.shown.shown_status(
                 a.status, a.eval_start, a.finished_at, call.now, a.id in waiting))},
            from_attributes=True) for a in listed],
        next_before=listed[-1].id if more and listed else None,
        next=encode(listed[-1].id) if more and listed else None)


@api.route("GET", "/draws/activities/{activity_id}", access=AGENCY, response=ActivityOut,
           summary="抽取活动详情（进度只有人数）", tag=TAG)
async def show(call: Call) -> ActivityOut:
    file = await call.domain.draws.news.views.visible_file(agency(call),
                                                           call.path_int("activity_id"),
                                                           call.now)
    return await activity_out(call, file.activity, file)


@api.route("POST", "/draws/activities/{activity_id}/avoidances", access=AGENCY,
           body=AvoidanceIn, response=ActivityOut, summary="添加回避单位或人员", tag=TAG)
async def add_avoidance(call: Call, body: AvoidanceIn) -> ActivityOut:
    activity = await activity_in_path(call)
    await call.domain.draws.setup.activities.add_avoidance(activity, body.kind, body.name,
                                                           body.code,
                                                           body.reason)
    return await activity_out(call, activity)


class RowRefusalOut(Model):
    sheet: str = Field(description="表名（回避单位 / 回避人员）")
    row: int = Field(description="行号（表头为第1行）")
    message: str = Field(description="这一行未导入的原因及如何改正")


class AvoidanceImportOut(Model):
    added: int = Field(description="导入的回避单位和人员数")
    refused: list[RowRefusalOut] = Field(description="未导入的行，逐行说明原因")
    activity: ActivityOut


@api.route("POST", "/draws/activities/{activity_id}/avoidances/import", access=AGENCY,
           response=AvoidanceImportOut, tag=TAG, upload=True,
           summary="导入填写好的回避单位模板（multipart/form-data，字段名 file；Excel 或 CSV）："
                   "逐行检查，有问题的行不导入并说明原因，其余各行导入")
async def import_avoidances(call: Call) -> AvoidanceImportOut:
    activity = await activity_in_path(call)
    filename, data = await call.upload(require_sheet_size)
    done = await call.domain.draws.setup.avoidance_import.run(activity, data,
                                                              filename or "回避单位模板.xlsx")
    texts = call.services.texts
    return AvoidanceImportOut(added=done.added, refused=[
        RowRefusalOut(sheet=r.sheet, row=r.row, message=texts.error(r.error))
        for r in done.refused], activity=await activity_out(call, activity))


@api.route("DELETE", "/draws/activities/{activity_id}/avoidances/{avoidance_id}",
           access=AGENCY, response=ActivityOut, summary="删除回避（默认回避单位不能删除）",
           tag=TAG)
async def remove_avoidance(call: Call) -> ActivityOut:
    activity = await activity_in_path(call)
    await call.domain.draws.setup.activities.remove_avoidance(activity,
                                                              call.path_int("avoidance_id"))
    return await activity_out(call, activity)


@api.route("POST", "/draws/activities/{activity_id}/notices", access=AGENCY, body=NoticeIn,
           response=ActivityOut, summary="添加通知（集合地点、时间、联系人、注意事项）", tag=TAG)
async def add_notice(call: Call, body: NoticeIn) -> ActivityOut:
    activity = await activity_in_path(call)
    await call.domain.draws.setup.activities.add_notice(activity, body.model_dump())
    return await activity_out(call, activity)


@api.route("PUT", "/draws/activities/{activity_id}/notices/{notice_id}/gathering",
           access=AGENCY, body=GatheringIn, response=ActivityOut,
           summary="修改集合时间（抽取中需先暂停；抽取结束后、评标开始前可更正，已确认的专家会收到新时间）",
           tag=TAG)
async def change_gathering(call: Call, body: GatheringIn) -> ActivityOut:
    activity = await activity_in_path(call)
    await call.domain.draws.venue.attendance.reschedule(activity, call.path_int("notice_id"),
                                                        body.gather_at, call.now, actor(call))
    return await activity_out(call, activity)


@api.route("POST", "/draws/activities/{activity_id}/conditions", access=AGENCY,
           body=ConditionIn, response=ActivityOut, summary="添加抽取条件", tag=TAG)
async def add_condition(call: Call, body: ConditionIn) -> ActivityOut:
    activity = await activity_in_path(call)
    await call.domain.draws.setup.activities.add_condition(activity, body.notice_id,
                                                           body.model_dump(exclude={"notice_id"}))
    return await activity_out(call, activity)


@api.route("POST", "/draws/activities/{activity_id}/evidence/{purpose}", access=AGENCY,
           response=EvidenceOut, tag=TAG, upload=True,
           summary="上传申请附件（multipart/form-data，字段名 file；PDF 或 JPG，10MB 以内）："
                   "purpose 为 submission（抽取申请）或 withdrawal（退选申请）")
async def upload_evidence(call: Call) -> EvidenceOut:
    activity = await activity_in_path(call)
    filename, data = await call.upload(call.domain.draws.setup.evidence.require_evidence_size)
    saved = await call.domain.draws.setup.evidence.attach(call.domain.files, activity,
                                                          call.path("purpose"),
                         filename or "附件", data, call.now)
    return evidence_out(saved)


@api.route("DELETE", "/draws/activities/{activity_id}/evidence/{evidence_id}", access=AGENCY,
           response=Ok, summary="删除一个尚未提交的申请附件", tag=TAG)
async def delete_evidence(call: Call) -> Ok:
    activity = await activity_in_path(call)
    call.domain.draws.setup.activities.require_editable(activity)
    await call.domain.draws.setup.evidence.remove(call.domain.files, activity,
                                                  call.path_int("evidence_id"))
    return Ok()


class SubmitIn(Model):
    reason: str = Field(max_length=200, description="提交审核原因（必填）")
    terminal: str | None = Field(
        default=None, pattern=r"^\d{2}(\d{2})?$",
        description="选择提交终端：GET …/terminals 列出的交易中心（其服务地区代码）；不填为上次"
                    "所选或最近的一个")


@api.route("POST", "/draws/activities/{activity_id}/submit", access=AGENCY, body=SubmitIn,
           response=ActivityOut, summary="提交交易中心核验（须填写原因并上传附件，可选择提交终端）",
           tag=TAG)
async def draw_submit(call: Call, body: SubmitIn) -> ActivityOut:
    activity = await call.domain.draws.setup.verification.submit(
        await activity_in_path(call), call.now, actor(call), body.reason, body.terminal or None)
    return await activity_out(call, activity)


@api.route("POST", "/draws/activities/{activity_id}/withdraw", access=AGENCY,
           response=ActivityOut, summary="撤回核验申请（核验前）", tag=TAG)
async def draw_withdraw(call: Call) -> ActivityOut:
    activity = await call.domain.draws.setup.verification.withdraw_submission(
        await activity_in_path(call), call.now, actor(call))
    return await activity_out(call, activity)
