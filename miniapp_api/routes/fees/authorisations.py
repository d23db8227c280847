"""An expert's authorised transfers (用户授权免确认, services/fees/authorisations.py):
where the merchant has the mode, the expert asks for it here and agrees in the mini-program
(wx.requestMerchantTransfer with the parameters given here), then asks for its outcome;
their fees then reach their change without a confirmation each, until they revoke it."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.fees.common import EXPERT
from miniapp_api.schemas import Model

api = Api()
TAG = "专家"


class AuthoriseOut(Model):
    """wx.requestMerchantTransfer's parameters for the authorisation (mchId, appId,
    package)."""

    OPAQUE: ClassVar[frozenset[str]] = frozenset({"package"})
    mchId: str
    appId: str
    package: str


class AuthorisationOut(Model):
    available: bool = Field(description="本系统是否提供免确认收款（商户已开通该模式）")
    authorised: bool = Field(description="已开通：专家费直接转入微信零钱，无需逐笔确认收款")
    state: str = Field(description="none 未开通 / waiting 待确认授权 / active 已开通 / "
                                   "closed 已关闭")
    state_title: str
    granted_at: datetime | None
    revoked_at: datetime | None


async def authorisation_out(call: Call, person_id: int) -> AuthorisationOut:
    authorisations = call.domain.fees.authorisations
    held = await authorisations.latest(person_id)
    state = held.state if held is not None else "none"
    return AuthorisationOut(
        available=authorisations.available,
        authorised=authorisations.available and state == "active", state=state,
        state_title=call.services.texts.word("authorisation_state", state),
        granted_at=held.granted_at if held else None,
        revoked_at=held.revoked_at if held else None)


@api.route("POST", "/expert/payouts/authorisation", access=EXPERT, response=AuthoriseOut,
           tag=TAG, summary="开通免确认收款：传给 wx.requestMerchantTransfer 的授权参数"
                            "（24小时内在小程序确认授权）")
async def start_authorisation(call: Call) -> AuthoriseOut:
    params = await call.domain.fees.authorisations.start(call.caller.need_person().id,
                                                            call.now)
    return AuthoriseOut(mchId=params.mch_id, appId=params.app_id, package=params.package)


@api.route("POST", "/expert/payouts/authorisation/check", access=EXPERT,
           response=AuthorisationOut, tag=TAG, summary="确认授权后查询免确认收款的开通结果")
async def check_authorisation(call: Call) -> AuthorisationOut:
    person_id = call.caller.need_person().id
    await call.domain.fees.authorisations.check(person_id, call.now)
    return await authorisation_out(call, person_id)


@api.route("POST", "/expert/payouts/authorisation/revoke", access=EXPERT,
           response=AuthorisationOut, tag=TAG,
           summary="关闭免确认收款：之后的专家费转账需在小程序逐笔确认收款")
async def revoke_authorisation(call: Call) -> AuthorisationOut:
    person_id = call.caller.need_person().id
    await call.domain.fees.authorisations.revoke(person_id, call.now)
    return await authorisation_out(call, person_id)
