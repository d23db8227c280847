"""What the agency's draw endpoints share: who may call them, the activity in the path (if the
caller may see it), and the activity as the agency sees it — progress as counts only."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Literal

from pydantic import Field

from miniapp_api.framework import Call
from miniapp_api.schemas import Model
from models.draw_evidence import DrawEvidence
from models.draw_handler import supervisors_of
from models.draws import ActorRole, Condition, DrawActivity, DrawStatus
from models.people import Role
from services.common.pii import public
from services.draws.facts import SEAL_BEFORE, Actor, AgencyRole
from services.draws.news import ActivityFile, Counts
from services.draws.record import ConditionProgress
from services.draws.setup import UrgencyView
from services.federation import AskView

TAG = "专家抽取"
AGENCY = {Role.AGENCY_LEGAL, Role.AGENCY_HANDLER}


class EvidenceOut(Model):
    id: int
    purpose: str
    filename: str
    content_type: str
    size: int


def evidence_out(item: DrawEvidence) -> EvidenceOut:
    return EvidenceOut(id=item.id, purpose=item.purpose, filename=item.filename,
                       content_type=item.content_type, size=item.size)


class AvoidanceOut(Model):
    id: int
    kind: str
    name: str
    fixed: bool
    reason: str


class NoticeOut(Model):
    id: int
    venue: str
    venue_id: int | None = Field(default=None, description=(
        "选择的交易中心场所（null：填写的、不在交易中心场所列表中的场所）"))
    address: str
    gather_at: datetime
    contact: str
    notes: str
    # the parts, as a form edits them
    city: str = ""
    district: str = ""
    street: str = ""
    room: str = ""
    contact_name: str = ""
    contact_phone: str = Field(default="", description="评标地点联系电话（非专家个人信息）")
    role: str = Field(default="main", description="main 主场 / secondary 副场")
    role_title: str = Field(default="主场", description="主场 / 副场")


class ConditionOut(Model):
    id: int
    notice_id: int
    region_mode: str
    regions: list[str]
    main_specialty: str
    alternate_specialty: str | None
    title_level: str | None = Field(default=None, description="职称等级（及以上）")
    qualification: str | None = Field(default=None, description="执业资格")
    industry: str | None = Field(default=None, description="所属行业主管部门")
    planned: int
    pool_hash: str | None = Field(description="候选池摘要（核验时公布，开始抽取前已固定）")
    alt_pool_hash: str | None = Field(description="备选专业候选池摘要")
    urgent_pool_hash: str | None = Field(default=None, description=(
        "应急抽取时：愿意成为应急专家的候选人池摘要（先从中抽取，核验时公布）"))
    # GD-DRAW's table of conditions (counts only)
    needed: int = Field(default=0, description="实际需要人数（尚需抽取）")
    agreed: int = Field(default=0, description="同意参评人数")
    supplement: bool = Field(default=False, description="补抽的条件")
    state: str = Field(default="new", description="new / drawing / full / short / ended / "
                                                  "withdrawn / cancelled")
    state_title: str = Field(default="", description="状态（新建、抽取中、已满足、人数不足…）")
    peer: PeerConditionOut | None = Field(default=None, description=(
        "由其他专家库为副场抽取时：对方专家库、进展和已确认的专家"))


class PeerExpertOut(Model):
    name: str = Field(description="专家姓名（对方专家库脱敏后给出，如 张*）")
    specialty: str = Field(description="专业代码")
    specialty_name: str = Field(description="专业名称")
    code: str = Field(description="验证码（专家签到时出示）")
    state: Literal["serving", "absent"] = Field(
        default="serving", description="serving：参加评标；absent：缺席、请假、现场回避或受处理")
    absence: str = Field(default="", description="未参加的情形（请假、缺席、现场回避、受处理）")
    checkin_at: datetime | None = Field(default=None, description="在副场签到的时间")
    checkout_at: datetime | None = Field(default=None, description="在副场签退的时间")


class PeerConditionOut(Model):
    peer_code: str = Field(description="抽取该条件的专家库代码")
    peer_name: str = Field(description="抽取该条件的专家库名称")
    status: str = Field(description="planned / asked / pending / drawing / done / short / "
                                    "refused / unreachable / local")
    said: str = Field(description="状态说明（含对方拒绝的原因、未应答时的重试）")
    confirmed: int = Field(description="对方已确认且仍能参加的专家人数")
    open_places: int = Field(default=0, description=(
        "对方告知不能参加（请假、缺席、现场回避、受处理）而空出的名额数（解封前也告知人数）"))
    experts: list[PeerExpertOut] = Field(description="对方已确认的专家（结果解封后列出）")
    wanted: int = Field(default=0, description="已请对方专家库补抽的名额")


class SupervisorIn(Model):
    name: str = Field(min_length=1, max_length=32, description="监督人姓名")
    phone: str = Field(default="", max_length=20, description="监督人联系电话")
    department: str = Field(default="", max_length=64, description="监督部门名称")


class SupervisorOut(Model):
    name: str
    phone: str = Field(description="监督人联系电话（脱敏）")
    department: str


class CountsOut(Model):
    planned: int
    confirmed: int
    waiting: int
    invited: int
    text: str


class UrgencyOut(Model):
    """应急: what the agency asked and what the trading centre decided, in words."""

    reason: str = Field(description="natural_disaster / accident / public_health / "
                                    "social_safety / force_majeure")
    reason_title: str = Field(description="申请应急的原因，如 自然灾害抢险救灾")
    note: str = Field(description="经办人的补充说明")
    status: str = Field(description="asked 待核验 / approved 同意按应急抽取 / refused 未同意")
    status_title: str
    response_minutes: int | None = Field(description=(
        "同意按应急抽取时：专家答复时限（分钟，比常规短）"))


def urgency_out(view: UrgencyView | None) -> UrgencyOut | None:
    if view is None:
        return None
    return UrgencyOut(reason=view.reason, reason_title=view.reason_title, note=view.note,
                      status=view.status, status_title=view.status_title,
                      response_minutes=view.minutes)


class ActivityOut(Model):
    id: int
    number: str = Field(default="", description="活动编号，如 CQSQ00000012")
    project: str
    name: str = Field(default="", description="活动名称")
    media: str = Field(default="", description="公告发布媒体")
    bid_open_region: str = Field(default="", description="开标地点（地区代码）")
    bid_open_place: str = Field(default="", description="开标地点（名称）")
    remarks: str = Field(default="", description="备注")
    handler_name: str = Field(default="", description="经办人")
    handler_phone: str = Field(default="", description="经办人电话（脱敏）")
    handler_id_number: str = Field(default="", description="经办人证件号（脱敏）")
    supervisors: list[SupervisorOut] = Field(default_factory=list, description="监督人员")
    terminal_name: str = Field(default="", description=(
        "提交终端：申请（提交核验或退选）所在的交易中心名称；未选择时为空"))
    kind: str = Field(description="normal 抽取 / supplement 补抽 / redraw 重新抽取 / reeval 复评")
    status: str
    status_title: str
    bid_open_at: datetime
    eval_start: datetime
    eval_end: datetime
    total: int
    committee_size: int | None = Field(default=None, description=(
        "委员会（评标委员会 / 评审小组）人数；此前建立、未登记的活动为空"))
    representatives: int | None = Field(default=None, description="招标人或采购人代表人数")
    committee_cases: list[str] = Field(default_factory=list, description=(
        "勾选的情形（budget 采购预算金额在1000万元以上 / complex 技术复杂 / impact 社会影响较大 / "
        "threshold 达到公开招标数额标准或招标规模标准）"))
    committee: str = Field(default="", description=(
        "委员会组成的文字，如“评标委员会 5 人：招标人代表 1 人，专家 4 人（本库抽取 4 人）”"))
    on_site: bool
    by_calls: bool = Field(default=False, description="复评：以虚拟呼叫逐一通知原专家（而非抽取）")
    submit_reason: str | None
    nonce: str | None  # the handler's, mixed into the committed seed at the start
    evidence: list[EvidenceOut]
    avoid_drawn: bool
    avoid_activity_ids: list[int]
    finished_at: datetime | None
    refuse_reason: str | None
    seed_hash: str | None = Field(description="开始抽取时公布的随机种子摘要")
    seed: str | None = Field(description="抽取结束后公开")
    unseal_at: datetime
    sealed: bool = Field(default=False, description="结果尚未解封：只显示人数，不显示专家")
    supplement_gather_at: datetime | None = Field(description=(
        "补抽时默认的集合时间：原集合时间未到时为原时间，已过时为一小时后（可修改）"))
    avoidances: list[AvoidanceOut]
    notices: list[NoticeOut]
    conditions: list[ConditionOut]
    supplement_conditions: list[ConditionOut] = Field(
        default_factory=list, description="补抽的抽取条件（结果解封后列出）")
    counts: CountsOut
    urgency: UrgencyOut | None = Field(default=None, description=(
        "应急：申请按应急抽取的原因及交易中心的决定（未申请时为空）"))


def agency(call: Call) -> AgencyRole:
    """The agency the caller acts for."""
    return call.domain.draws.facts.scope.agency_role(call.caller.need_person().id,
                                                     call.caller.grants)


def actor(call: Call, role: ActorRole = "agency") -> Actor:
    """The caller as the operation log names them."""
    person = call.caller.need_person()
    return Actor(role, person.id, person.name)


async def activity_in_path(call: Call) -> DrawActivity:
    """The activity of the path, if the caller may see it."""
    return await call.domain.draws.facts.scope.visible_activity(
        agency(call), call.path_int("activity_id"), call.now)


def counts_out(counts: Counts) -> CountsOut:
    return CountsOut(planned=counts.planned, confirmed=counts.confirmed,
                     waiting=counts.waiting, invited=counts.invited, text=counts.text)


async def display_status(call: Call, activity: DrawActivity) -> str:
    """The status a person reads: 待补抽 for an ended draw with an uncovered absence,
    复评通知中 for a re-evaluation being called, 抽取完成 and 评标中 before an ended draw's
    evaluation is over."""
    if activity.by_calls and activity.status == DrawStatus.DRAWING:
        return "recalling"
    waiting = await call.domain.draws.followups.supplements.awaiting_supplement([activity],
                                                                                call.now)
    return call.domain.draws.facts.shown.shown_status(activity.status, activity.eval_start,
                                                      activity.finished_at, call.now,
                                                      activity.id in waiting)


async def activity_out(call: Call, activity: DrawActivity, file: ActivityFile | None = None
                       ) -> ActivityOut:
    """The activity as the agency sees it (`file`: already read with it)."""
    f = file or await call.domain.draws.news.views.activity_file(activity)
    table = call.domain.draws.record.condition_table
    children, child_conditions = await table.supplements_shown(activity, call.now)
    by_peer = await call.domain.asking.views(activity.id)
    # a condition another library draws: its experts who still serve, as its roster says,
    # are the condition's agreed ones and the activity's confirmed ones
    lent = {c: sum(e.get("state") != "absent" for e in v.experts)
            for c, v in by_peer.items() if v.status != "local"}
    agreed = {**f.agreed, **await table.agreed_in(child_conditions), **lent}
    progress = call.domain.draws.record.condition_table.progress_of(
        [activity, *children], [*f.conditions, *child_conditions], agreed)
    urgent = {p.condition_id: p.root for p in f.urgent_pools}
    # 应急: read with the file; a 补抽 follows its evaluation's
    desk = call.domain.draws.setup.urgency
    urgency = desk.view(f.urgency) if f.urgency is not None else \
        await desk.of(activity) if activity.kind == "supplement" else None
    return ActivityOut(
        id=activity.id, number=call.domain.draws.news.views.activity_number(activity.id,
                                                                            activity.kind),
        project=f.project.name, name=activity.name, media=activity.media,
        bid_open_region=activity.bid_open_region,
        bid_open_place=call.domain.reference.regions().full_name(activity.bid_open_region) or ""
        if activity.bid_open_region else "",
        remarks=activity.remarks, handler_name=activity.handler_name,
        handler_phone=activity.handler_phone_masked,
        handler_id_number=activity.handler_id_masked,
        supervisors=[SupervisorOut(name=s.name, phone=s.phone_masked, department=s.department)
                     for s in supervisors_of(activity.supervisors)],
        terminal_name=call.domain.draws.setup.terminals.terminal_name(call.services.texts,
                                                                      activity.terminal)
        if activity.terminal else "",
        kind=activity.kind, status=activity.status,
        status_title=call.services.texts.word("draw_status", await display_status(
            call, activity)),
        bid_open_at=activity.bid_open_at, eval_start=activity.eval_start,
        eval_end=activity.eval_end, total=activity.total, on_site=activity.on_site,
        committee_size=activity.committee_size, representatives=activity.representatives,
        committee_cases=activity.committee_cases or [],
        committee=await call.domain.draws.facts.committee.words(call.services.texts, activity,
                                                                f.project),
        by_calls=activity.by_calls,
        submit_reason=activity.submit_reason, nonce=activity.nonce,
        evidence=[evidence_out(e) for e in f.evidence],
        avoid_drawn=activity.avoid_drawn, avoid_activity_ids=activity.avoid_activity_ids,
        finished_at=activity.finished_at,
        refuse_reason=activity.refuse_reason, seed_hash=activity.seed_hash,
        seed=activity.seed if activity.status == DrawStatus.ENDED else None,
        unseal_at=activity.eval_start - SEAL_BEFORE,
        sealed=call.domain.draws.facts.seal.check_sealed(activity, call.now),
        supplement_gather_at=call.domain.draws.followups.supplements.supplement_time_default(
            list(f.notices), call.now)
        if activity.status == DrawStatus.ENDED else None,
        avoidances=[AvoidanceOut(id=a.id, kind=a.kind, name=a.name, fixed=a.fixed,
                                 reason=a.reason) for a in f.avoidances],
        notices=[NoticeOut(id=n.id, venue=n.venue, venue_id=n.venue_id, address=n.address,
                           gather_at=n.gather_at,
                           contact=call.domain.draws.news.notices.notice_contact(n), notes=n.notes,
                           city=n.city,
                           district=n.district, street=n.street, room=n.room,
                           contact_name=n.contact_name,
                           contact_phone=public(n.contact_phone), role=n.role,
                           role_title=call.services.texts.word("venue_role", n.role))
                 for n in f.notices],
        conditions=[condition_out(call, c, progress[c.id], peer_out(
            call, by_peer.get(c.id), call.domain.draws.facts.seal.check_sealed(activity, call.now),
            activity.started_at is not None), urgent.get(c.id)) for c in f.conditions],
        supplement_conditions=[condition_out(call, c, progress[c.id])
                               for c in child_conditions],
        counts=counts_out(replace(f.counts, confirmed=f.counts.confirmed + sum(lent.values()))),
        urgency=urgency_out(urgency))


def peer_out(call: Call, view: AskView | None, sealed: bool, started: bool
             ) -> PeerConditionOut | None:
    """A condition another library draws: its state in words; its experts once unsealed."""
    if view is None:
        return None
    # a lent expert who cannot serve leaves a place open: counted (never named while sealed)
    absent = sum(e.get("state") == "absent" for e in view.experts)
    serving = len(view.experts) - absent
    said = call.services.texts.render("draw/peer_state.j2", peer=view.peer_name,
                                      status=view.status, reason=view.reason, started=started,
                                      tries=view.tries, confirmed=serving, absent=absent,
                                      wanted=view.wanted, release=view.release,
                                      released=view.released)
    return PeerConditionOut(
        peer_code=view.peer_code, peer_name=view.peer_name, status=view.status,
        said=said.strip(), confirmed=serving, open_places=absent, wanted=view.wanted,
        experts=[] if sealed else [PeerExpertOut(**e) for e in view.experts])


def condition_out(call: Call, c: Condition, shown: ConditionProgress,
                  peer: PeerConditionOut | None = None,
                  urgent_root: str | None = None) -> ConditionOut:
    return ConditionOut(peer=peer, id=c.id, notice_id=c.notice_id, region_mode=c.region_mode,
                        regions=c.regions, main_specialty=c.main_specialty,
                        alternate_specialty=c.alternate_specialty, title_level=c.title_level,
                        qualification=c.qualification, industry=c.industry, planned=c.planned,
                        pool_hash=c.pool_hash, alt_pool_hash=c.alt_pool_hash,
                        urgent_pool_hash=urgent_root,
                        needed=shown.needed, agreed=shown.agreed, supplement=shown.supplement,
                        state=shown.state,
                        state_title=call.services.texts.word("condition_state", shown.state))
