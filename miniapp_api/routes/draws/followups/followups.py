"""After a draw (GD-DRAW): absence and leave, the supplementary draw (补抽), re-draw
(重新抽取) and re-evaluation (复评), and withdrawal (退选) with its delivery as counts."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import (
    AGENCY,
    TAG,
    ActivityOut,
    activity_in_path,
    activity_out,
    actor,
)
from miniapp_api.schemas import Model
from models.draws import DrawActivity, DrawStatus

api = Api()


class AbsenceIn(Model):
    key: str = Field(min_length=4, max_length=11, description="专家的验证码或手机号")
    kind: str = Field(default="缺席", description="缺席 / 请假 / 现场回避")


class AbsenceOut(Model):
    registered: bool
    kind: str


class SupplementIn(Model):
    regions: list[str] | None = Field(default=None, description="不填则按原条件的地区")
    gather_at: datetime | None = Field(default=None, description=(
        "新的集合时间；不填则沿用原集合时间（原集合时间已过时必填，且须晚于现在）"))


class SupplementStartIn(Model):
    nonce: str = Field(min_length=4, max_length=32, description=(
        "经办人输入的随机串（4-32位）：与准备补抽时已公布摘要的种子和候选池共同决定补抽顺序，"
        "任何一方都无法单独操纵"))


class UndoIn(Model):
    reason: str = Field(min_length=2, max_length=100, description="撤销登记的原因")


class UndoneOut(Model):
    invitation_id: int
    status: str


class CloneIn(Model):
    bid_open_at: datetime
    eval_start: datetime
    eval_end: datetime


class RedrawIn(CloneIn):
    """重新抽取 with, optionally, its committee recorded anew (空：沿用原活动的)."""

    committee_size: int | None = Field(default=None, ge=1, le=99, description="委员会人数")
    representatives: int | None = Field(default=None, ge=0, le=98,
                                        description="招标人或采购人代表人数")
    committee_cases: list[str] = Field(default_factory=list, max_length=4,
                                       description="须更多成员的情形")


class WithdrawalIn(Model):
    reason: str = Field(min_length=2, max_length=200)
    terminal: str | None = Field(
        default=None, pattern=r"^\d{2}(\d{2})?$",
        description="选择提交终端：GET …/terminals 列出的交易中心（其服务地区代码）；不填为本活动"
                    "提交核验时所选的交易中心")


class WithdrawalOut(Model):
    status: str
    requested: bool
    approved: bool = Field(description="交易中心已核验通过（可启动退选）")
    started: bool = Field(description="已启动退选：专家正在或已经收到通知")
    delivered: int = Field(description="已确认收到退选通知的专家人数")
    undelivered: int


@api.route("POST", "/draws/activities/{activity_id}/absences", access=AGENCY, body=AbsenceIn,
           response=AbsenceOut, summary="登记缺席或请假（凭专家验证码或手机号）", tag=TAG)
async def register_absence(call: Call, body: AbsenceIn) -> AbsenceOut:
    activity = await activity_in_path(call)
    # before the results unseal, a registration by phone answers alike for any phone
    await call.domain.draws.followups.absences.register_absence(activity, body.key, body.kind,
                                                                call.now,
                                                                actor(call))
    return AbsenceOut(registered=True, kind=body.kind)


@api.route("POST", "/draws/activities/{activity_id}/supplement", access=AGENCY,
           body=SupplementIn, response=ActivityOut, tag=TAG,
           summary=("准备补抽（按原条件或调整地区，可改集合时间）：返回补抽活动及其已公布摘要的种子和"
                    "候选池，再用随机串启动；结果解封前按同样方式受理，返回原活动"))
async def supplement(call: Call, body: SupplementIn) -> ActivityOut:
    child = await call.domain.draws.followups.supplements.supplement(
        await activity_in_path(call), call.now, actor(call), regions=body.regions,
        gather_at=body.gather_at)
    return await activity_out(call, child)


@api.route("POST", "/draws/activities/{activity_id}/supplement/start", access=AGENCY,
           body=SupplementStartIn, response=ActivityOut, tag=TAG,
           summary="启动已准备的补抽（补抽专家在结果中标 *）；结果解封前按同样方式受理，返回原活动")
async def start_supplement(call: Call, body: SupplementStartIn) -> ActivityOut:
    started = await call.domain.draws.followups.supplements.start_supplement(
        await activity_in_path(call), body.nonce, call.now, actor(call))
    return await activity_out(call, started)


@api.route("POST", "/draws/activities/{activity_id}/absences/{invitation_id}/undo",
           access=AGENCY, body=UndoIn, response=UndoneOut,
           summary="撤销误登记的缺席或请假（补抽尚未补上该名额时；专家会收到通知）", tag=TAG)
async def undo_absence(call: Call, body: UndoIn) -> UndoneOut:
    item = await call.domain.draws.followups.absences.undo_absence(
        await activity_in_path(call), call.path_int("invitation_id"), body.reason, call.now,
        actor(call))
    return UndoneOut(invitation_id=item.id, status=item.status)


@api.route("POST", "/draws/activities/{activity_id}/redraw", access=AGENCY, body=RedrawIn,
           response=ActivityOut, summary="重新抽取（复制活动，自动回避原专家，需重新核验）",
           tag=TAG)
async def redraw(call: Call, body: RedrawIn) -> ActivityOut:
    committee = body.model_dump(include={"committee_size", "representatives",
                                         "committee_cases"})
    child = await call.domain.draws.followups.clones.clone(
        await activity_in_path(call), "redraw",
        body.model_dump(include={"bid_open_at", "eval_start", "eval_end"}), call.now,
        actor(call), committee if body.committee_size is not None
        or body.representatives is not None else None)
    return await activity_out(call, child)


@api.route("POST", "/draws/activities/{activity_id}/reeval", access=AGENCY, body=CloneIn,
           response=ActivityOut, summary="复评（复制活动，核验后通知原专家）", tag=TAG)
async def reeval(call: Call, body: CloneIn) -> ActivityOut:
    child = await call.domain.draws.followups.clones.clone(await activity_in_path(call), "reeval",
                                                           body.model_dump(), call.now, actor(call))
    return await activity_out(call, child)


async def withdrawal_out(call: Call, activity: DrawActivity) -> WithdrawalOut:
    delivered, undelivered = await call.domain.draws.followups.withdrawals.withdrawal_status(
        activity, call.now)
    return WithdrawalOut(status=activity.status,
                         requested=activity.withdraw_requested_at is not None,
                         approved=activity.status == DrawStatus.WITHDRAWN,
                         started=activity.withdrawal_started_at is not None,
                         delivered=delivered, undelivered=undelivered)


@api.route("POST", "/draws/activities/{activity_id}/withdrawal", access=AGENCY,
           body=WithdrawalIn, response=WithdrawalOut,
           summary="申请退选（评标开始前至少5小时，经交易中心核验后通知全部专家）", tag=TAG)
async def request_withdrawal(call: Call, body: WithdrawalIn) -> WithdrawalOut:
    activity = await activity_in_path(call)
    centre = await call.domain.draws.setup.terminals.chosen_terminal(call.services.texts, activity,
                                                                     body.terminal, call.now)
    activity = await call.domain.draws.followups.withdrawals.request_withdrawal(
        activity, body.reason, call.now, actor(call), terminal=centre)
    return await withdrawal_out(call, activity)


@api.route("POST", "/draws/activities/{activity_id}/withdrawal/take-back", access=AGENCY,
           response=WithdrawalOut, summary="撤回尚未核验的退选申请", tag=TAG)
async def take_back_withdrawal(call: Call) -> WithdrawalOut:
    activity = await call.domain.draws.followups.withdrawals.take_back_withdrawal(
        await activity_in_path(call), call.now, actor(call))
    return await withdrawal_out(call, activity)


@api.route("POST", "/draws/activities/{activity_id}/withdrawal/start", access=AGENCY,
           response=WithdrawalOut,
           summary="启动退选：核验通过后，系统给每位已确认的专家打电话、发短信并推送，告知无需前往",
           tag=TAG)
async def start_withdrawal(call: Call) -> WithdrawalOut:
    activity = await call.domain.draws.followups.withdrawals.start_withdrawal(
        await activity_in_path(call), call.now, actor(call))
    return await withdrawal_out(call, activity)


@api.route("GET", "/draws/activities/{activity_id}/withdrawal", access=AGENCY,
           response=WithdrawalOut, summary="退选通知送达情况（只有人数）", tag=TAG)
async def withdrawal_status(call: Call) -> WithdrawalOut:
    return await withdrawal_out(call, await activity_in_path(call))


class NoticeStateOut(Model):
    invitation_id: int
    name: str = Field(description="专家姓名（脱敏）")
    phone: str = Field(description="手机号码（脱敏）")
    supplementary: bool
    notices: int = Field(description="已发送的退选通知次数")
    calls: int = Field(description="拨打次数")
    voice: str = Field(description="语音通知状态：none 未拨打 / calling 呼叫中 / delivered 已送达 "
                                   "/ undelivered 未送达")
    message_channel: str | None = Field(
        description="书面通知的渠道（短信；关注公众号的专家为微信）：sms / cs / template / "
                    "subscribe")
    message_status: str | None = Field(
        description="短信发送状态：queued / sending / sent / delivered / failed / dead")
    channel: str | None = Field(
        description="最近一次通知的渠道：cs / template / subscribe / sms / voice")
    delivered: bool
    acknowledged_at: datetime | None
    acknowledged_by: str | None = Field(
        description="为空表示专家本人回复“收到”；voice 表示语音通知已接听（已送达）")
    note: str | None


class FollowUpOut(Model):
    experts: list[NoticeStateOut]


class OutcomeIn(Model):
    note: str = Field(max_length=100, description="例如：已电话通知，专家知悉")


async def follow_up_out(call: Call, activity: DrawActivity) -> FollowUpOut:
    return FollowUpOut(experts=[NoticeStateOut(
        invitation_id=n.invitation.id, name=n.name, phone=n.phone,
        supplementary=n.invitation.supplementary, notices=n.notices, calls=n.calls,
        voice=n.voice, message_channel=n.message_channel, message_status=n.message_status,
        channel=n.channel, delivered=n.delivered,
        acknowledged_at=n.invitation.acknowledged_at,
        acknowledged_by=n.invitation.acknowledged_by, note=n.invitation.acknowledged_note)
        for n in await call.domain.draws.followups.withdrawal_report.withdrawal_follow_up(
            activity, call.now)])


@api.route("GET", "/draws/activities/{activity_id}/withdrawal/experts", access=AGENCY,
           response=FollowUpOut, summary="退选通知逐个专家的送达与确认情况（含补抽专家）",
           tag=TAG)
async def withdrawal_follow_up(call: Call) -> FollowUpOut:
    return await follow_up_out(call, await activity_in_path(call))


@api.route("POST", "/draws/activities/{activity_id}/withdrawal/experts/{invitation_id}",
           access=AGENCY, body=OutcomeIn, response=FollowUpOut,
           summary="登记以其他方式取得的通知结果（如电话已通知）", tag=TAG)
async def record_outcome(call: Call, body: OutcomeIn) -> FollowUpOut:
    activity = await activity_in_path(call)
    await call.domain.draws.followups.withdrawals.record_outcome(
        activity, call.path_int("invitation_id"), body.note, call.now, actor(call))
    return await follow_up_out(call, activity)
