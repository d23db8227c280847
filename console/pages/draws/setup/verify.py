"""The trading centre's verifier (GD-DRAW: 交易中心核验): the queue of submissions,
re-draws, re-evaluations and withdrawals in their scope, with the reason and the evidence,
approved or refused with a reason."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, redirect, render
from console.context import CONSOLE
from console.paging import asked, pager
from miniapp_api.paging import PageQuery
from miniapp_api.routes.draws.facts import log as draw_log
from miniapp_api.routes.draws.randomness import pool_sizes
from miniapp_api.routes.draws.setup import verify as verify_api
from miniapp_api.routes.draws.setup import verify_request

pages = PageTable()


@pages.get("/verify", uses=verify_api.pending)
async def queue(request: web.Request) -> web.Response:
    listed = await api(request).call(verify_api.pending)
    return render(request, "verify.html", activities=listed.activities)


@pages.post("/verify/{activity_id}", uses=verify_api.decide)
async def decide(request: web.Request) -> web.Response:
    form = await request.post()
    approve = form.get("decision") == "approve"
    handler = verify_api.decide_withdrawal if form.get("request") == "withdrawal" \
        else verify_api.decide
    aid = request.match_info["activity_id"]
    # refused, back where the decision was taken: the queue or the whole request
    calls = api(request, back=f"/console/verify/{aid}/request" if form.get("page") == "request"
                else "/console/verify")
    urgent = {"yes": True, "no": False}.get(str(form.get("urgent", "")))  # 应急: decided
    await calls.call(handler, calls.fields(verify_api.DecisionIn, {
        "approve": approve, "reason": str(form.get("reason", "")),
        "small_pool_ok": form.get("small_pool_ok") == "1", "urgent": urgent,
        "urgent_empty_ok": form.get("urgent_empty_ok") == "1"}),
        path=request.match_info)
    said = request.app[CONSOLE].texts.render("console/verified.j2", approve=approve,
                                             urgent=urgent)  # and the 应急 it decided
    return redirect(request, "/console/verify", said)


@pages.get("/verify/{activity_id}/evidence/{evidence_id}",
           uses=verify_api.download_evidence)
async def evidence(request: web.Request) -> web.StreamResponse:
    """An attachment of the request, opened in the browser."""
    return await api(request).call(verify_api.download_evidence, path=request.match_info)


@pages.get("/verify/history", uses=verify_api.history)
async def history(request: web.Request) -> web.Response:
    """The decisions taken in the centre's region (审核记录), newest first."""
    filters = asked(request, ("after",))
    calls = api(request, back="/console/verify/history")
    listed = await calls.call(verify_api.history, calls.fields(PageQuery, filters))
    return render(request, "verify_history.html", decisions=listed.decisions,
                  pager=pager(request, filters, listed.next))


@pages.get("/verify/{activity_id}/log", uses=draw_log.verifier_log)
async def operation_log(request: web.Request) -> web.Response:
    """An activity's operation log as the trading centre reads it (its region only)."""
    entries = await api(request).call(draw_log.verifier_log, path=request.match_info)
    return render(request, "log.html", activity=None, entries=entries.entries,
                  activity_id=int(request.match_info["activity_id"]))


@pages.get("/verify/{activity_id}/request", uses=verify_request.request)
async def whole_request(request: web.Request) -> web.Response:
    """The whole request: what is asked, its history, what changed since a refusal, and how
    many candidates each condition has."""
    calls = api(request)
    shown = await calls.call(verify_request.request, path=request.match_info)
    pending = shown.activity.status == "submitted"
    sizes = await calls.call(pool_sizes.verifier_sizes, path=request.match_info)
    return render(request, "verify_request.html", r=shown, a=shown.activity, pending=pending,
                  sizes=sizes.conditions)
