"""亲属回避确认 (console): the system administrator decides a relation declared between two
experts confirmed for one evaluation (GD-CG-1 Art. 21: "其中一方应当主动提出回避。如无法
协商一致，则双方均需回避"): both go, one withdrew and the other stays, or neither; until then
nobody loses a place (services/draws/candidates/kin_release.py)."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text
from miniapp_api.routes.draws.candidates import kin_releases

pages = PageTable()

BACK = "/console/kin-releases"


@pages.get("/kin-releases", uses=kin_releases.kin_cases)
async def kin_cases(request: web.Request) -> web.Response:
    calls = api(request)
    waiting = await calls.call(kin_releases.kin_cases, calls.fields(
        kin_releases.KinCasesQuery, {"state": "pending"}))
    confirmed = await calls.call(kin_releases.kin_cases, calls.fields(
        kin_releases.KinCasesQuery, {"state": "confirmed"}))
    dismissed = await calls.call(kin_releases.kin_cases, calls.fields(
        kin_releases.KinCasesQuery, {"state": "dismissed"}))
    decided = sorted([*confirmed.cases, *dismissed.cases],
                     key=lambda c: c.decided_at or c.declared_at, reverse=True)
    return render(request, "kin_releases.html", waiting=waiting.cases, decided=decided[:50])


@pages.post("/kin-releases/{release_id}", uses=kin_releases.decide_kin)
async def decide_kin(request: web.Request) -> web.Response:
    """The decision as the form gives it: "both", "stay:<invitation id>" or "none"."""
    form = await request.post()
    choice = text(form, "decision")
    stays = choice.removeprefix("stay:") if choice.startswith("stay:") else None
    calls = api(request, back=BACK)
    case = await calls.call(kin_releases.decide_kin, calls.fields(kin_releases.KinDecisionIn, {
        "related": choice != "none", "stays_invitation_id": stays}),
        path=request.match_info)
    return redirect(request, BACK, done(request, "kin_decided", state=case.state_title))
