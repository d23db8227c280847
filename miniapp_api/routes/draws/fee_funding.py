"""Finance's desk of experts' fee sheets: every sheet an agency funded (fees paid through
WeChat Pay from the centre's merchant account), each fee beside what the standard gives (an
amount other than the standard's highlighted with the agency's reason), and the decision —
approve once the money arrived (the confirmation states the total, which must still be the
sheet's), or return with a reason. No transfer goes out before the approval."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.paging import PageOut, PageQuery
from miniapp_api.routes.draws.common import TAG, actor
from miniapp_api.routes.draws.fees import AccountOut, account_out, fen_yuan, money_out, yuan
from miniapp_api.schemas import Model
from models.payouts import FundingState, PayoutState
from models.people import Role
from services.common.pii import mask_name, public
from services.draws import fee_amounts, funding, transfers

api = Api()
FINANCE = {Role.FINANCE}


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
    net_words: str = Field(description="应发、代扣个人所得税与实发（文字）")
    paid: bool = Field(description="已支付（微信转账到账，或已登记银行转账）")
    account: AccountOut | None = Field(
        description="专家未使用小程序时：其提供的银行收款账户（财务转账并登记）")


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


class DecisionIn(Model):
    approve: bool
    total_yuan: Decimal = Field(ge=0, max_digits=11, decimal_places=2,
                                description="财务确认的合计（须与清单一致）")
    reason: str = Field(default="", max_length=200, description="退回原因（退回时必填）")


def sheet_out(call: Call, found: funding.SheetView) -> SheetOut:
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
                             net_words=call.services.texts.render(
                                 "payout/amounts.j2", **fee_amounts(r.amount_fen)),
                             paid=r.paid, account=account_out(r.account))
                 for r in found.rows])


@api.route("GET", "/finance/fee-sheets", access=FINANCE, query=SheetsQuery,
           response=SheetsOut, tag=TAG,
           summary="财务：专家费清单（代理机构已转账，待确认到账并批准）")
async def fee_sheets(call: Call, query: SheetsQuery) -> SheetsOut:
    state = FundingState(query.state) if query.state else None
    return SheetsOut(sheets=[sheet_out(call, s) for s in await funding.sheets(state)])


@api.route("POST", "/finance/fee-sheets/{activity_id}/decision", access=FINANCE,
           body=DecisionIn, response=SheetOut, tag=TAG,
           summary="财务：确认到账并批准专家费清单，或退回（写明原因）")
async def decide(call: Call, body: DecisionIn) -> SheetOut:
    activity_id = call.path_int("activity_id")
    call.noted["fen"] = int(body.total_yuan * 100)
    await funding.decide(activity_id, body.approve, body.reason, int(body.total_yuan * 100),
                         actor(call, "finance"), call.now)
    return sheet_out(call, await funding.sheet(activity_id))


class TransferredIn(Model):
    reference: str = Field(min_length=1, max_length=64, description="银行转账的流水号或凭证号")


class AccountNumberOut(Model):
    holder: str
    bank: str
    number: str = Field(description="完整账号（每次查看记入活动的操作记录）")


@api.route("POST", "/finance/fee-sheets/{activity_id}/accounts/{invitation_id}/number",
           access=FINANCE, response=AccountNumberOut, tag=TAG,
           summary="财务：查看专家提供的完整收款账号，用于银行转账（每次查看均记录）")
async def account_number(call: Call) -> AccountNumberOut:
    activity = await funding.funded_activity(call.path_int("activity_id"))
    account, number = await call.domain.payouts.accounts.full_number(
        activity, call.path_int("invitation_id"), actor(call, "finance"), call.now)
    return AccountNumberOut(holder=account.holder, bank=account.bank, number=public(number))


@api.route("POST", "/finance/fee-sheets/{activity_id}/accounts/{invitation_id}/paid",
           access=FINANCE, body=TransferredIn, response=SheetOut, tag=TAG,
           summary="财务：登记已向专家的银行账户转账（代扣个人所得税后的实发；专家费记为已支付，"
                   "并通知专家）")
async def account_paid(call: Call, body: TransferredIn) -> SheetOut:
    activity_id = call.path_int("activity_id")
    call.noted["payee"] = call.path_int("invitation_id")
    await call.domain.payouts.accounts.record_paid(
        await funding.funded_activity(activity_id), call.path_int("invitation_id"),
        body.reference, actor(call, "finance"), call.now)
    return sheet_out(call, await funding.sheet(activity_id))


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


class TransfersOut(PageOut):
    transfers: list[TransferOut]


@api.route("GET", "/finance/transfers", access=FINANCE, query=TransfersQuery,
           response=TransfersOut, tag=TAG,
           summary="财务：专家费微信转账（全部代理机构，新的在前，可按状态筛选）")
async def transfer_list(call: Call, query: TransfersQuery) -> TransfersOut:
    texts = call.services.texts
    found = await transfers(PayoutState(query.state) if query.state else None, query.limit,
                            query.after)
    return TransfersOut(transfers=[TransferOut(
        id=r.payout.id, activity_id=r.payout.activity_id, project=r.project, agency=r.agency,
        payee=mask_name(r.payee), state=r.payout.state,
        state_title=texts.word("payout_state", r.payout.state),
        **money_out(texts, r.payout), created_at=r.payout.created_at,
        finished_at=r.payout.finished_at) for r in found.rows], next=found.next)
