"""Experts' fees (专家酬劳支付情况, GD-DRAW): the agency sees, per expert who served, what the
published standard gives and how, records the amount (another one with its reason) and
whether it was paid; each expert sees their own fees the same way."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import AGENCY, activity_in_path, actor
from miniapp_api.routes.fees.common import (
    EXPERT,
    TAG,
    AccountOut,
    PayoutOut,
    account_out,
    breakdown,
    fen_yuan,
    payout_out,
    withheld,
    yuan,
)
from miniapp_api.schemas import Model
from models.draws import DrawActivity
from models.money.payouts import FeeFunding
from services.common.clock import CHINA
from services.common.texts import Texts

api = Api()


class FeeIn(Model):
    amount_yuan: Decimal = Field(ge=0, max_digits=9, decimal_places=2)
    paid: bool
    reason: str = Field(default="", max_length=200,
                        description="调整原因：金额与按标准计算的不同时必填")


class FeeFields(Model):
    """One expert's fee, as the agency and the expert both read it."""

    computed_yuan: Decimal | None = Field(description="按劳务费标准计算的金额（未发布标准时为空）")
    breakdown: str = Field(description="计算方式（文字）")
    amount_yuan: Decimal | None = Field(description="代理机构登记的金额")
    reason: str | None = Field(description="登记金额与标准不同的原因")
    paid: bool
    recorded_at: datetime | None
    withheld_yuan: Decimal = Field(
        description="按规定不予支付或暂扣的金额（履职记录确认早退或违法违规行为："
                    "财库〔2016〕198号第二十五条）；0.00：无")
    withheld: str = Field(description="不予支付或暂扣的原因与处理（文字）；空：无")


class FeeRowOut(FeeFields):
    invitation_id: int
    name: str
    supplementary: bool
    payout: PayoutOut | None = Field(description="通过微信支付发放时：最近一笔转账")
    account: AccountOut | None = Field(
        description="专家未使用小程序时：其提供的银行收款账户及转账登记")
    wechat: bool = Field(description="专家使用微信（公众号或小程序），可在其中查看专家费与支付情况")
    mini_program: bool = Field(description="专家使用小程序，可通过微信支付收款")


class FundingOut(Model):
    """The sheet the agency funded (fees paid through WeChat Pay from the centre's account)."""

    state: str = Field(description="submitted 待财务确认到账并批准 / approved 已批准 / "
                                   "returned 已退回")
    state_title: str
    total_yuan: Decimal = Field(description="清单合计（代理机构已转入交易中心账户的金额）")
    reference: str = Field(description="代理机构的银行转账凭证号")
    submitted_at: datetime
    decided_at: datetime | None
    returned_reason: str = Field(description="财务退回的原因")


class FeesOut(Model):
    standard: str | None = Field(description="适用的劳务费标准（评标当日有效的版本）")
    channel: str = Field(description="支付方式：platform 微信支付发放 / elsewhere 线下支付并登记")
    channel_title: str
    platform_available: bool = Field(description="本系统是否已开通微信支付商家转账")
    funding: FundingOut | None = Field(
        description="通过微信支付发放时：专家费清单的到账与财务批准（批准后才能发放）")
    experts: list[FeeRowOut]


def funding_out(texts: Texts, found: FeeFunding | None) -> FundingOut | None:
    if found is None:
        return None
    return FundingOut(state=found.state, state_title=texts.word("funding_state", found.state),
                      total_yuan=fen_yuan(found.total_fen), reference=found.reference,
                      submitted_at=found.submitted_at, decided_at=found.decided_at,
                      returned_reason=found.returned_reason)


async def fees_out(call: Call, activity: DrawActivity) -> FeesOut:
    """The activity's fee sheet as the agency reads it (what every action on it answers)."""
    fees = call.domain.fees
    sheet = await fees.sheets.sheet(activity)
    texts = call.services.texts
    rows, standard, channel, latest = sheet.rows, sheet.standard, sheet.channel, sheet.latest
    accounts = sheet.accounts
    return FeesOut(
        standard=standard.name if standard else None, channel=channel,
        channel_title=texts.word("fee_channel", channel),
        platform_available=fees.payouts.available,
        funding=funding_out(texts, sheet.funding),
        experts=[FeeRowOut(
            invitation_id=r.invitation.id, name=r.name, supplementary=r.invitation.supplementary,
            computed_yuan=yuan(r.computed.total_fen) if r.computed else None,
            breakdown=breakdown(texts, r.computed), amount_yuan=yuan(r.invitation.fee_fen),
            reason=r.invitation.fee_reason, paid=r.invitation.fee_paid,
            recorded_at=r.invitation.fee_recorded_at,
            withheld_yuan=fen_yuan(r.computed.forfeited_fen if r.computed else 0),
            withheld=withheld(texts, r.computed, r.fixed),
            payout=payout_out(texts, latest.get(r.invitation.id)),
            account=account_out(accounts.get(r.invitation.id)), wechat=r.wechat,
            mini_program=r.mini_program) for r in rows])


@api.route("GET", "/draws/activities/{activity_id}/fees", access=AGENCY, response=FeesOut,
           summary="专家酬劳支付情况（评标结束后；按劳务费标准计算并说明）", tag=TAG)
async def fees(call: Call) -> FeesOut:
    return await fees_out(call, await activity_in_path(call))


@api.route("PUT", "/draws/activities/{activity_id}/fees/{invitation_id}", access=AGENCY,
           body=FeeIn, response=FeesOut, tag=TAG,
           summary="登记一位专家的酬劳与是否已支付（与标准不同须写明原因）")
async def record_fee(call: Call, body: FeeIn) -> FeesOut:
    activity = await activity_in_path(call)
    call.noted["payee"] = call.path_int("invitation_id")  # the trail names payee and amount
    await call.domain.fees.sheets.record(activity, call.path_int("invitation_id"),
                                         int(body.amount_yuan * 100), body.paid, body.reason,
                                         call.now, actor(call))
    return await fees_out(call, activity)


class MyFeeOut(FeeFields):
    eval_day: date
    venue: str
    payout: PayoutOut | None = Field(
        description="通过微信支付发放时：最近一笔转账（应发、代扣个人所得税、实发）")


class MyFeesOut(Model):
    fees: list[MyFeeOut]


@api.route("GET", "/expert/fees", access=EXPERT, response=MyFeesOut, tag="专家",
           summary="我的评标劳务费（评标结束后：按标准计算的金额与方式、登记金额与支付情况）")
async def my_fees(call: Call) -> MyFeesOut:
    texts = call.services.texts
    return MyFeesOut(fees=[MyFeeOut(
        eval_day=f.notice.gather_at.astimezone(CHINA).date(),
        venue=call.domain.draws.facts.venue_roles.venue_label(f.notice),
        computed_yuan=yuan(f.computed.total_fen) if f.computed else None,
        breakdown=breakdown(texts, f.computed), amount_yuan=yuan(f.invitation.fee_fen),
        reason=f.invitation.fee_reason, paid=f.invitation.fee_paid,
        recorded_at=f.invitation.fee_recorded_at,
        withheld_yuan=fen_yuan(f.computed.forfeited_fen if f.computed else 0),
        withheld=withheld(texts, f.computed, f.fixed), payout=payout_out(texts, f.payout))
        for f in await call.domain.fees.sheets.mine(call.caller.need_person().id)])
