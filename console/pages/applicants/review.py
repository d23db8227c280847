"""The reviewer (HN-APPLY, XJ-SIGNUP, JL-GP: 市州 / 省级 / 终审): the queue of applications at their
level, region and industry, an application read as it was printed with its attachments shown
in the page, and the decision — approve (at the last stage, which specialties are admitted:
every 首选 must be), return named items with a reason, or reject with a reason."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, redirect, render
from console.context import CONSOLE
from console.paging import asked, pager
from miniapp_api.paging import PageQuery
from miniapp_api.routes.applicants import review
from services.applicants import ATTACHMENTS, SECTIONS
from services.common.errors import NotFound

pages = PageTable()


@pages.get("/review", uses=review.queue)
async def queue(request: web.Request) -> web.Response:
    listed = await api(request).call(review.queue)
    region, industry = request.query.get("region", ""), request.query.get("industry", "")
    rows = [a for a in listed.applications if (not region or (a.region or "") == region)
            and (not industry or (a.industry or "") == industry)]
    return render(request, "review_queue.html", applications=rows, region=region,
                  industry=industry,
                  regions=sorted({a.region for a in listed.applications if a.region}),
                  industries=sorted({a.industry for a in listed.applications if a.industry}))


@pages.get("/review/{app_id}", uses=review.view)
async def application(request: web.Request) -> web.Response:
    """Read through the API (which checks the reviewer's scope), shown as printed."""
    calls = api(request)
    shown = await calls.call(review.view, path=request.match_info)
    # decided before and gone on: read-only (the decision form only where it waits for them)
    waiting = {a.id for a in (await calls.call(review.queue)).applications}
    form = await request.app[CONSOLE].domain.application_reads.form_of(shown.id)
    if form is None:
        raise NotFound("application.not_found")
    # a 续聘 or a change: what the applicant's record as an expert holds
    standing = await calls.call(review.standing, path=request.match_info)
    return render(request, "review_app.html", app=shown, standing=standing,
                  sheet=request.app[CONSOLE].domain.documents.form_sheet.sheet(
                      request.app[CONSOLE].texts, form.application, form.applicant),
                  sections=SECTIONS,
                  attachment_titles={k: v.title for k, v in ATTACHMENTS.items()},
                  decidable=shown.id in waiting)


@pages.get("/review/history", uses=review.history)
async def history(request: web.Request) -> web.Response:
    """The reviewer's own decisions, newest first, with where each application is now."""
    filters = asked(request, ("after",))
    calls = api(request, back="/console/review/history")
    listed = await calls.call(review.history, calls.fields(PageQuery, filters))
    return render(request, "review_history.html", decisions=listed.decisions,
                  pager=pager(request, filters, listed.next))


@pages.get("/review/{app_id}/attachments/{attachment_id}", uses=review.attachment)
async def attachment(request: web.Request) -> web.StreamResponse:
    """An attachment shown inside the page (an image or a PDF)."""
    file = await api(request).call(review.attachment, path=request.match_info)
    file.headers["Content-Disposition"] = "inline"
    file.headers["X-Content-Type-Options"] = "nosniff"
    return file


@pages.post("/review/{app_id}", uses=review.decide)
async def decide(request: web.Request) -> web.Response:
    form = await request.post()
    action = str(form.get("action", ""))
    body: dict[str, object] = {"action": action, "reason": str(form.get("reason", "")),
                               "items": [str(i) for i in form.getall("items", [])]}
    if action == "approve" and form.get("final") == "1":
        body["admitted"] = [str(c) for c in form.getall("admitted", [])]
    calls = api(request, back=f"/console/review/{request.match_info['app_id']}")
    decided = await calls.call(review.decide, calls.fields(review.DecisionIn, body),
                               path=request.match_info)
    return redirect(request, "/console/review", request.app[CONSOLE].texts.render(
        "console/reviewed.j2", status=decided.status_title, stage=decided.stage or ""))
