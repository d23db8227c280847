"""公示 at the administrator's desk (JL-GP: a batch without an exam publishes the approved
applicants before they enter the register): who is in their notice and until when, an
objection recorded as it was received, and its ruling — sustained (not admitted, the
applicant told why) or dismissed (the notice goes on)."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text
from console.invoke import GoBack
from miniapp_api.routes.people import people_desk as admin
from services.common.errors import BadInput

pages = PageTable()

BACK = "/console/public-notice"


@pages.get("/public-notice", uses=admin.in_notice)
async def listing(request: web.Request) -> web.Response:
    listed = await api(request).call(admin.in_notice)
    return render(request, "public_notice.html", applications=listed.applications)


@pages.post("/public-notice/{app_id}/objection", uses=admin.record_objection)
async def objection(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=BACK)
    await calls.call(admin.record_objection, calls.fields(
        admin.ObjectionIn, {"reason": text(form, "reason")}), path=request.match_info)
    return redirect(request, BACK, done(request, "objection"))


@pages.post("/public-notice/{app_id}/ruling", uses=admin.rule_objection)
async def ruling(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=BACK)
    if text(form, "ruling") not in ("sustained", "dismissed"):  # nothing chosen for them
        raise GoBack(BACK, BadInput("notice.ruling_required"))
    sustained = text(form, "ruling") == "sustained"
    ruled = await calls.call(admin.rule_objection, calls.fields(admin.RulingIn, {
        "sustained": sustained, "note": text(form, "note")}), path=request.match_info)
    return redirect(request, BACK, done(request, "ruling", sustained=ruled.status == "rejected"))
