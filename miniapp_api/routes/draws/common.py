"""What the agency's draw endpoints share: who may call them, the activity in the path (if the
caller may see it), and the activity as the agency sees it — progress as counts only."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Call
from miniapp_api.schemas import Model
from models.draws import ActorRole, DrawActivity, DrawEvidence, DrawStatus
from models.people import Role
from services.common.pii import public
from services.draws import (
    SEAL_BEFORE,
    ActivityFile,
    Actor,
    AgencyRole,
    Counts,
    activity_file,
    activity_number,
    agency_role,
    notice_contact,
    supplement_time_default,
    visible_activity,
)

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


class CountsOut(Model):
    planned: int
    confirmed: int
    waiting: int
    invited: int
    text: str


class ActivityOut(Model):
    id: int
    number: str = Field(default="", description="活动编号，如 CQSQ00000012")
    project: str
    kind: str = Field(description="normal 抽取 / supplement 补抽 / redraw 重新抽取 / reeval 复评")
    status: str
    status_title: str
    bid_open_at: datetime
    eval_start: datetime
    eval_end: datetime
    total: int
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
    supplement_gather_at: datetime | None = Field(description=(
        "补抽时默认的集合时间：原集合时间未到时为原时间，已过时为一小时后（可修改）"))
    avoidances: list[AvoidanceOut]
    notices: list[NoticeOut]
    conditions: list[ConditionOut]
    counts: CountsOut


def agency(call: Call) -> AgencyRole:
    """The agency the caller acts for."""
    return agency_role(call.caller.need_person().id, call.caller.grants)


def actor(call: Call, role: ActorRole = "agency") -> Actor:
    """The caller as the operation log names them."""
    person = call.caller.need_person()
    return Actor(role, person.id, person.name)


async def activity_in_path(call: Call) -> DrawActivity:
    """The activity of the path, if the caller may see it."""
    return await visible_activity(agency(call), call.path_int("activity_id"), call.now)


def counts_out(counts: Counts) -> CountsOut:
    return CountsOut(planned=counts.planned, confirmed=counts.confirmed,
                     waiting=counts.waiting, invited=counts.invited, text=counts.text)


async def display_status(call: Call, activity: DrawActivity) -> str:
    """The status a person reads: 待补抽 for an ended draw with an uncovered absence,
    复评通知中 for a re-evaluation being called."""
    if activity.by_calls and activity.status == DrawStatus.DRAWING:
        return "recalling"
    waiting = await call.domain.draw_followups.awaiting_supplement([activity], call.now)
    return "awaiting_supplement" if activity.id in waiting else activity.status


async def activity_out(call: Call, activity: DrawActivity, file: ActivityFile | None = None
                       ) -> ActivityOut:
    """The activity as the agency sees it (`file`: already read with it)."""
    f = file or await activity_file(activity)
    return ActivityOut(
        id=activity.id, number=activity_number(activity.id, activity.kind),
        project=f.project.name,
        kind=activity.kind, status=activity.status,
        status_title=call.services.texts.word("draw_status", await display_status(
            call, activity)),
        bid_open_at=activity.bid_open_at, eval_start=activity.eval_start,
        eval_end=activity.eval_end, total=activity.total, on_site=activity.on_site,
        by_calls=activity.by_calls,
        submit_reason=activity.submit_reason, nonce=activity.nonce,
        evidence=[evidence_out(e) for e in f.evidence],
        avoid_drawn=activity.avoid_drawn, avoid_activity_ids=activity.avoid_activity_ids,
        finished_at=activity.finished_at,
        refuse_reason=activity.refuse_reason, seed_hash=activity.seed_hash,
        seed=activity.seed if activity.status == DrawStatus.ENDED else None,
        unseal_at=activity.eval_start - SEAL_BEFORE,
        supplement_gather_at=supplement_time_default(list(f.notices), call.now)
        if activity.status == DrawStatus.ENDED else None,
        avoidances=[AvoidanceOut(id=a.id, kind=a.kind, name=a.name, fixed=a.fixed,
                                 reason=a.reason) for a in f.avoidances],
        notices=[NoticeOut(id=n.id, venue=n.venue, address=n.address, gather_at=n.gather_at,
                           contact=notice_contact(n), notes=n.notes, city=n.city,
                           district=n.district, street=n.street, room=n.room,
                           contact_name=n.contact_name,
                           contact_phone=public(n.contact_phone))
                 for n in f.notices],
        conditions=[ConditionOut(id=c.id, notice_id=c.notice_id, region_mode=c.region_mode,
                                 regions=c.regions, main_specialty=c.main_specialty,
                                 alternate_specialty=c.alternate_specialty,
                                 title_level=c.title_level, qualification=c.qualification,
                                 industry=c.industry, planned=c.planned,
                                 pool_hash=c.pool_hash, alt_pool_hash=c.alt_pool_hash)
                    for c in f.conditions],
        counts=counts_out(f.counts))
