"""The fees of the experts another library lent for the agency's 副场, on its fee page
(miniapp_api/routes/fees/peer_sheets.py): the agency funds the lending library's sheet by
its WeChat Pay QR code, or with its bank transfer's reference."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text
from miniapp_api.routes.fees import peer_sheets

pages = PageTable()


def _back(request: web.Request) -> str:
    return f"/console/activities/{request.match_info['activity_id']}/fees"


@pages.post("/activities/{activity_id}/fees/lent/{condition_id}/funding",
            uses=peer_sheets.fund_peer_sheet)
async def fund(request: web.Request) -> web.Response:
    form, back = await request.post(), _back(request)
    calls = api(request, back=back)
    shown = await calls.call(peer_sheets.fund_peer_sheet, calls.fields(
        peer_sheets.PeerFundingIn, {"reference": text(form, "reference"),
                                    "total_yuan": text(form, "total_yuan") or "0"}),
        path=request.match_info)
    sheet = next((s for s in shown.sheets
                  if str(s.condition_id) == request.match_info["condition_id"]), None)
    told = sheet is not None and sheet.funding is not None and sheet.funding.told
    return redirect(request, back, done(request, "lent_fees_funded" if told
                                        else "lent_fees_funding_kept"))


@pages.post("/activities/{activity_id}/fees/lent/{condition_id}/checkout",
            uses=peer_sheets.pay_peer_sheet)
async def pay(request: web.Request) -> web.Response:
    back = _back(request)
    paying = await api(request, back=back).call(peer_sheets.pay_peer_sheet,
                                                path=request.match_info)
    return render(request, "peer_fee_pay.html", paying=paying, back=back)
