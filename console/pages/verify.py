"""The trading centre's verifier (seed 004: 交易中心核验): the queue of submissions,
re-draws, re-evaluations and withdrawals in their scope, with the reason and the evidence,
approved or refused with a reason."""

from __future__ import annotations

from aiohttp import web

from console.app import act, page, person_of, redirect, render
from console.context import CONSOLE

QUEUE = ("GET", "/verify/activities")
DECIDE = ("POST", "/verify/activities/{activity_id}")
WITHDRAWAL = ("POST", "/verify/activities/{activity_id}/withdrawal")


@page("GET", "/verify", uses=QUEUE)
async def queue(request: web.Request) -> web.Response:
    listed = await request.app[CONSOLE].endpoints.call(request, person_of(request), *QUEUE)
    return render(request, "verify.html", activities=listed.activities)


@page("POST", "/verify/{activity_id}", uses=DECIDE)
async def decide(request: web.Request) -> web.Response:
    form = await request.post()
    approve = form.get("decision") == "approve"
    endpoint = WITHDRAWAL if form.get("request") == "withdrawal" else DECIDE
    await act(request, "/console/verify", *endpoint, params=dict(request.match_info),
              body={"approve": approve, "reason": str(form.get("reason", ""))})
    return redirect(request, "/console/verify",
                    request.app[CONSOLE].texts.render("console/verified.j2", approve=approve))


EVIDENCE = ("GET", "/verify/activities/{activity_id}/evidence/{evidence_id}")


@page("GET", "/verify/{activity_id}/evidence/{evidence_id}", uses=EVIDENCE)
async def evidence(request: web.Request) -> web.StreamResponse:
    """An attachment of the request, opened in the browser."""
    file: web.StreamResponse = await request.app[CONSOLE].endpoints.call(
        request, person_of(request), *EVIDENCE, params=dict(request.match_info))
    return file


HISTORY = ("GET", "/verify/history")


@page("GET", "/verify/history", uses=HISTORY)
async def history(request: web.Request) -> web.Response:
    """The decisions taken in the centre's region (审核记录), newest first."""
    listed = await request.app[CONSOLE].endpoints.call(request, person_of(request), *HISTORY)
    return render(request, "verify_history.html", decisions=listed.decisions)


LOG = ("GET", "/verify/activities/{activity_id}/log")


@page("GET", "/verify/{activity_id}/log", uses=LOG)
async def operation_log(request: web.Request) -> web.Response:
    """An activity's operation log as the trading centre reads it (its region only)."""
    entries = await request.app[CONSOLE].endpoints.call(request, person_of(request), *LOG,
                                                        params=dict(request.match_info))
    return render(request, "log.html", activity=None, entries=entries.entries,
                  activity_id=int(request.match_info["activity_id"]))
