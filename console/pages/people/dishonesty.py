"""The 失信被执行人 check in the console: the experts flagged with their cases, each handled
with the administrator's note (a sanction, if any, is decided in 处分管理), a check of every
active expert started now, and the latest runs with their progress."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text
from console.paging import asked, pager
from miniapp_api.routes.people import dishonesty

pages = PageTable()

BACK = "/console/dishonesty"
VIEWS = ("open", "all")


@pages.get("/dishonesty", uses=dishonesty.flag_list)
async def flag_list(request: web.Request) -> web.Response:
    view = request.query.get("view", "open")
    view = view if view in VIEWS else "open"
    calls = api(request, back=BACK)
    filters = {"view": view, **asked(request, ("after",))}
    flags = await calls.call(dishonesty.flag_list, calls.fields(dishonesty.FlagsQuery, filters))
    runs = await calls.call(dishonesty.run_list)
    return render(request, "dishonesty.html", flags=flags.items, enabled=flags.enabled,
                  runs=runs.runs, view=view, pager=pager(request, filters, flags.next))


@pages.post("/dishonesty/flags/{flag_id}/handled", uses=dishonesty.handle)
async def handle(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=BACK)
    flag = await calls.call(dishonesty.handle, calls.fields(dishonesty.HandleIn, {
        "handling": text(form, "handling")}), path=request.match_info)
    return redirect(request, BACK, done(request, "dishonesty_handled", name=flag.expert_name))


@pages.post("/dishonesty/runs", uses=dishonesty.start_run)
async def start_run(request: web.Request) -> web.Response:
    run = await api(request, back=BACK).call(dishonesty.start_run)
    return redirect(request, BACK, done(request, "dishonesty_started", total=run.total))
