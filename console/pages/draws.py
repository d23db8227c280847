"""The agency's draws (GD-DRAW): the activity list, and an activity with its progress that
updates by itself while the draw runs (counts only: names stay sealed until the results
unseal, as the API has it)."""

from __future__ import annotations

import json

from aiohttp import web

from console.app import api, page, render
from console.invoke import fields
from miniapp_api.routes import draw_prep, drawing


@page("GET", "/activities", uses=draw_prep.activities)
async def activities(request: web.Request) -> web.Response:
    listed = await api(request).call(draw_prep.activities,
                                     fields(draw_prep.ActivitiesQuery, {"limit": 200}))
    return render(request, "activities.html", activities=listed.activities)


@page("GET", "/activities/{activity_id}", uses=draw_prep.show)
async def activity(request: web.Request) -> web.Response:
    calls = api(request)
    shown = await calls.call(draw_prep.show, path=request.match_info)
    counts = await calls.call(drawing.progress, path=request.match_info)
    return render(request, "activity.html", activity=shown, counts=counts)


@page("GET", "/activities/{activity_id}/progress", uses=drawing.progress, touch=False)
async def progress(request: web.Request) -> web.Response:
    """The counts and the status as JSON, polled by the activity page (no reload)."""
    calls = api(request)
    counts = await calls.call(drawing.progress, path=request.match_info)
    shown = await calls.call(draw_prep.show, path=request.match_info)
    return web.json_response({**counts.model_dump(), "status_title": shown.status_title},
                             headers={"Cache-Control": "no-store"},
                             dumps=lambda d: json.dumps(d, ensure_ascii=False))
