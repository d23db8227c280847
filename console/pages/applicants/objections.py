"""The 公示's objections at the desk (JL-GP: "经财政公示无异议后进入政府采购评审专家库"): the
objections the public raised, open first, each with its grounds, its evidence (opened in the
page) and its objector masked; the objector read in full on a page of their own (each
reading in the access record); and the ruling with its reason — sustained (not admitted, the
applicant told why) or dismissed (the notice runs on). The objector is told either way."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text
from console.invoke import GoBack
from miniapp_api.routes.applicants import objections
from services.common.errors import BadInput

pages = PageTable()

BACK = "/console/objections"


@pages.get("/objections", uses=objections.objections)
async def listing(request: web.Request) -> web.Response:
    listed = await api(request).call(objections.objections)
    return render(request, "objections.html", objections=listed.objections)


@pages.post("/objections/{objection_id}/ruling", uses=objections.rule)
async def ruling(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=BACK)
    if text(form, "ruling") not in ("sustained", "dismissed"):  # nothing chosen for them
        raise GoBack(BACK, BadInput("notice.ruling_required"))
    sustained = text(form, "ruling") == "sustained"
    await calls.call(objections.rule, calls.fields(objections.ObjectionRulingIn, {
        "sustained": sustained, "note": text(form, "note")}), path=request.match_info)
    return redirect(request, BACK, done(request, "objection_ruled", sustained=sustained))


@pages.post("/objections/{objection_id}/objector", uses=objections.objector)
async def objector(request: web.Request) -> web.Response:
    """The objector in full on a page of their own (never in a cookie or an address); the
    API logs each reading (个人信息访问记录)."""
    found = await api(request, back=BACK).call(objections.objector, path=request.match_info)
    return render(request, "objection_objector.html", objector=found, back=BACK)


@pages.get("/objections/{objection_id}/evidence/{index}", uses=objections.evidence)
async def evidence(request: web.Request) -> web.StreamResponse:
    """A file of evidence shown inside the page (an image or a PDF)."""
    file = await api(request).call(objections.evidence, path=request.match_info)
    file.headers["Content-Disposition"] = "inline"
    file.headers["X-Content-Type-Options"] = "nosniff"
    return file
