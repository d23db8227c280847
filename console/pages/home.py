"""The first page after sign-in: what waits for this person, by role (seed 004's 工作台 for
agencies: today's activities, drawing now, finished today, this week)."""

from __future__ import annotations

from aiohttp import web

from console.app import page, person_of, render, visitor
from console.context import CONSOLE

DASHBOARD = ("GET", "/draws/dashboard")
VERIFY = ("GET", "/verify/activities")
REVIEW = ("GET", "/review/queue")


@page("GET", "/home")
async def home(request: web.Request) -> web.Response:
    endpoints, person = request.app[CONSOLE].endpoints, person_of(request)
    seen_roles = visitor(request).roles
    dashboard = pending = reviews = None
    if endpoints.admits(seen_roles, *DASHBOARD):
        dashboard = await endpoints.call(request, person, *DASHBOARD)
    if endpoints.admits(seen_roles, *VERIFY):
        pending = len((await endpoints.call(request, person, *VERIFY)).activities)
    if endpoints.admits(seen_roles, *REVIEW):
        reviews = len((await endpoints.call(request, person, *REVIEW)).applications)
    return render(request, "home.html", dashboard=dashboard, pending=pending, reviews=reviews)
