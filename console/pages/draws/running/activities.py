"""The agency's draws (GD-DRAW): the activity list, and an activity with its progress that
updates by itself while the draw runs (counts only: names stay sealed until the results
unseal, as the API has it)."""

from __future__ import annotations

import json

from aiohttp import web

from console.app import PageTable, api, done, now, redirect, render
from console.forms import text
from console.paging import CURSORS, asked, pager
from miniapp_api.routes.draws.randomness import pool_sizes
from miniapp_api.routes.draws.running import drawing
from miniapp_api.routes.draws.setup import (
    involvement,
    peer_draws,
    terminals,
    urgency,
    venue_choice,
)
from miniapp_api.routes.draws.setup import prep as draw_prep
from services.draws.facts import ActivitySource

pages = PageTable()


@pages.get("/activities", uses=draw_prep.activities)
async def activities(request: web.Request) -> web.Response:
    """Searched and filtered by the API, a page of PAGE at a time (newest first)."""
    filters = asked(request, FILTERS)
    calls = api(request, back="/console/activities")
    listed = await calls.call(draw_prep.activities, calls.fields(
        draw_prep.ActivitiesQuery, {**filters, "limit": PAGE}))
    return render(request, "activities.html", activities=listed.activities,
                  asked={k: v for k, v in filters.items() if k not in CURSORS},
                  pager=pager(request, filters, listed.next), statuses=STATUSES,
                  sources=tuple(ActivitySource))


PAGE = 20
FILTERS = ("q", "name", "status", "kind", "source", "region", "eval_from", "eval_until",
           "before", "after")
STATUSES = ("draft", "submitted", "refused", "verified", "drawing", "paused", "ended",
            "withdrawn", "cancelled")


@pages.get("/activities/{activity_id}", uses=draw_prep.show)
async def activity(request: web.Request) -> web.Response:
    calls = api(request)
    shown = await calls.call(draw_prep.show, path=request.match_info)
    counts = await calls.call(drawing.progress, path=request.match_info)
    # ?edit=notice-5 / condition-3 / times: that item's form, filled, on the page
    kind, _, item = request.query.get("edit", "").partition("-")
    # the gathering time: moved while paused, corrected after the draw until the evaluation
    gathering = shown.status == "paused" or (
        shown.status == "ended" and shown.eval_start > now(request))
    # 选择提交终端: the centres to choose from before a submission, the one it went to after
    centres = await calls.call(terminals.terminals, path=request.match_info) \
        if shown.status in ("draft", "refused", "submitted") else None
    # the libraries a condition can be drawn by (a 副场 in their region), while editable
    libraries = (await calls.call(peer_draws.peer_libraries)).peers \
        if shown.status in ("draft", "refused") else []
    # before the start: how many candidates each condition has (how predictable it is)
    sizes = (await calls.call(pool_sizes.agency_sizes, path=request.match_info)).conditions \
        if shown.status in ("draft", "refused", "submitted", "verified") else []
    involved = (await calls.call(involvement.involvement, path=request.match_info)).items
    # the notice's venue: picked from the centre's (by name), while the notices are edited
    venue_choices = (await calls.call(venue_choice.venue_choices, path=request.match_info)
                     ).venues if shown.status in ("draft", "refused") else []
    # 应急: the reasons to choose from while the agency may still ask
    reasons = (await calls.call(urgency.reasons)).reasons \
        if shown.status in ("draft", "refused") and shown.kind in ("normal", "redraw") else []
    return render(request, "activity.html", activity=shown, counts=counts, editing_kind=kind,
                  urgency_reasons=reasons,
                  editing_id=int(item) if item.isdigit() and len(item) < 19 else None,
                  gathering=gathering, centres=centres, libraries=libraries, sizes=sizes,
                  involved=involved, venue_choices=venue_choices)


@pages.get("/activities/{activity_id}/progress", uses=drawing.progress, touch=False)
async def progress(request: web.Request) -> web.Response:
    """The counts and the status as JSON, polled by the activity page (no reload)."""
    calls = api(request)
    counts = await calls.call(drawing.progress, path=request.match_info)
    shown = await calls.call(draw_prep.show, path=request.match_info)
    return web.json_response({**counts.model_dump(), "status_title": shown.status_title,
                              "sealed": shown.sealed},
                             headers={"Cache-Control": "no-store"},
                             dumps=lambda d: json.dumps(d, ensure_ascii=False))


@pages.post("/activities/{activity_id}/involvement", uses=involvement.add_involvement)
async def add_involvement(request: web.Request) -> web.Response:
    """A unit or person that took part in the project's 前期 work: kept for every draw of it."""
    form = await request.post()
    back = f"/console/activities/{request.match_info['activity_id']}#involvement"
    calls = api(request, back=back)
    await calls.call(involvement.add_involvement, calls.fields(involvement.InvolvementIn, {
        "kind": text(form, "kind") or "unit", "name": text(form, "name"),
        "code": text(form, "code"), "stage": text(form, "stage") or "前期工作"}),
        path=request.match_info)
    return redirect(request, back, done(request, "involvement_added"))


@pages.post("/activities/{activity_id}/involvement/{involvement_id}/delete",
            uses=involvement.remove_involvement)
async def remove_involvement(request: web.Request) -> web.Response:
    back = f"/console/activities/{request.match_info['activity_id']}#involvement"
    await api(request, back=back).call(involvement.remove_involvement, path=request.match_info)
    return redirect(request, back, done(request, "involvement_removed"))


@pages.post("/activities/{activity_id}/urgency", uses=urgency.ask)
async def ask_urgency(request: web.Request) -> web.Response:
    """应急: asked with a reason from the list (or taken back) before the submission."""
    form = await request.post()
    back = f"/console/activities/{request.match_info['activity_id']}#urgency"
    calls = api(request, back=back)
    if text(form, "action") == "drop":
        await calls.call(urgency.drop, path=request.match_info)
        return redirect(request, back, done(request, "urgency_dropped"))
    await calls.call(urgency.ask, calls.fields(urgency.UrgencyIn, {
        "reason": text(form, "reason"), "note": text(form, "note")}), path=request.match_info)
    return redirect(request, back, done(request, "urgency_asked"))
