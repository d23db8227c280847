"""The fee sheet's funding: the agency submits it with its bank transfer's reference, or pays
its total by scanning a WeChat Pay QR code; finance's desk of the sheets agencies funded,
waiting first, each fee beside the standard's (an amount other than the standard's
highlighted with its reason), and the decision — approve once the money arrived (the
confirmation states the total and how many experts are paid) or return with a reason."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text
from console.invoke import fields
from miniapp_api.routes.fees import funding

pages = PageTable()

BACK = "/console/fee-sheets"
STATES = ("submitted", "approved", "returned", "")


@pages.get("/fee-sheets", uses=funding.fee_sheets)
async def fee_sheets(request: web.Request) -> web.Response:
    state = request.query.get("state", "submitted")
    state = state if state in STATES else "submitted"
    listed = await api(request).call(funding.fee_sheets, fields(
        funding.SheetsQuery, {"state": state}))
    return render(request, "fee_sheets.html", sheets=listed.sheets, state=state)


@pages.post("/fee-sheets/{activity_id}", uses=funding.decide)
async def decide(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=BACK)
    approve = text(form, "decision") == "approve"
    decided = await calls.call(funding.decide, calls.fields(funding.DecisionIn, {
        "approve": approve, "total_yuan": text(form, "total_yuan") or "0",
        "reason": text(form, "reason")}), path=request.match_info)
    said = done(request, "funding_approved" if approve else "funding_returned",
                project=decided.project, total=f"{decided.total_yuan:.2f}")
    return redirect(request, BACK, said)


def _back(request: web.Request) -> str:
    return f"/console/activities/{request.match_info['activity_id']}/fees"


@pages.post("/activities/{activity_id}/fee-funding", uses=funding.submit_funding)
async def submit_funding(request: web.Request) -> web.Response:
    form = await request.post()
    back = _back(request)
    calls = api(request, back=back)
    await calls.call(funding.submit_funding, calls.fields(funding.FundingIn, {
        "reference": text(form, "reference")}), path=request.match_info)
    return redirect(request, back, done(request, "funding_submitted"))


@pages.post("/activities/{activity_id}/fee-funding/checkout", uses=funding.pay_funding)
async def pay_funding(request: web.Request) -> web.Response:
    """The sheet's total as a WeChat Pay QR code to scan with the agency's phone; once paid,
    the sheet is with finance (the fee page says so)."""
    back = _back(request)
    paying = await api(request, back=back).call(funding.pay_funding, path=request.match_info)
    return render(request, "fee_pay.html", paying=paying, back=back)
