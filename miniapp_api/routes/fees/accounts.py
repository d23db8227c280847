"""Bank accounts of experts a WeChat transfer cannot reach (no mini-program): finance reads
the whole number of an approved sheet's fee to transfer to (each reading on the activity's
operation log and in 个人信息访问记录: whose, the number in full, for the transfer) and
records the transfer, which marks the fee paid and tells the expert."""

from __future__ import annotations

from pydantic import Field

from miniapp_api.audit import handed_out
from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import actor
from miniapp_api.routes.fees.common import FINANCE, TAG
from miniapp_api.routes.fees.funding import SheetOut, sheet_out
from miniapp_api.schemas import Model
from services.audit import ACCOUNT_NUMBER
from services.common.pii import public

api = Api()


class TransferredIn(Model):
    reference: str = Field(min_length=1, max_length=64, description="银行转账的流水号或凭证号")


class AccountNumberOut(Model):
    holder: str
    bank: str
    number: str = Field(description="完整账号（每次查看记入个人信息访问记录和活动的操作记录）")


@api.route("POST", "/finance/fee-sheets/{activity_id}/accounts/{invitation_id}/number",
           access=FINANCE, response=AccountNumberOut, tag=TAG,
           summary="财务：查看专家提供的完整收款账号，用于银行转账（每次查看均记录）")
async def account_number(call: Call) -> AccountNumberOut:
    account, number = await call.domain.fees.accounts.full_number(
        call.path_int("activity_id"), call.path_int("invitation_id"), actor(call, "finance"),
        call.now)
    # whose (the expert of the path's invitation), the number in full, and why: an access
    handed_out(call.request, people=1, held=ACCOUNT_NUMBER.held(), why=ACCOUNT_NUMBER.why)
    return AccountNumberOut(holder=account.holder, bank=account.bank, number=public(number))


@api.route("POST", "/finance/fee-sheets/{activity_id}/accounts/{invitation_id}/paid",
           access=FINANCE, body=TransferredIn, response=SheetOut, tag=TAG,
           summary="财务：登记已向专家的银行账户转账（代扣个人所得税后的实发；专家费记为已支付，"
                   "并通知专家）")
async def account_paid(call: Call, body: TransferredIn) -> SheetOut:
    activity_id = call.path_int("activity_id")
    call.noted["payee"] = call.path_int("invitation_id")
    fees = call.domain.fees
    await fees.accounts.record_paid(activity_id, call.path_int("invitation_id"),
                                    body.reference, actor(call, "finance"), call.now)
    return sheet_out(call, await fees.funding.sheet(activity_id))
