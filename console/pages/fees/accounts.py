"""Finance pays an expert without the mini-program into the bank account they gave: the
whole number on a page of its own, and the transfer recorded."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text
from miniapp_api.routes.fees import accounts

pages = PageTable()

BACK = "/console/fee-sheets"


@pages.post("/fee-sheets/{activity_id}/accounts/{invitation_id}/number",
            uses=accounts.account_number)
async def account_number(request: web.Request) -> web.Response:
    """The whole account number on a page of its own (never in a cookie or an address), for
    finance to transfer to; the API logs each reading (the activity's operation log, and
    个人信息访问记录: whose, the number in full, for the transfer)."""
    back = f"{BACK}?state=approved"
    found = await api(request, back=back).call(accounts.account_number,
                                               path=request.match_info)
    return render(request, "payout_account.html", account=found, back=back)


@pages.post("/fee-sheets/{activity_id}/accounts/{invitation_id}/paid",
            uses=accounts.account_paid)
async def account_paid(request: web.Request) -> web.Response:
    form = await request.post()
    back = f"{BACK}?state=approved"
    calls = api(request, back=back)
    await calls.call(accounts.account_paid, calls.fields(accounts.TransferredIn, {
        "reference": text(form, "reference")}), path=request.match_info)
    return redirect(request, back, done(request, "payout_account_paid"))
