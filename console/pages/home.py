"""The first page after sign-in: what waits for this person, by role (GD-DRAW's 工作台 for
agencies: today's activities, drawing now, finished today, this week)."""

from __future__ import annotations

from aiohttp import web

from console.app import api, page, render, visitor
from console.context import CONSOLE
from miniapp_api.routes import attendance, review, verify


@page("GET", "/home")
async def home(request: web.Request) -> web.Response:
    endpoints, calls = request.app[CONSOLE].endpoints, api(request)
    seen_roles = visitor(request).roles
    dashboard = pending = reviews = None
    if endpoints.admits(seen_roles, attendance.dashboard):
        dashboard = await calls.call(attendance.dashboard)
    if endpoints.admits(seen_roles, verify.pending):
        pending = len((await calls.call(verify.pending)).activities)
    if endpoints.admits(seen_roles, review.queue):
        reviews = len((await calls.call(review.queue)).applications)
    return render(request, "home.html", dashboard=dashboard, pending=pending, reviews=reviews)
