"""The fee sheet's funding (fees paid through WeChat Pay from the centre's merchant account):
the agency submits the sheet with its bank transfer's reference, or pays its total by
scanning a WeChat Pay QR code (or inside the mini-program); finance's desk lists every sheet
funded, each fee beside what the standard gives (an amount other than the standard's
highlighted with the agency's reason), and decides — approve once the money arrived (the
confirmation states the total, which must still be the sheet's), or return with a reason.
No transfer goes out before the approval."""

from __future__ import annotations

import base64
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import AGENCY, activity_in_path, actor
from miniapp_api.routes.fees.common import (
    FINANCE,
    TAG,
    AccountOut,
    account_out,
    fen_yuan,
    withheld,
    yuan,
)
from miniapp_api.routes.fees.sheets import FeesOut, fees_out
from miniapp_api.schemas import Model
from models.money.payouts import FundingState
from services.common.qr import qr_png
from services.fees import Amounts, SheetView

api = Api()


class SheetsQuery(Model):
    state: Literal["submitted", "approved", "returned", ""] = Field(
        default="submitted", description="submitted 待批准（默认）/ approved / returned / 空：全部")


class SheetRowOut(Model):
    invitation_id: int
    name: str
    computed_yuan: Decimal | None = Field(description="按劳务费标准计算的金额（未发布标准时为空）")
    amount_yuan: Decimal = Field(description="清单金额（应发）")
    reason: str | None = Field(description="与标准不同的原因（代理机构填写）")
    off_standard: bool = Field(description="金额与标准不同（须财务特别核对）")
    withheld_yuan: Decimal = Field(
        description="按规定不予支付或暂扣的金额（履职记录确认早退或违法违规行为："
                    "财库〔2016〕198号第二十五条）；0.00：无")
    withheld: str = Field(description="不予支付或暂扣的原因与处理（文字）；空：无")
    net_words: str = Field(description="应发、代扣个人所得税与实发（文字）")
    paid: bool = Field(description="已支付（微信转账到账，或已登记银行转账）")
    account: AccountOut | None = Field(
        description="专家未使用小程序时：其提供的银行收款账户（财务转账并登记）")
    mini_program: bool = Field(description=(
        "专家使用小程序：由代理机构通过微信支付发放；否则发放时短信请专家提供本人银行账户，"
        "由财务转账并登记"))


class SheetOut(Model):
    activity_id: int
    project: str
    agency: str
    eval_start: datetime
    state: str
    state_title: str
    total_yuan: Decimal
    reference: str = Field(description="代理机构的银行转账凭证号")
    submitted_by: str
    submitted_at: datetime
    decided_at: datetime | None
    returned_reason: str
    experts: list[SheetRowOut]


class SheetsOut(Model):
    sheets: list[SheetOut]
    bank_due: int = Field(description=(
        "已批准清单中，专家已提供银行账户、待财务转账并登记的专家费笔数（不论所查状态）"))


class DecisionIn(Model):
    approve: bool
    total_yuan: Decimal = Field(ge=0, max_digits=11, decimal_places=2,
                                description="财务确认的合计（须与清单一致）")
    reason: str = Field(default="", max_length=200, description="退回原因（退回时必填）")


def sheet_out(call: Call, found: SheetView) -> SheetOut:
    row = found.funding
    return SheetOut(
        activity_id=row.activity_id, project=found.project, agency=found.agency,
        eval_start=found.eval_start, state=row.state,
        state_title=call.services.texts.word("funding_state", row.state),
        total_yuan=fen_yuan(row.total_fen), reference=row.reference,
        submitted_by=found.submitter, submitted_at=row.submitted_at,
        decided_at=row.decided_at, returned_reason=row.returned_reason,
        experts=[SheetRowOut(invitation_id=r.invitation_id, name=r.name,
                             computed_yuan=yuan(r.computed_fen),
                             amount_yuan=fen_yuan(r.amount_fen), reason=r.reason,
                             off_standard=r.off_standard,
                             withheld_yuan=fen_yuan(r.computed.forfeited_fen
                                                    if r.computed else 0),
                             withheld=withheld(call.services.texts, r.computed, r.fixed),
                             net_words=call.services.texts.render(
                                 "payout/amounts.j2", **Amounts.of_fee(r.amount_fen).words()),
                             paid=r.paid, account=account_out(r.account),
                             mini_program=r.mini_program)
                 for r in found.rows])


@api.route("GET", "/finance/fee-sheets", access=FINANCE, query=SheetsQuery,
           response=SheetsOut, tag=TAG,
           summary="财务：专家费清单（代理机构已转账，待确认到账并批准）")
async def fee_sheets(call: Call, query: SheetsQuery) -> SheetsOut:
    state = FundingState(query.state) if query.state else None
    funding = call.domain.fees.funding
    return SheetsOut(sheets=[sheet_out(call, s) for s in await funding.sheets(state)],
                     bank_due=await funding.bank_transfers_due())


@api.route("POST", "/finance/fee-sheets/{activity_id}/decision", access=FINANCE,
           body=DecisionIn, response=SheetOut, tag=TAG,
           summary="财务：确认到账并批准专家费清单，或退回（写明原因）")
async def decide(call: Call, body: DecisionIn) -> SheetOut:
    activity_id = call.path_int("activity_id")
    call.noted["fen"] = int(body.total_yuan * 100)
    call.decided["decision"] = "approved" if body.approve else "returned"  # the trail says which
    funding = call.domain.fees.funding
    await funding.decide(activity_id, body.approve, body.reason, int(body.total_yuan * 100),
                         actor(call, "finance"), call.now)
    return sheet_out(call, await funding.sheet(activity_id))


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
    native, jsapi = await call.domain.fees.funding.checkout(
        await activity_in_path(call), call.caller.need_person().id,
        call.caller.identity.openid if call.caller.identity else None, actor(call), call.now)
    code_url = native.order.code_url or ""
    png = await qr_png(code_url)
    return FundingPayOut(out_trade_no=native.order.out_trade_no, title=native.item.title,
                         amount_yuan=fen_yuan(native.item.amount_fen),
                         deadline=native.deadline,
                         code_url=code_url, jsapi=jsapi,
                         qr_png="data:image/png;base64," + base64.b64encode(png).decode())


@api.route("POST", "/draws/activities/{activity_id}/fee-funding", access=AGENCY,
           body=FundingIn, response=FeesOut, tag=TAG,
           summary="提交专家费清单：合计已转入交易中心账户（附凭证号），财务确认到账并批准后才能发放")
async def submit_funding(call: Call, body: FundingIn) -> FeesOut:
    activity = await activity_in_path(call)
    await call.domain.fees.funding.submit(activity, body.reference, actor(call), call.now)
    return await fees_out(call, activity)
