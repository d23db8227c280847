"""Finance's desk of experts' fee sheets: the sheets agencies funded, waiting first, each fee
beside the standard's (an amount other than the standard's highlighted with its reason), and
the decision — approve once the money arrived (the confirmation states the total and how
many experts are paid) or return with a reason."""

from __future__ import annotations

from aiohttp import web

from console.app import api, done, page, redirect, render
from console.forms import text
from console.invoke import fields
from console.paging import asked, pager
from miniapp_api.routes.draws import fee_funding

BACK = "/console/fee-sheets"
STATES = ("submitted", "approved", "returned", "")


@page("GET", "/fee-sheets", uses=fee_funding.fee_sheets)
async def fee_sheets(request: web.Request) -> web.Response:
    state = request.query.get("state", "submitted")
    state = state if state in STATES else "submitted"
    listed = await api(request).call(fee_funding.fee_sheets, fields(
        fee_funding.SheetsQuery, {"state": state}))
    return render(request, "fee_sheets.html", sheets=listed.sheets, state=state)


@page("POST", "/fee-sheets/{activity_id}", uses=fee_funding.decide)
async def decide(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=BACK)
    approve = text(form, "decision") == "approve"
    decided = await calls.call(fee_funding.decide, calls.fields(fee_funding.DecisionIn, {
        "approve": approve, "total_yuan": text(form, "total_yuan") or "0",
        "reason": text(form, "reason")}), path=request.match_info)
    said = done(request, "funding_approved" if approve else "funding_returned",
                project=decided.project, total=f"{decided.total_yuan:.2f}")
    return redirect(request, BACK, said)


@page("POST", "/fee-sheets/{activity_id}/accounts/{invitation_id}/number",
      uses=fee_funding.account_number)
async def account_number(request: web.Request) -> web.Response:
    """The whole account number on a page of its own (never in a cookie or an address), for
    finance to transfer to; the API logs each reading."""
    back = f"{BACK}?state=approved"
    found = await api(request, back=back).call(fee_funding.account_number,
                                               path=request.match_info)
    return render(request, "payout_account.html", account=found, back=back)


@page("POST", "/fee-sheets/{activity_id}/accounts/{invitation_id}/paid",
      uses=fee_funding.account_paid)
async def account_paid(request: web.Request) -> web.Response:
    form = await request.post()
    back = f"{BACK}?state=approved"
    calls = api(request, back=back)
    await calls.call(fee_funding.account_paid, calls.fields(fee_funding.TransferredIn, {
        "reference": text(form, "reference")}), path=request.match_info)
    return redirect(request, back, done(request, "payout_account_paid"))


@page("GET", "/transfers", uses=fee_funding.transfer_list)
async def transfers(request: web.Request) -> web.Response:
    """Every expert's fee transfer across agencies, newest first, by state."""
    filters = asked(request, ("state", "after"))
    calls = api(request, back="/console/transfers")
    listed = await calls.call(fee_funding.transfer_list, calls.fields(
        fee_funding.TransfersQuery, filters))
    return render(request, "transfers.html", transfers=listed.transfers,
                  state=filters.get("state", ""), pager=pager(request, filters, listed.next))
