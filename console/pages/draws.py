"""The agency's draws (seed 004): the activity list, and an activity with its progress that
updates by itself while the draw runs (counts only: names stay sealed until the results
unseal, as the API has it)."""

from __future__ import annotations

import json

from aiohttp import web

from console.app import page, person_of, render
from console.context import CONSOLE

LIST = ("GET", "/draws/activities")
ONE = ("GET", "/draws/activities/{activity_id}")
PROGRESS = ("GET", "/draws/activities/{activity_id}/progress")


@page("GET", "/activities", uses=LIST)
async def activities(request: web.Request) -> web.Response:
    endpoints = request.app[CONSOLE].endpoints
    listed = await endpoints.call(request, person_of(request), *LIST, query={"limit": 200})
    return render(request, "activities.html", activities=listed.activities)


@page("GET", "/activities/{activity_id}", uses=ONE)
async def activity(request: web.Request) -> web.Response:
    endpoints, person = request.app[CONSOLE].endpoints, person_of(request)
    params = {"activity_id": request.match_info["activity_id"]}
    shown = await endpoints.call(request, person, *ONE, params=params)
    counts = await endpoints.call(request, person, *PROGRESS, params=params)
    return render(request, "activity.html", activity=shown, counts=counts)


@page("GET", "/activities/{activity_id}/progress", uses=PROGRESS, touch=False)
async def progress(request: web.Request) -> web.Response:
    """The counts and the status as JSON, polled by the activity page (no reload)."""
    endpoints, person = request.app[CONSOLE].endpoints, person_of(request)
    params = {"activity_id": request.match_info["activity_id"]}
    counts = await endpoints.call(request, person, *PROGRESS, params=params)
    shown = await endpoints.call(request, person, *ONE, params=params)
    return web.json_response({**counts.model_dump(), "status_title": shown.status_title},
                             headers={"Cache-Control": "no-store"},
                             dumps=lambda d: json.dumps(d, ensure_ascii=False))
