"""为其他专家库抽取 (console): the 副场 side of the draws made here for other libraries, run
by the 副场's centre (miniapp_api/routes/draws/followups/lent.py): the list, each draw's experts and
arrivals once unsealed, an absence by the code, and the 补抽 for the places."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text, when
from miniapp_api.routes.draws.followups import lent as lent_api

pages = PageTable()

LENT = "/console/lent"


@pages.get("/lent", uses=lent_api.lent_list)
async def lent_list(request: web.Request) -> web.Response:
    listed = await api(request).call(lent_api.lent_list)
    return render(request, "lent.html", draws=listed.draws)


@pages.get("/lent/{activity_id}", uses=lent_api.lent_roster)
async def lent_roster(request: web.Request) -> web.Response:
    shown = await api(request).call(lent_api.lent_roster, path=request.match_info)
    return render(request, "lent_roster.html", shown=shown)


@pages.post("/lent/{activity_id}/absences", uses=lent_api.lent_absence)
async def lent_absence(request: web.Request) -> web.Response:
    form, aid = await request.post(), request.match_info["activity_id"]
    calls = api(request, back=f"{LENT}/{aid}")
    await calls.call(lent_api.lent_absence, calls.fields(lent_api.LentAbsenceIn, {
        "key": text(form, "key"), "kind": text(form, "kind") or "缺席"}),
        path=request.match_info)
    return redirect(request, f"{LENT}/{aid}", done(request, "lent_absence",
                                                   kind=text(form, "kind") or "缺席"))


@pages.post("/lent/{activity_id}/supplement", uses=lent_api.lent_supplement)
async def lent_supplement(request: web.Request) -> web.Response:
    """Prepared and started in one step: the new gathering time and the verifier's value."""
    form, aid = await request.post(), request.match_info["activity_id"]
    calls = api(request, back=f"{LENT}/{aid}")
    await calls.call(lent_api.lent_supplement, calls.fields(lent_api.LentSupplementIn, {
        "gather_at": when(form, "gather_at") or None}), path=request.match_info)
    await calls.call(lent_api.lent_start, calls.fields(lent_api.LentStartIn, {
        "nonce": text(form, "nonce")}), path=request.match_info)
    return redirect(request, f"{LENT}/{aid}", done(request, "lent_supplement"))
