"""Draws for agencies (seed 004): projects and sections, activities with avoidance, notices and
conditions, submission for verification, and the draw itself — progress as counts only, the
results sealed until 30 minutes before the evaluation starts. A handler sees the activities it
created; the legal person sees all of its agency's."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import Field

from miniapp_api.errors import domain_errors
from miniapp_api.framework import Api, Call, bad_request, forbidden, not_found
from miniapp_api.schemas import Model
from models.draws import (
    DRAW_STATUS_TITLES,
    Avoidance,
    Condition,
    DrawActivity,
    DrawStatus,
    Invitation,
    InvitationStatus,
    Notice,
    Project,
    Section,
)
from models.experts import ExpertProfile
from models.people import Person, Role
from services.catalogue import is_city
from services.clock import china_time
from services.draw_audit import audit
from services.draw_engine import RESULT_LINK, SEAL_BEFORE, audit_records
from services.draw_followups import family

api = Api()
TAG = "专家抽取"
AGENCY = {Role.AGENCY_LEGAL, Role.AGENCY_HANDLER}


class SectionIn(Model):
    number: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=128)


class ProjectIn(Model):
    name: str = Field(min_length=2, max_length=128)
    number: str = Field(min_length=2, max_length=64)
    kind: str = Field(min_length=1, max_length=32, description="工程 / 货物 / 服务")
    region: str = Field(pattern=r"^\d{4,6}$", description="项目所在地区代码")
    funding: str = ""
    approval_no: str = ""
    tender_method: str = "公开招标"
    organisation: str = "委托招标"
    tenderer_type: str = ""
    investment_yuan: float = Field(default=0, ge=0)
    tenderer_name: str = Field(min_length=2, max_length=128)
    tenderer_credit_code: str
    contact_name: str = ""
    contact_phone: str = ""
    sections: list[SectionIn] = Field(default_factory=list, description="无标段时留空")


class SectionOut(Model):
    id: int
    number: str
    name: str
    drawn: bool


class ProjectOut(Model):
    id: int
    name: str
    number: str
    tenderer_name: str
    sections: list[SectionOut]


class ProjectsOut(Model):
    projects: list[ProjectOut]


class ActivityIn(Model):
    project_id: int
    section_ids: list[int] = Field(min_length=1)
    bid_open_at: datetime
    eval_start: datetime
    eval_end: datetime
    total: int = Field(ge=1, le=99, description="需要的专家总数")
    on_site: bool = False
    supervisors: list[str] = Field(default_factory=list)
    response_minutes: int = Field(default=10, ge=2, le=60)


class AvoidanceIn(Model):
    kind: str = Field(description="unit 单位 / person 个人")
    name: str
    code: str = Field(default="", description="单位：统一社会信用代码；个人：身份证号")
    reason: str = ""


class CsvIn(Model):
    csv: str = Field(max_length=200_000, description="回避名单模板（CSV）的内容")


class NoticeIn(Model):
    venue: str = Field(min_length=2, max_length=64)
    city: str = Field(min_length=2, max_length=16)
    district: str = Field(min_length=2, max_length=16)
    street: str = Field(min_length=2, max_length=64)
    room: str = Field(default="", max_length=32)
    gather_at: datetime
    contact_name: str = Field(min_length=1, max_length=32)
    contact_phone: str = Field(min_length=5, max_length=20)
    notes: str = Field(default="", max_length=200, description="不超过50个字")


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


class AvoidanceOut(Model):
    id: int
    kind: str
    name: str
    fixed: bool
    reason: str


class NoticeOut(Model):
    id: int
    venue: str
    address: str
    gather_at: datetime
    contact: str
    notes: str


class ConditionOut(Model):
    id: int
    notice_id: int
    region_mode: str
    regions: list[str]
    main_specialty: str
    alternate_specialty: str | None
    planned: int


class CountsOut(Model):
    planned: int
    confirmed: int
    waiting: int
    invited: int
    text: str


class ActivityOut(Model):
    id: int
    project: str
    status: str
    status_title: str
    bid_open_at: datetime
    eval_start: datetime
    eval_end: datetime
    total: int
    on_site: bool
    refuse_reason: str | None
    seed_hash: str | None = Field(description="开始抽取时公布的随机种子摘要")
    seed: str | None = Field(description="抽取结束后公开")
    unseal_at: datetime
    avoidances: list[AvoidanceOut]
    notices: list[NoticeOut]
    conditions: list[ConditionOut]
    counts: CountsOut


class ActivitiesOut(Model):
    activities: list[ActivityOut]


class ExpertOut(Model):
    """A drawn expert as the agency sees them: never their phone, not even masked (the venue
    reaches them through the platform's notices and urges)."""

    name: str
    expert_number: str
    verification_code: str
    supplementary: bool
    condition_id: int


class ResultsOut(Model):
    activity_id: int
    experts: list[ExpertOut]


class LinkOut(Model):
    url: str
    expires_at: datetime


class AuditOut(Model):
    seed_hash: str | None
    seed: str | None
    pools: list[dict[str, object]]
    ok: bool | None
    problems: list[str]


def agency_id_of(call: Call) -> int:
    for role in (Role.AGENCY_LEGAL, Role.AGENCY_HANDLER):
        grant = call.caller.grant(role)
        if grant is not None and grant.agency_id is not None:
            return int(grant.agency_id)
    raise bad_request("您的账户没有关联代理机构，请联系管理员。", "no_agency")


async def visible_activity(call: Call) -> DrawActivity:
    """The activity, if the caller may see it: its handler, or its agency's legal person."""
    activity = await DrawActivity.get_or_none(id=call.path_int("activity_id"))
    if activity is None:
        raise not_found("没有找到这个抽取活动。")
    person = call.caller.need_person()
    legal = call.caller.grant(Role.AGENCY_LEGAL)
    if activity.handler_id == person.id or (
            legal is not None and legal.agency_id == activity.agency_id):
        return activity
    raise forbidden("这个抽取活动不是您经办的。", "not_yours")


async def activity_out(call: Call, activity: DrawActivity) -> ActivityOut:
    project = await Project.get(id=activity.project_id)  # type: ignore[attr-defined]
    counts = await call.domain.draws.counts(activity.id)
    ended = activity.status == DrawStatus.ENDED
    return ActivityOut(
        id=activity.id, project=project.name, status=activity.status,
        status_title=DRAW_STATUS_TITLES[DrawStatus(activity.status)],
        bid_open_at=activity.bid_open_at, eval_start=activity.eval_start,
        eval_end=activity.eval_end, total=activity.total, on_site=activity.on_site,
        refuse_reason=activity.refuse_reason, seed_hash=activity.seed_hash,
        seed=activity.seed if ended else None, unseal_at=activity.eval_start - SEAL_BEFORE,
        avoidances=[AvoidanceOut(id=a.id, kind=a.kind, name=a.name, fixed=a.fixed,
                                 reason=a.reason)
                    for a in await Avoidance.filter(activity_id=activity.id).order_by("id")],
        notices=[NoticeOut(id=n.id, venue=n.venue,
                           address=f"{n.city}{n.district}{n.street}{n.room}",
                           gather_at=n.gather_at, contact=f"{n.contact_name} {n.contact_phone}",
                           notes=n.notes)
                 for n in await Notice.filter(activity_id=activity.id).order_by("id")],
        conditions=[ConditionOut(id=c.id, notice_id=c.notice_id,  # type: ignore[attr-defined]
                                 region_mode=c.region_mode, regions=c.regions,
                                 main_specialty=c.main_specialty,
                                 alternate_specialty=c.alternate_specialty, planned=c.planned)
                    for c in await Condition.filter(activity_id=activity.id).order_by("id")],
        counts=CountsOut(planned=counts.planned, confirmed=counts.confirmed,
                         waiting=counts.waiting, invited=counts.invited, text=counts.text))


async def project_out(project: Project) -> ProjectOut:
    sections = await Section.filter(project_id=project.id).order_by("id")
    return ProjectOut(id=project.id, name=project.name, number=project.number,
                      tenderer_name=project.tenderer_name,
                      sections=[SectionOut(id=s.id, number=s.number, name=s.name,
                                           drawn=s.activity_id is not None) for s in sections])


@api.route("POST", "/draws/projects", access=AGENCY, body=ProjectIn, response=ProjectOut,
           summary="登记招标项目及标段", tag=TAG)
async def create_project(call: Call, body: ProjectIn) -> ProjectOut:
    data = body.model_dump(exclude={"sections", "investment_yuan"})
    data["investment_fen"] = round(body.investment_yuan * 100)
    with domain_errors():
        project = await call.domain.draw_setup.create_project(
            agency_id_of(call), call.caller.need_person().id, data,
            [(s.number, s.name) for s in body.sections])
    return await project_out(project)


@api.route("GET", "/draws/projects", access=AGENCY, response=ProjectsOut,
           summary="本机构的招标项目", tag=TAG)
async def projects(call: Call) -> ProjectsOut:
    rows = await Project.filter(agency_id=agency_id_of(call)).order_by("-id").limit(100)
    return ProjectsOut(projects=[await project_out(p) for p in rows])


@api.route("POST", "/draws/activities", access=AGENCY, body=ActivityIn, response=ActivityOut,
           summary="发起抽取活动（开标 < 评标开始 < 评标结束）", tag=TAG)
async def create_activity(call: Call, body: ActivityIn) -> ActivityOut:
    project = await Project.get_or_none(id=body.project_id, agency_id=agency_id_of(call))
    if project is None:
        raise not_found("没有找到本机构的这个项目。")
    values = body.model_dump(exclude={"project_id", "section_ids"})
    with domain_errors():
        activity = await call.domain.draw_setup.create_activity(
            project, call.caller.need_person().id, body.section_ids, values, call.now)
    return await activity_out(call, activity)


@api.route("GET", "/draws/activities", access=AGENCY, response=ActivitiesOut,
           summary="我能查看的抽取活动（经办人：本人发起的；法人：本机构全部）", tag=TAG)
async def activities(call: Call) -> ActivitiesOut:
    person = call.caller.need_person()
    query = DrawActivity.filter(agency_id=agency_id_of(call))
    if call.caller.grant(Role.AGENCY_LEGAL) is None:
        query = query.filter(handler_id=person.id)
    rows = await query.order_by("-id").limit(50)
    return ActivitiesOut(activities=[await activity_out(call, a) for a in rows])


@api.route("GET", "/draws/activities/{activity_id}", access=AGENCY, response=ActivityOut,
           summary="抽取活动详情（进度只有人数）", tag=TAG)
async def show(call: Call) -> ActivityOut:
    return await activity_out(call, await visible_activity(call))


@api.route("POST", "/draws/activities/{activity_id}/avoidances", access=AGENCY,
           body=AvoidanceIn, response=ActivityOut, summary="添加回避单位或人员", tag=TAG)
async def add_avoidance(call: Call, body: AvoidanceIn) -> ActivityOut:
    activity = await visible_activity(call)
    setup = call.domain.draw_setup
    with domain_errors():
        await setup.add_avoidances(activity, [setup.parse_avoidance(
            body.kind, body.name, body.code, body.reason)])
    return await activity_out(call, activity)


@api.route("POST", "/draws/activities/{activity_id}/avoidances/import", access=AGENCY,
           body=CsvIn, response=ActivityOut,
           summary="按模板导入回避名单（CSV：类型,名称,统一社会信用代码或身份证号,原因）", tag=TAG)
async def import_avoidances(call: Call, body: CsvIn) -> ActivityOut:
    activity = await visible_activity(call)
    with domain_errors():
        await call.domain.draw_setup.import_avoidances(activity, body.csv)
    return await activity_out(call, activity)


@api.route("DELETE", "/draws/activities/{activity_id}/avoidances/{avoidance_id}",
           access=AGENCY, response=ActivityOut, summary="删除回避（默认回避单位不能删除）",
           tag=TAG)
async def remove_avoidance(call: Call) -> ActivityOut:
    activity = await visible_activity(call)
    with domain_errors():
        await call.domain.draw_setup.remove_avoidance(activity,
                                                         call.path_int("avoidance_id"))
    return await activity_out(call, activity)


@api.route("POST", "/draws/activities/{activity_id}/notices", access=AGENCY, body=NoticeIn,
           response=ActivityOut, summary="添加通知（集合地点、时间、联系人、注意事项）", tag=TAG)
async def add_notice(call: Call, body: NoticeIn) -> ActivityOut:
    activity = await visible_activity(call)
    with domain_errors():
        await call.domain.draw_setup.add_notice(activity, body.model_dump())
    return await activity_out(call, activity)


@api.route("PUT", "/draws/activities/{activity_id}/notices/{notice_id}/gathering",
           access=AGENCY, body=GatheringIn, response=ActivityOut,
           summary="修改集合时间（抽取中需先暂停）", tag=TAG)
async def change_gathering(call: Call, body: GatheringIn) -> ActivityOut:
    activity = await visible_activity(call)
    notice = await Notice.get_or_none(id=call.path_int("notice_id"), activity_id=activity.id)
    if notice is None:
        raise not_found("没有这条通知。")
    with domain_errors():
        await call.domain.draw_setup.change_gathering_time(activity, notice, body.gather_at)
    # confirmed experts hear of it at once; their reminders follow the new time
    await call.domain.attendance.gathering_changed(notice, call.now)
    return await activity_out(call, activity)


@api.route("POST", "/draws/activities/{activity_id}/conditions", access=AGENCY,
           body=ConditionIn, response=ActivityOut, summary="添加抽取条件", tag=TAG)
async def add_condition(call: Call, body: ConditionIn) -> ActivityOut:
    activity = await visible_activity(call)
    with domain_errors():
        await call.domain.draw_setup.add_condition(activity, body.notice_id,
                                                      body.model_dump(exclude={"notice_id"}))
    return await activity_out(call, activity)


async def _step(call: Call, action: str) -> ActivityOut:
    activity = await visible_activity(call)
    setup, engine = call.domain.draw_setup, call.domain.draws
    with domain_errors():
        if action == "submit":
            activity = await setup.submit(activity, call.now)
        elif action == "withdraw":
            activity = await setup.withdraw_submission(activity)
        elif action == "start":
            activity = await engine.start(activity.id, call.now)
        elif action == "pause":
            activity = await engine.pause(activity.id, call.now)
        elif action == "resume":
            activity = await engine.resume(activity.id, call.now)
        else:
            activity = await engine.force_end(activity.id, call.now)
    return await activity_out(call, activity)


for _action, _summary in (("submit", "提交交易中心核验"), ("withdraw", "撤回核验申请（核验前）"),
                          ("start", "开始抽取（须已核验）"), ("pause", "暂停抽取"),
                          ("resume", "继续抽取"), ("end", "强制结束抽取")):
    async def _handler(call: Call, _a: str = _action) -> ActivityOut:
        return await _step(call, _a)

    _handler.__name__ = f"draw_{_action}"
    api.route("POST", f"/draws/activities/{{activity_id}}/{_action}", access=AGENCY,
              response=ActivityOut, summary=_summary, tag=TAG)(_handler)


@api.route("GET", "/draws/activities/{activity_id}/progress", access=AGENCY,
           response=CountsOut, summary="抽取进度（只有人数，结果解封前不显示姓名）", tag=TAG)
async def progress(call: Call) -> CountsOut:
    activity = await visible_activity(call)
    counts = await call.domain.draws.counts(activity.id)
    return CountsOut(planned=counts.planned, confirmed=counts.confirmed,
                     waiting=counts.waiting, invited=counts.invited, text=counts.text)


@api.route("GET", "/draws/activities/{activity_id}/results", access=AGENCY,
           response=ResultsOut, summary="抽取结果（评标开始前30分钟解封）", tag=TAG)
async def results(call: Call) -> ResultsOut:
    activity = await visible_activity(call)
    if call.domain.draws.sealed(activity, call.now):
        raise forbidden(f"抽取结果尚未解封，将于 {china_time(activity.eval_start - SEAL_BEFORE)}"
                        "（评标开始前30分钟）解封。", "sealed")
    rows = await Invitation.filter(activity_id__in=await family(activity),
                                   status=InvitationStatus.CONFIRMED).order_by("id")
    profiles = {p.id: p for p in await ExpertProfile.filter(
        id__in=[r.expert_id for r in rows])}
    people = {p.id: p for p in await Person.filter(id__in=[r.person_id for r in rows])}
    return ResultsOut(activity_id=activity.id, experts=[ExpertOut(
        name=people[r.person_id].name,
        expert_number=profiles[r.expert_id].expert_number, verification_code=r.code or "",
        supplementary=r.supplementary, condition_id=r.condition_id)  # type: ignore[attr-defined]
        for r in rows])


@api.route("GET", "/draws/activities/{activity_id}/result-page", access=AGENCY,
           response=LinkOut, summary="可打印的抽取结果页（个人链接，1小时有效，解封后可用）",
           tag=TAG)
async def result_page(call: Call) -> LinkOut:
    activity = await visible_activity(call)
    if call.domain.draws.sealed(activity, call.now):
        raise forbidden(f"抽取结果尚未解封，将于 {china_time(activity.eval_start - SEAL_BEFORE)}"
                        "（评标开始前30分钟）解封。", "sealed")
    expires = call.now + timedelta(hours=1)
    url = call.domain.links.url(f"/draws/{activity.id}/result", RESULT_LINK,
                                str(activity.id), call.caller.need_person().id,
                                expires.timestamp())
    return LinkOut(url=url, expires_at=expires)


@api.route("GET", "/draws/activities/{activity_id}/audit", access=AGENCY, response=AuditOut,
           summary="随机性核对：种子摘要、结束后公开的种子与候选池摘要、核对结果", tag=TAG)
async def audit_view(call: Call) -> AuditOut:
    activity = await visible_activity(call)
    records = await audit_records(activity)
    pools = [{"condition_id": r.condition_id, "pool": r.name, "size": len(r.expert_ids),
              "hash": r.published_hash, "positions_used": len(r.used)} for r in records]
    if activity.status != DrawStatus.ENDED or activity.seed is None:
        return AuditOut(seed_hash=activity.seed_hash, seed=None, pools=pools, ok=None,
                        problems=[])
    report = audit(activity.seed, activity.seed_hash or "", records)
    return AuditOut(seed_hash=activity.seed_hash, seed=activity.seed, pools=pools,
                    ok=report.ok, problems=report.problems)




class AbsenceIn(Model):
    key: str = Field(min_length=4, max_length=11, description="专家的验证码或手机号")
    kind: str = Field(default="缺席", description="缺席 / 请假")


class AbsenceOut(Model):
    registered: bool
    kind: str


class SupplementIn(Model):
    regions: list[str] | None = Field(default=None, description="不填则按原条件的地区")
    gather_at: datetime | None = Field(default=None, description="不填则沿用原集合时间")


class CloneIn(Model):
    bid_open_at: datetime
    eval_start: datetime
    eval_end: datetime


class WithdrawalIn(Model):
    reason: str = Field(min_length=2, max_length=200)


class WithdrawalOut(Model):
    status: str
    requested: bool
    delivered: int = Field(description="已确认收到退选通知的专家人数")
    undelivered: int


@api.route("POST", "/draws/activities/{activity_id}/absences", access=AGENCY, body=AbsenceIn,
           response=AbsenceOut, summary="登记缺席或请假（凭专家验证码或手机号）", tag=TAG)
async def register_absence(call: Call, body: AbsenceIn) -> AbsenceOut:
    activity = await visible_activity(call)
    with domain_errors():
        await call.domain.draw_followups.register_absence(activity, body.key, body.kind)
    return AbsenceOut(registered=True, kind=body.kind)


@api.route("POST", "/draws/activities/{activity_id}/supplement", access=AGENCY,
           body=SupplementIn, response=ActivityOut,
           summary="补抽（按原条件或调整地区，可改集合时间；补抽专家在结果中标 *）", tag=TAG)
async def supplement(call: Call, body: SupplementIn) -> ActivityOut:
    activity = await visible_activity(call)
    if body.regions is not None and not (body.regions and all(is_city(r)
                                                              for r in body.regions)):
        raise bad_request("请选择补抽地区（地市）。", "bad_regions")
    with domain_errors():
        child = await call.domain.draw_followups.supplement(
            activity, call.now, regions=body.regions, gather_at=body.gather_at)
    return await activity_out(call, child)


async def _clone(call: Call, body: CloneIn, kind: str) -> ActivityOut:
    activity = await visible_activity(call)
    with domain_errors():
        child = await call.domain.draw_followups.clone(activity, kind, body.model_dump(),
                                                          call.now)
    return await activity_out(call, child)


@api.route("POST", "/draws/activities/{activity_id}/redraw", access=AGENCY, body=CloneIn,
           response=ActivityOut, summary="重新抽取（复制活动，自动回避原专家，需重新核验）",
           tag=TAG)
async def redraw(call: Call, body: CloneIn) -> ActivityOut:
    return await _clone(call, body, "redraw")


@api.route("POST", "/draws/activities/{activity_id}/reeval", access=AGENCY, body=CloneIn,
           response=ActivityOut, summary="复评（复制活动，核验后通知原专家）", tag=TAG)
async def reeval(call: Call, body: CloneIn) -> ActivityOut:
    return await _clone(call, body, "reeval")


async def withdrawal_out(call: Call, activity: DrawActivity) -> WithdrawalOut:
    delivered, undelivered = await call.domain.draw_followups.withdrawal_status(activity)
    return WithdrawalOut(status=activity.status,
                         requested=activity.withdraw_requested_at is not None,
                         delivered=delivered, undelivered=undelivered)


@api.route("POST", "/draws/activities/{activity_id}/withdrawal", access=AGENCY,
           body=WithdrawalIn, response=WithdrawalOut,
           summary="申请退选（评标开始前至少5小时，经交易中心核验后通知全部专家）", tag=TAG)
async def request_withdrawal(call: Call, body: WithdrawalIn) -> WithdrawalOut:
    activity = await visible_activity(call)
    with domain_errors():
        activity = await call.domain.draw_followups.request_withdrawal(
            activity, body.reason, call.now)
    return await withdrawal_out(call, activity)


@api.route("GET", "/draws/activities/{activity_id}/withdrawal", access=AGENCY,
           response=WithdrawalOut, summary="退选通知送达情况（只有人数）", tag=TAG)
async def withdrawal_status(call: Call) -> WithdrawalOut:
    return await withdrawal_out(call, await visible_activity(call))
