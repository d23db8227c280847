"""The fees of the experts this library lent for another library's 副场, at the 副场's centre
(miniapp_api/routes/fees/lent.py): each expert's fee by the agreed rule, an amount recorded
otherwise with its reason, the sheet offered to the asking library, and each fee paid once
our finance approved the asking agency's funding."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text
from console.pages.fees.payouts import payout_said
from console.signed import Flash
from miniapp_api.routes.draws.followups import lent as lent_api
from miniapp_api.routes.fees import lent, payouts, sheets

pages = PageTable()


def _back(request: web.Request) -> str:
    return f"/console/lent/{request.match_info['activity_id']}/fees"


@pages.get("/lent/{activity_id}/fees", uses=lent.lent_fees)
async def lent_fees(request: web.Request) -> web.Response:
    calls = api(request)
    shown = await calls.call(lent_api.lent_roster, path=request.match_info)
    rows = await calls.call(lent.lent_fees, path=request.match_info)
    return render(request, "lent_fees.html", draw=shown.draw, sheet=rows)


@pages.post("/lent/{activity_id}/fees/{invitation_id}", uses=lent.lent_record)
async def lent_record(request: web.Request) -> web.Response:
    form, back = await request.post(), _back(request)
    try:
        amount = Decimal(text(form, "amount_yuan") or "x")
    except InvalidOperation:
        return redirect(request, back, Flash(done(request, "fee_amount"), "refused"))
    calls = api(request, back=back)
    await calls.call(lent.lent_record, calls.fields(sheets.FeeIn, {
        "amount_yuan": str(amount), "paid": False, "reason": text(form, "reason")}),
        path=request.match_info)
    return redirect(request, back, done(request, "fee"))


@pages.post("/lent/{activity_id}/fees-offer", uses=lent.lent_offer)
async def lent_offer(request: web.Request) -> web.Response:
    back = _back(request)
    calls = api(request, back=back)
    offered = await calls.call(lent.lent_offer, path=request.match_info)
    total = offered.funding.total_yuan if offered.funding else 0
    return redirect(request, back, done(request, "lent_fees_offered", total=f"{total:.2f}"))


@pages.post("/lent/{activity_id}/payouts/{invitation_id}", uses=lent.lent_payout)
async def lent_payout(request: web.Request) -> web.Response:
    back = _back(request)
    calls = api(request, back=back)
    rows = await calls.call(lent.lent_payout, calls.fields(payouts.PayoutIn, {
        "invitation_id": request.match_info["invitation_id"]}),
        path={"activity_id": request.match_info["activity_id"]})
    return redirect(request, back, payout_said(request, rows))
