"""The fees of the experts another library lent for the agency's 副场 (FG-807: paid by the
library that lent them, by the rule our request carried; funded by the agency — docs/
federation.md, fees): the lending library's sheet, masked, and the agency's funding of it —
the lender's WeChat Pay QR code, or its bank transfer's reference."""

from __future__ import annotations

import base64
from datetime import datetime
from decimal import Decimal

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import AGENCY, activity_in_path
from miniapp_api.routes.fees.common import TAG, fen_yuan, yuan
from miniapp_api.schemas import Model
from services.common.qr import qr_png

api = Api()


class PeerFeeOut(Model):
    verification_code: str
    name: str = Field(description="专家姓名（脱敏，对方专家库告知）")
    supplementary: bool
    amount_yuan: Decimal = Field(description="应发劳务费")
    computed_yuan: Decimal | None = Field(description="按约定规则计算的金额")
    reason: str = Field(description="与计算金额不同的原因")
    paid: bool = Field(description="对方已向专家支付")


class PeerFundingOut(Model):
    reference: str = Field(description="代理机构的转账凭证号")
    total_yuan: Decimal
    at: datetime
    told: bool = Field(description="对方专家库已收到出资信息")
    refused: str = Field(description="对方没有接受时的原因（空：没有拒绝）")


class PeerSheetOut(Model):
    condition_id: int
    library: str = Field(description="为副场抽取并支付专家劳务费的专家库")
    state: str = Field(description="paying 待出资 / submitted 对方财务确认中 / "
                                   "approved 对方已批准 / returned 对方已退回")
    state_title: str
    total_yuan: Decimal
    reference: str = Field(description="对方记录的出资凭证")
    returned_reason: str
    experts: list[PeerFeeOut]
    funding: PeerFundingOut | None


class PeerSheetsOut(Model):
    sheets: list[PeerSheetOut]


class PeerFundingIn(Model):
    reference: str = Field(min_length=1, max_length=40,
                           description="把清单合计转入对方交易中心账户的银行流水号或凭证号")
    total_yuan: Decimal = Field(ge=0, max_digits=10, decimal_places=2,
                                description="转账金额：须与清单合计一致")


class PeerPayOut(Model):
    total_yuan: Decimal
    deadline: str = Field(description="二维码在此前有效（北京时间）")
    code_url: str = Field(description="对方专家库的微信支付 Native 二维码内容")
    qr_png: str = Field(description="二维码图片（data URL）")


async def sheets_out(call: Call, activity_id: int) -> PeerSheetsOut:
    texts = call.services.texts
    out = []
    for s in await call.domain.asking.fees.sheets(activity_id):
        f = s.funding
        out.append(PeerSheetOut(
            condition_id=s.condition_id, library=s.library, state=s.sheet["state"],
            state_title=texts.word("peer_fee_state", s.sheet["state"]),
            total_yuan=fen_yuan(s.sheet["total_fen"]), reference=s.sheet["reference"],
            returned_reason=s.sheet["returned_reason"],
            experts=[PeerFeeOut(verification_code=e["code"], name=e["name"],
                                supplementary=e["supplementary"],
                                amount_yuan=fen_yuan(e["amount_fen"]),
                                computed_yuan=yuan(e["computed_fen"]), reason=e["reason"],
                                paid=e["paid"]) for e in s.sheet["experts"]],
            funding=PeerFundingOut(reference=f["reference"], total_yuan=fen_yuan(f["total_fen"]),
                                   at=datetime.fromisoformat(f["at"]), told=s.told,
                                   refused=str(f.get("refused", ""))) if f else None))
    return PeerSheetsOut(sheets=out)


@api.route("GET", "/draws/activities/{activity_id}/fees/lent", access=AGENCY,
           response=PeerSheetsOut, tag=TAG,
           summary="外库专家劳务费：为副场抽取专家的专家库发来的清单及本机构的出资")
async def peer_sheets(call: Call) -> PeerSheetsOut:
    return await sheets_out(call, (await activity_in_path(call)).id)


@api.route("POST", "/draws/activities/{activity_id}/fees/lent/{condition_id}/funding",
           access=AGENCY, body=PeerFundingIn, response=PeerSheetsOut, tag=TAG,
           summary="登记已把外库专家劳务费合计转入对方交易中心账户（附凭证号），告知对方专家库")
async def fund_peer_sheet(call: Call, body: PeerFundingIn) -> PeerSheetsOut:
    activity = await activity_in_path(call)
    await call.domain.asking.fees.fund(activity.id, call.path_int("condition_id"),
                                       body.reference, int(body.total_yuan * 100),
                                       call.caller.need_person().id, call.now)
    return await sheets_out(call, activity.id)


@api.route("POST", "/draws/activities/{activity_id}/fees/lent/{condition_id}/checkout",
           access=AGENCY, response=PeerPayOut, tag=TAG,
           summary="微信扫码支付外库专家劳务费（对方专家库的收款二维码；到账后对方财务批准）")
async def pay_peer_sheet(call: Call) -> PeerPayOut:
    activity = await activity_in_path(call)
    code_url, total, until = await call.domain.asking.fees.checkout(
        activity.id, call.path_int("condition_id"), call.now)
    png = await qr_png(code_url)
    return PeerPayOut(total_yuan=fen_yuan(total), deadline=until, code_url=code_url,
                      qr_png="data:image/png;base64," + base64.b64encode(png).decode())
