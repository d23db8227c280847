"""The experts' fees of an evaluation at the agency's desk (专家酬劳支付情况, GD-DRAW): each
expert who served, what the standard gives and how, the amount recorded (another with its
reason) and whether it was paid; and, paid through the platform, the sheet's funding and
each transfer."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text
from console.signed import Flash
from miniapp_api.routes.draws.setup import prep as draw_prep
from miniapp_api.routes.fees import peer_sheets, sheets

pages = PageTable()


def _aid(request: web.Request) -> dict[str, str]:
    return {"activity_id": request.match_info["activity_id"]}


@pages.get("/activities/{activity_id}/fees", uses=sheets.fees)
async def fees(request: web.Request) -> web.Response:
    calls = api(request)
    shown = await calls.call(draw_prep.show, path=_aid(request))
    rows = await calls.call(sheets.fees, path=_aid(request))
    lent = await calls.call(peer_sheets.peer_sheets, path=_aid(request))
    return render(request, "fees.html", activity=shown, experts=rows.experts,
                  standard=rows.standard, channel=rows.channel,
                  channel_title=rows.channel_title, platform_available=rows.platform_available,
                  funding=rows.funding, lent=lent.sheets)


@pages.post("/activities/{activity_id}/fees/{invitation_id}", uses=sheets.record_fee)
async def fee(request: web.Request) -> web.Response:
    form = await request.post()
    back = f"/console/activities/{request.match_info['activity_id']}/fees"
    try:
        amount = Decimal(text(form, "amount_yuan") or "x")
    except InvalidOperation:
        return redirect(request, back, Flash(done(request, "fee_amount"), "refused"))
    calls = api(request, back=back)
    await calls.call(sheets.record_fee, calls.fields(sheets.FeeIn, {
        "amount_yuan": str(amount), "paid": form.get("paid") == "1",
        "reason": text(form, "reason")}), path=request.match_info)
    return redirect(request, back, done(request, "fee"))
