"""The fees of the experts this library lent for another library's 副场 (FG-807: paid here,
by the rule the request carried; funded by the asking agency — docs/federation.md, fees):
the 副场's centre, its verifiers, read the sheet once the evaluation is over, record an
amount other than the rule's with its reason, offer the sheet to the asking library, and —
once our finance approved the funding — pay each expert as an agency pays its own."""

from __future__ import annotations

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import actor
from miniapp_api.routes.fees.common import TAG
from miniapp_api.routes.fees.payouts import PayoutIn
from miniapp_api.routes.fees.sheets import FeeIn, FeesOut, fees_out
from models.draws import DrawActivity
from models.people import Role

api = Api()
STAFF = {Role.VERIFIER}


async def lent_in_path(call: Call) -> DrawActivity:
    return await call.domain.draws.followups.lent.one(call.caller.grants,
                                                      call.path_int("activity_id"))


@api.route("GET", "/venues/lent/{activity_id}/fees", access=STAFF, response=FeesOut, tag=TAG,
           summary="为其他专家库副场抽取的本库专家的劳务费（评标结束后；按请求约定的规则计算）")
async def lent_fees(call: Call) -> FeesOut:
    return await fees_out(call, await lent_in_path(call))


@api.route("PUT", "/venues/lent/{activity_id}/fees/{invitation_id}", access=STAFF, body=FeeIn,
           response=FeesOut, tag=TAG,
           summary="登记一位本库专家在副场的劳务费（与约定规则计算的不同须写明原因）")
async def lent_record(call: Call, body: FeeIn) -> FeesOut:
    activity = await lent_in_path(call)
    call.noted["payee"] = call.path_int("invitation_id")  # the trail names payee and amount
    await call.domain.fees.sheets.record(activity, call.path_int("invitation_id"),
                                         int(body.amount_yuan * 100), body.paid, body.reason,
                                         call.now, actor(call, "verifier"))
    return await fees_out(call, activity)


@api.route("POST", "/venues/lent/{activity_id}/fees/offer", access=STAFF, response=FeesOut,
           tag=TAG,
           summary="把劳务费清单发给请求方专家库，由其代理机构出资（未登记的按约定规则计算）")
async def lent_offer(call: Call) -> FeesOut:
    activity = await lent_in_path(call)
    await call.domain.lending.fees.offer(activity, actor(call, "verifier"), call.now)
    return await fees_out(call, activity)


@api.route("POST", "/venues/lent/{activity_id}/payouts", access=STAFF, body=PayoutIn,
           response=FeesOut, tag=TAG,
           summary="向一位本库专家发放已批准的劳务费（微信支付转账，或短信请其提供银行账户）")
async def lent_payout(call: Call, body: PayoutIn) -> FeesOut:
    activity = await lent_in_path(call)
    call.noted["payee"] = body.invitation_id
    made = await call.domain.fees.payouts.start(activity, body.invitation_id,
                                                actor(call, "verifier"), call.now)
    call.decided["mode"] = "wechat" if made is not None else "bank"
    return await fees_out(call, activity)
