"""Experts' fees paid through WeChat Pay's 商家转账: the agency chooses per activity whether
its fees are paid through the platform or recorded as paid elsewhere, sends each recorded
fee as a transfer bill and may withdraw one not yet confirmed; the expert sees their bills
and confirms one in the mini-program (wx.requestMerchantTransfer with the parameters given
here), then asks for its outcome; finance lists every transfer across agencies."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.paging import PageOut, PageQuery
from miniapp_api.routes.draws.common import AGENCY, activity_in_path, actor
from miniapp_api.routes.fees.common import EXPERT, FINANCE, TAG, money_out
from miniapp_api.routes.fees.sheets import FeesOut, fees_out
from miniapp_api.schemas import Model
from models.money.payouts import FeeChannel, PayoutState
from services.common.errors import Conflict
from services.common.pii import mask_name
from services.fees import MyPayout

api = Api()


class ChannelIn(Model):
    channel: Literal["platform", "elsewhere"] = Field(
        description="platform：通过微信支付发放；elsewhere：线下支付并登记")


class PayoutIn(Model):
    invitation_id: int = Field(ge=1)


@api.route("PUT", "/draws/activities/{activity_id}/fee-channel", access=AGENCY, body=ChannelIn,
           response=FeesOut, tag=TAG,
           summary="选择专家费支付方式（微信支付发放 / 线下支付并登记）")
async def choose_channel(call: Call, body: ChannelIn) -> FeesOut:
    activity = await activity_in_path(call)
    await call.domain.fees.channels.choose(activity, FeeChannel(body.channel), actor(call),
                                           call.now)
    return await fees_out(call, activity)


@api.route("POST", "/draws/activities/{activity_id}/payouts", access=AGENCY, body=PayoutIn,
           response=FeesOut, tag=TAG,
           summary="通过微信支付向一位专家发放已登记的专家费（专家在小程序确认收款；"
                   "未使用小程序的专家，短信请其提供银行收款账户）")
async def send_payout(call: Call, body: PayoutIn) -> FeesOut:
    activity = await activity_in_path(call)
    call.noted["payee"] = body.invitation_id  # the trail names payee and amount
    made = await call.domain.fees.payouts.start(activity, body.invitation_id, actor(call),
                                                call.now)
    call.decided["mode"] = "wechat" if made is not None else "bank"  # the trail says which
    return await fees_out(call, activity)


@api.route("POST", "/draws/activities/{activity_id}/payouts/{payout_id}/cancel", access=AGENCY,
           response=FeesOut, tag=TAG, summary="撤销一笔专家尚未确认收款的转账")
async def cancel_payout(call: Call) -> FeesOut:
    activity = await activity_in_path(call)
    await call.domain.fees.payouts.cancel(activity, call.path_int("payout_id"), actor(call),
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
    receipt: bool = Field(default=False, description=(
        "电子回单已归档：可从 /expert/payouts/{id}/receipt 下载"))


class MyPayoutsOut(Model):
    payouts: list[MyPayoutOut]
    authorised: bool = Field(description="已开通免确认收款：新的转账直接到账，无需确认")
    authorisation_available: bool = Field(description="可在此开通免确认收款")


def _mine(call: Call, mine: MyPayout, archived: frozenset[int] = frozenset()) -> MyPayoutOut:
    payout = mine.payout
    return MyPayoutOut(
        id=payout.id, eval_day=mine.eval_day,
        **money_out(call.services.texts, payout), state=payout.state,
        state_title=call.services.texts.word("payout_state", payout.shown_state),
        expires_at=payout.expires_at, finished_at=payout.finished_at,
        can_confirm=mine.can_confirm, receipt=payout.id in archived)


@api.route("GET", "/expert/payouts", access=EXPERT, response=MyPayoutsOut, tag="专家",
           summary="我的专家费转账（待确认收款的可在此领取）")
async def my_payouts(call: Call) -> MyPayoutsOut:
    person_id = call.caller.need_person().id
    rows = await call.domain.fees.payouts.mine(person_id)
    authorisations = call.domain.fees.authorisations
    archived = await call.domain.fees.receipts.archived([p.payout.id for p in rows])
    return MyPayoutsOut(payouts=[_mine(call, p, archived) for p in rows],
                        authorised=await authorisations.active(person_id) is not None,
                        authorisation_available=authorisations.available)


@api.route("GET", "/expert/payouts/{payout_id}/confirm", access=EXPERT, response=ConfirmOut,
           tag="专家", summary="确认收款：传给 wx.requestMerchantTransfer 的参数")
async def confirm_payout(call: Call) -> ConfirmOut:
    payouts = call.domain.fees.payouts
    payout = await payouts.own(call.caller.need_person().id, call.path_int("payout_id"))
    params = payouts.confirm_params(payout)
    if params is None:
        raise Conflict("payout.not_waiting", state=payout.state)
    return ConfirmOut(mchId=params.mch_id, appId=params.app_id, package=params.package,
                      openId=params.open_id)


@api.route("POST", "/expert/payouts/{payout_id}/check", access=EXPERT, response=MyPayoutOut,
           tag="专家", summary="确认收款后查询这笔转账的结果")
async def check_payout(call: Call) -> MyPayoutOut:
    payouts = call.domain.fees.payouts
    payout = await payouts.own(call.caller.need_person().id, call.path_int("payout_id"))
    (mine,) = await payouts.seen([await payouts.check(payout, call.now)])
    return _mine(call, mine)


class TransfersQuery(PageQuery):
    state: Literal["waiting", "transferring", "paid", "failed", "cancelled", "expired", ""] = \
        Field(default="", description="转账状态（空：全部）")


class TransferOut(Model):
    id: int
    activity_id: int
    project: str
    agency: str
    payee: str = Field(description="收款专家（脱敏）")
    state: str
    state_title: str
    amount_yuan: Decimal = Field(description="实发")
    gross_yuan: Decimal = Field(description="应发")
    tax_yuan: Decimal = Field(description="代扣个人所得税")
    amount_words: str
    created_at: datetime
    finished_at: datetime | None
    receipt: str = Field(default="", description=(
        "电子回单：archived 已归档 / applied 生成中 / failed 未能生成（空：未申请或未到账）"))


class TransfersOut(PageOut):
    transfers: list[TransferOut]


@api.route("GET", "/finance/transfers", access=FINANCE, query=TransfersQuery,
           response=TransfersOut, tag=TAG,
           summary="财务：专家费微信转账（全部代理机构，新的在前，可按状态筛选）")
async def transfer_list(call: Call, query: TransfersQuery) -> TransfersOut:
    texts = call.services.texts
    found = await call.domain.fees.transfer_list.listed(
        PayoutState(query.state) if query.state else None, query.limit, query.after)
    receipts = await call.domain.fees.receipts.of([r.payout.id for r in found.rows])
    return TransfersOut(transfers=[TransferOut(
        id=r.payout.id, activity_id=r.payout.activity_id, project=r.project, agency=r.agency,
        payee=mask_name(r.payee), state=r.payout.state,
        state_title=texts.word("payout_state", r.payout.shown_state),
        **money_out(texts, r.payout), created_at=r.payout.created_at,
        finished_at=r.payout.finished_at,
        receipt=receipts[r.payout.id].state if r.payout.id in receipts else "")
        for r in found.rows], next=found.next)
