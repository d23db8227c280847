"""Each fee transfer's electronic receipt (电子回单, WX-PAY): finance reads whether it is
archived and downloads it, and the transfers whose receipt is not archived a day after
they were paid (a finding); the expert downloads the receipt of their own transfer."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web
from pydantic import Field

from miniapp_api.audit import handed_out
from miniapp_api.framework import Api, Call
from miniapp_api.routes.fees.common import EXPERT, FINANCE, TAG
from miniapp_api.schemas import Model
from models.money.payouts import Payout
from services.common.errors import NotFound
from services.common.pii import mask_name

api = Api()


class OverdueOut(Model):
    payout_id: int
    out_bill_no: str
    payee: str = Field(description="收款专家（脱敏）")
    amount_yuan: str = Field(description="实发（元）")
    paid_at: datetime | None
    why: str = Field(description="未归档的原因（文字）")


class OverduesOut(Model):
    receipts: list[OverdueOut] = Field(description="到账超过24小时仍未归档电子回单的转账")


async def _file(call: Call, payout: Payout) -> web.Response:
    raw = await call.domain.fees.receipts.file(payout)
    if raw is None:
        raise NotFound("payout.receipt_not_ready")
    handed_out(call.request, people=1)  # the receipt names its payee
    return web.Response(body=raw, content_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=receipt-{payout.out_bill_no}.pdf"})


@api.route("GET", "/finance/transfers/{payout_id}/receipt", access=FINANCE, response=None,
           files=("application/pdf",), tag=TAG,
           summary="财务：下载一笔专家费微信转账的电子回单（已核对摘要并归档的）")
async def finance_receipt(call: Call) -> web.Response:
    return await _file(call, await call.domain.fees.receipts.payout(call.path_int("payout_id")))


@api.route("GET", "/expert/payouts/{payout_id}/receipt", access=EXPERT, response=None,
           files=("application/pdf",), tag=TAG,
           summary="下载本人一笔劳务费转账的电子回单")
async def my_receipt(call: Call) -> web.Response:
    payout = await call.domain.fees.payouts.own(call.caller.need_person().id,
                                                call.path_int("payout_id"))
    return await _file(call, payout)


@api.route("GET", "/finance/receipts/overdue", access=FINANCE, response=OverduesOut, tag=TAG,
           summary="财务对账：到账超过24小时仍未归档电子回单的转账")
async def overdue(call: Call) -> OverduesOut:
    texts = call.services.texts
    found = await call.domain.fees.receipts.overdue(call.now)
    payees = await call.domain.fees.receipts.payees([o.payout for o in found])
    return OverduesOut(receipts=[OverdueOut(
        payout_id=o.payout.id, out_bill_no=o.payout.out_bill_no,
        payee=mask_name(payees.get(o.payout.person_id, "")),
        amount_yuan=f"{o.payout.amount_fen / 100:.2f}", paid_at=o.payout.finished_at,
        why=texts.render("payout/receipt_why.j2", state=o.receipt.state if o.receipt
                         else "", problem=o.receipt.problem if o.receipt else "").strip())
        for o in found])
