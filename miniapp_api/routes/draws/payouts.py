"""Experts' fees paid through WeChat Pay's 商家转账: the agency chooses per activity whether
its fees are paid through the platform or recorded as paid elsewhere, sends each recorded
fee as a transfer bill and may withdraw one not yet confirmed; the expert sees their bills
and confirms one in the mini-program (wx.requestMerchantTransfer with the parameters given
here), then asks for its outcome."""

from __future__ import annotations

import base64
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import AGENCY, TAG, activity_in_path, actor
from miniapp_api.routes.draws.fees import EXPERT, FeesOut, fees_out, fen_yuan, money_out
from miniapp_api.schemas import Model
from models.payments import FeeKind
from models.payouts import FeeChannel
from services.common.errors import Conflict
from services.common.qr import qr_png
from services.draws import MyPayout, funding
from services.payments import FeeItem

api = Api()
FUNDING_PAY_WITHIN = timedelta(hours=2)  # the QR code's order stays payable this long


class ChannelIn(Model):
    channel: Literal["platform", "elsewhere"] = Field(
        description="platform：通过微信支付发放；elsewhere：线下支付并登记")


class PayoutIn(Model):
    invitation_id: int = Field(ge=1)


class FundingIn(Model):
    reference: str = Field(min_length=1, max_length=64,
                           description="把清单合计转入交易中心账户的银行流水号或凭证号")


class FundingPayOut(Model):
    out_trade_no: str
    title: str
    amount_yuan: Decimal = Field(description="清单合计（应付）")
    deadline: datetime = Field(description="二维码在此前有效")
    code_url: str = Field(description="微信支付 Native 二维码内容")
    qr_png: str = Field(description="二维码图片（data URL）")
    jsapi: dict[str, str] | None = Field(
        description="在小程序内调用时：wx.requestPayment 的参数（工作台为空）")


@api.route("POST", "/draws/activities/{activity_id}/fee-funding/checkout", access=AGENCY,
           response=FundingPayOut, tag=TAG,
           summary="微信扫码（或小程序内）支付专家费清单合计：到账后清单自动提交财务批准")
async def pay_funding(call: Call) -> FundingPayOut:
    person = call.caller.need_person()
    root, title, total = await funding.start_paying(await activity_in_path(call), actor(call),
                                                    call.now)
    item = FeeItem(FeeKind.FEE_SHEET, root.id, title, total, call.now - timedelta(minutes=1),
                   call.now + FUNDING_PAY_WITHIN)
    native, jsapi = await call.domain.payments.pay_item(
        person.id, item, call.caller.identity.openid if call.caller.identity else None,
        call.now)
    code_url = native.order.code_url or ""
    png = await qr_png(code_url)
    return FundingPayOut(out_trade_no=native.order.out_trade_no, title=title,
                         amount_yuan=fen_yuan(total), deadline=native.deadline,
                         code_url=code_url, jsapi=jsapi,
                         qr_png="data:image/png;base64," + base64.b64encode(png).decode())


@api.route("POST", "/draws/activities/{activity_id}/fee-funding", access=AGENCY,
           body=FundingIn, response=FeesOut, tag=TAG,
           summary="提交专家费清单：合计已转入交易中心账户（附凭证号），财务确认到账并批准后才能发放")
async def submit_funding(call: Call, body: FundingIn) -> FeesOut:
    activity = await activity_in_path(call)
    await funding.submit(activity, body.reference, actor(call), call.now)
    return await fees_out(call, activity)


@api.route("PUT", "/draws/activities/{activity_id}/fee-channel", access=AGENCY, body=ChannelIn,
           response=FeesOut, tag=TAG,
           summary="选择专家费支付方式（微信支付发放 / 线下支付并登记）")
async def choose_channel(call: Call, body: ChannelIn) -> FeesOut:
    activity = await activity_in_path(call)
    await call.domain.payouts.choose(activity, FeeChannel(body.channel), actor(call), call.now)
    return await fees_out(call, activity)


@api.route("POST", "/draws/activities/{activity_id}/payouts", access=AGENCY, body=PayoutIn,
           response=FeesOut, tag=TAG,
           summary="通过微信支付向一位专家发放已登记的专家费（专家在小程序确认收款；"
                   "未使用小程序的专家，短信请其提供银行收款账户）")
