"""The agency's payout actions on its experts' fees page: the activity's payment channel
(paid through WeChat Pay's 商家转账, or recorded as paid elsewhere), sending one expert's
recorded fee for the expert to confirm, withdrawing a bill not yet confirmed; and finance's
list of every transfer."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text
from console.paging import asked, pager
from miniapp_api.routes.fees import payouts, receipts
from miniapp_api.routes.fees.sheets import FeesOut

pages = PageTable()


def _back(request: web.Request) -> str:
    return f"/console/activities/{request.match_info['activity_id']}/fees"


@pages.post("/activities/{activity_id}/fee-channel", uses=payouts.choose_channel)
async def channel(request: web.Request) -> web.Response:
    form = await request.post()
    back = _back(request)
    calls = api(request, back=back)
    chosen = text(form, "channel")
    await calls.call(payouts.choose_channel, calls.fields(payouts.ChannelIn, {
        "channel": chosen}), path={"activity_id": request.match_info["activity_id"]})
    return redirect(request, back, done(request, "fee_channel", channel=chosen))


@pages.post("/activities/{activity_id}/payouts/{invitation_id}", uses=payouts.send_payout)
async def send(request: web.Request) -> web.Response:
    back = _back(request)
    calls = api(request, back=back)
    rows = await calls.call(payouts.send_payout, calls.fields(payouts.PayoutIn, {
        "invitation_id": request.match_info["invitation_id"]}),
        path={"activity_id": request.match_info["activity_id"]})
    return redirect(request, back, payout_said(request, rows))


def payout_said(request: web.Request, rows: FeesOut) -> str:
    """What a 发放 did for the fee of the path's invitation: a transfer sent, or (the expert
    without the mini-program) an SMS asking for a bank account."""
    row = next((e for e in rows.experts
                if str(e.invitation_id) == request.match_info["invitation_id"]), None)
    asked = row is not None and row.account is not None and row.payout is None
    return done(request, "payout_account_asked" if asked else "payout_sent")


@pages.post("/activities/{activity_id}/payouts/{payout_id}/cancel",
            uses=payouts.cancel_payout)
async def cancel(request: web.Request) -> web.Response:
    back = _back(request)
    await api(request, back=back).call(payouts.cancel_payout, path=request.match_info)
    return redirect(request, back, done(request, "payout_cancelled"))


@pages.get("/transfers", uses=payouts.transfer_list)
async def transfers(request: web.Request) -> web.Response:
    """Every expert's fee transfer across agencies, newest first, by state."""
    filters = asked(request, ("state", "after"))
    calls = api(request, back="/console/transfers")
    listed = await calls.call(payouts.transfer_list, calls.fields(
        payouts.TransfersQuery, filters))
    late = await calls.call(receipts.overdue)
    return render(request, "transfers.html", transfers=listed.transfers, overdue=late.receipts,
                  state=filters.get("state", ""), pager=pager(request, filters, listed.next))


@pages.get("/transfers/{payout_id}/receipt", uses=receipts.finance_receipt)
async def receipt(request: web.Request) -> web.StreamResponse:
    """A transfer's electronic receipt, as WeChat Pay made it and its digest said."""
    return await api(request).call(receipts.finance_receipt, path=request.match_info)
