"""The draw itself (GD-DRAW): start (verified only), pause, resume, force end; progress as
counts only; the results, sealed until 30 minutes before the evaluation starts, as data and
as a printable page; and the randomness audit."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import (
    AGENCY,
    TAG,
    ActivityOut,
    CountsOut,
    activity_in_path,
    activity_out,
    actor,
    agency,
    counts_out,
)
from miniapp_api.schemas import Model

api = Api()


class ExpertOut(Model):
    """A drawn expert as the agency sees them: never their phone, not even masked (the venue
    reaches them through the platform's notices and urges)."""

    invitation_id: int
    name: str
    expert_number: str
    work_unit: str
    specialty: str  # its name, level by level
    verification_code: str  # as the record prints it: * before a 补抽 expert's
    supplementary: bool
    situation: str = Field(description="情形：参加 / 补抽 / 请假 / 缺席 / 现场回避")
    absent: bool = Field(description="已登记请假、缺席或现场回避（可撤销，名额未被补抽时）")
    travels: bool = Field(default=False,
                          description="异地专家：常驻城市不是评标地点所在城市（支付交通补助与餐费补助）")
    condition_id: int
    venue: str = Field(default="", description=(
        "评标场所（远程异地评标时注明主场或副场，如“韶关市公共资源交易中心（副场）”）"))
    library: str = Field(default="", description=(
        "外库专家：为本活动副场抽取该专家的专家库（invitation_id 为 0，到场由该库告知）"))
    checkin_at: datetime | None = Field(default=None, description="外库专家在副场签到的时间")
    checkout_at: datetime | None = Field(default=None, description="外库专家在副场签退的时间")


class ReasonIn(Model):
    reason: str = Field(max_length=200, description="原因（必填）")


class ResultsOut(Model):
    activity_id: int
    experts: list[ExpertOut]


class LinkOut(Model):
    url: str
    expires_at: datetime


class AuditOut(Model):
    seed_hash: str | None
    seed: str | None
    pools: list[dict[str, object]] = Field(description=(
        "每个候选池：条件、主/备选、人数、摘要、已用位置；weighted 是否按信用等级加权，"
        "weighting 抽取方式（文字，含各信用等级的权重）；抽取结束且结果解封后，skipped "
        "列出被跳过的位置（第几位）及原因（文字）"))
    ok: bool | None
    problems: list[str] = Field(default_factory=list)


class AttemptOut(Model):
    channel: str = Field(description="cs 客服消息 / template 模板消息 / subscribe 订阅消息 / "
                                     "sms 短信 / voice 语音呼叫 / wechat 微信均未触达")
    status: str
    at: datetime | None


class ContactOut(Model):
    """How one drawn expert was reached: never their phone, a name only once confirmed."""

    invitation_id: int
    condition_id: int
    wave: int
    status: str
    answered_via: str | None = Field(description="chat / miniapp / sms / link / voice")
    name: str | None
    tried: list[AttemptOut]


class ContactsOut(Model):
    activity_id: int
    invitations: list[ContactOut]


class StartIn(Model):
    nonce: str = Field(min_length=4, max_length=32, description=(
        "经办人现场输入的随机串（4-32位）：与核验时已公布摘要的服务器种子共同决定抽取顺序，"
        "任何一方都无法单独操纵"))


@api.route("POST", "/draws/activities/{activity_id}/start", access=AGENCY, body=StartIn,
           response=ActivityOut, summary="开始抽取（须已核验；经办人输入随机串）", tag=TAG)
async def draw_start(call: Call, body: StartIn) -> ActivityOut:
    activity = await activity_in_path(call)
    lifecycle = call.domain.draws.running.lifecycle
    return await activity_out(call, await lifecycle.start(activity.id, call.now, actor(call),
                                                          body.nonce))


@api.route("POST", "/draws/activities/{activity_id}/pause", access=AGENCY, body=ReasonIn,
           response=ActivityOut, summary="暂停抽取（须填写原因）", tag=TAG)
async def draw_pause(call: Call, body: ReasonIn) -> ActivityOut:
    activity = await activity_in_path(call)
    lifecycle = call.domain.draws.running.lifecycle
    return await activity_out(call, await lifecycle.pause(activity.id, call.now, actor(call),
                                                          body.reason))


@api.route("POST", "/draws/activities/{activity_id}/resume", access=AGENCY,
           response=ActivityOut, summary="继续抽取", tag=TAG)
async def draw_resume(call: Call) -> ActivityOut:
    activity = await activity_in_path(call)
    lifecycle = call.domain.draws.running.lifecycle
    return await activity_out(call, await lifecycle.resume(activity.id, call.now, actor(call)))


@api.route("POST", "/draws/activities/{activity_id}/end", access=AGENCY, body=ReasonIn,
           response=ActivityOut, summary="强制结束抽取（须填写原因）", tag=TAG)
async def draw_end(call: Call, body: ReasonIn) -> ActivityOut:
    activity = await activity_in_path(call)
    lifecycle = call.domain.draws.running.lifecycle
    return await activity_out(call, await lifecycle.force_end(activity.id, call.now, actor(call),
                                                              body.reason))


@api.route("GET", "/draws/activities/{activity_id}/progress", access=AGENCY,
           response=CountsOut, summary="抽取进度（只有人数，结果解封前不显示姓名）", tag=TAG)
async def progress(call: Call) -> CountsOut:
    return counts_out(await call.domain.draws.news.counts.visible_counts(
        agency(call), call.path_int("activity_id"), call.now))


@api.route("GET", "/draws/activities/{activity_id}/results", access=AGENCY,
           response=ResultsOut, summary="抽取结果（评标开始前30分钟解封）", tag=TAG)
async def results(call: Call) -> ResultsOut:
    activity = await activity_in_path(call)
    texts, tree = call.services.texts, call.domain.reference.catalogue()
    return ResultsOut(activity_id=activity.id, experts=[
        ExpertOut(invitation_id=r.invitation_id, name=r.name, expert_number=r.expert_number,
                  work_unit=r.work_unit, specialty=tree.path_name(r.specialty),
                  verification_code=r.shown_code, supplementary=r.supplementary,
                  situation=r.said(texts), absent=r.absence is not None, travels=r.travels,
                  condition_id=r.condition_id, venue=r.venue, library=r.lent_from,
                  checkin_at=r.checkin_at, checkout_at=r.checkout_at)
        for r in await call.domain.draws.record.results.draw_results(activity, call.now)])


@api.route("GET", "/draws/activities/{activity_id}/contacts", access=AGENCY,
           response=ContactsOut, tag=TAG,
           summary="每个邀请的通知渠道（微信、短信、语音呼叫）及答复方式（抽取中即可查看，"
                   "专家姓名与结果同时解封）")
async def contacts(call: Call) -> ContactsOut:
    activity = await activity_in_path(call)
    return ContactsOut(activity_id=activity.id, invitations=[
        ContactOut(invitation_id=r.invitation_id, condition_id=r.condition_id, wave=r.wave,
                   status=r.status, answered_via=r.answered_via, name=r.name,
                   tried=[AttemptOut(channel=a.channel, status=a.status, at=a.at)
                          for a in r.tried])
        for r in await call.domain.draws.record.contacts.contact_report(activity, call.now)])


@api.route("GET", "/draws/activities/{activity_id}/result-page", access=AGENCY,
           response=LinkOut, summary="可打印的抽取结果页（个人链接，1小时有效，解封后可用）",
           tag=TAG)
async def result_page(call: Call) -> LinkOut:
    activity = await activity_in_path(call)
    url, expires = call.domain.draws.record.results.result_link(call.domain.links, activity,
                                                                call.caller.need_person().id,
                               call.now)
    return LinkOut(url=url, expires_at=expires)


@api.route("GET", "/draws/activities/{activity_id}/audit", access=AGENCY, response=AuditOut,
           summary="随机性核对：种子摘要、结束后公开的种子与候选池摘要、核对结果", tag=TAG)
async def audit_view(call: Call) -> AuditOut:
    activity = await activity_in_path(call)
    records, report = await call.domain.draws.record.results.pool_audit(activity)
    pools: list[dict[str, object]] = [
        {"condition_id": r.condition_id, "pool": r.name, "size": len(r.expert_ids),
         "hash": r.published_hash, "positions_used": len(r.used),
         "weighted": r.weights is not None,
         "weighting": call.domain.draws.randomness.weighting.weighting_said(
             call.services.texts, r.weighting if r.weights is not None else None)}
        for r in records]
    if report is None:
        return AuditOut(seed_hash=activity.seed_hash, seed=None, pools=pools, ok=None)
    # who was passed over, and why, in words
    if not call.domain.draws.facts.seal.check_sealed(activity, call.now):
        for pool, r in zip(pools, records, strict=True):
            pool["skipped"] = [{"position": rank + 1,
                                "reason": call.domain.draws.candidates.skip_reasons.said(
                                    why, call.services.texts)}
                               for rank, why in sorted(r.skipped.items())]
    return AuditOut(seed_hash=activity.seed_hash, seed=activity.seed, pools=pools,
                    ok=report.ok, problems=report.problems)