async def send_payout(call: Call, body: PayoutIn) -> FeesOut:
    activity = await activity_in_path(call)
    call.noted["payee"] = body.invitation_id  # the trail names payee and amount
    await call.domain.payouts.start(activity, body.invitation_id, actor(call), call.now)
    return await fees_out(call, activity)


@api.route("POST", "/draws/activities/{activity_id}/payouts/{payout_id}/cancel", access=AGENCY,
           response=FeesOut, tag=TAG, summary="撤销一笔专家尚未确认收款的转账")
async def cancel_payout(call: Call) -> FeesOut:
    activity = await activity_in_path(call)
    await call.domain.payouts.cancel(activity, call.path_int("payout_id"), actor(call),
                                     call.now)
    return await fees_out(call, activity)


class ConfirmOut(Model):
    """wx.requestMerchantTransfer's parameters (mchId, appId, package, openId)."""

    OPAQUE: ClassVar[frozenset[str]] = frozenset({"package"})
    mchId: str
    appId: str
    package: str
    openId: str


class MyPayoutOut(Model):
    id: int
    eval_day: date
    amount_yuan: Decimal = Field(description="实发：转账金额（专家费减代扣个人所得税）")
    gross_yuan: Decimal = Field(description="应发：登记的专家费")
    tax_yuan: Decimal = Field(description="代扣个人所得税（劳务报酬预扣预缴；0：未扣）")
    amount_words: str = Field(description="金额说明，如“应发 900.00元，代扣个人所得税 20.00元，"
                                          "实发 880.00元”")
    state: str
    state_title: str
    expires_at: datetime = Field(description="须在此前确认收款")
    finished_at: datetime | None
    can_confirm: bool = Field(description="待确认收款：可取 confirm 参数调起确认收款页"
                                          "（免确认收款的转账无需确认）")


class MyPayoutsOut(Model):
    payouts: list[MyPayoutOut]
    authorised: bool = Field(description="已开通免确认收款：新的转账直接到账，无需确认")
    authorisation_available: bool = Field(description="可在此开通免确认收款")


def _mine(call: Call, mine: MyPayout) -> MyPayoutOut:
    payout = mine.payout
    return MyPayoutOut(
        id=payout.id, eval_day=mine.eval_day,
        **money_out(call.services.texts, payout), state=payout.state,
        state_title=call.services.texts.word("payout_state", payout.state),
        expires_at=payout.expires_at, finished_at=payout.finished_at,
        can_confirm=mine.can_confirm)


@api.route("GET", "/expert/payouts", access=EXPERT, response=MyPayoutsOut, tag="专家",
           summary="我的专家费转账（待确认收款的可在此领取）")
async def my_payouts(call: Call) -> MyPayoutsOut:
    person_id = call.caller.need_person().id
    rows = await call.domain.payouts.mine(person_id)
    authorisations = call.domain.payouts.authorisations
    return MyPayoutsOut(payouts=[_mine(call, p) for p in rows],
                        authorised=await authorisations.active(person_id) is not None,
                        authorisation_available=authorisations.available)


@api.route("GET", "/expert/payouts/{payout_id}/confirm", access=EXPERT, response=ConfirmOut,
           tag="专家", summary="确认收款：传给 wx.requestMerchantTransfer 的参数")
async def confirm_payout(call: Call) -> ConfirmOut:
    payouts = call.domain.payouts
    payout = await payouts.own(call.caller.need_person().id, call.path_int("payout_id"))
    params = payouts.confirm_params(payout)
    if params is None:
        raise Conflict("payout.not_waiting", state=payout.state)
    return ConfirmOut(mchId=params.mch_id, appId=params.app_id, package=params.package,
                      openId=params.open_id)


@api.route("POST", "/expert/payouts/{payout_id}/check", access=EXPERT, response=MyPayoutOut,
           tag="专家", summary="确认收款后查询这笔转账的结果")
async def check_payout(call: Call) -> MyPayoutOut:
    payouts = call.domain.payouts
    payout = await payouts.own(call.caller.need_person().id, call.path_int("payout_id"))
    (mine,) = await payouts.seen([await payouts.check(payout, call.now)])
    return _mine(call, mine)
