"""Performance records in the console (履职评价, 财库〔2016〕198号): the agency's ended
evaluations and, for one, a form per expert who served (attendance, conduct items, score,
comment) until the deadline; the system administrator's conduct items with the deadline in
working days, and the review of disputed records."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from console.app import PageTable, api, done, redirect, render
from console.context import CONSOLE
from console.forms import many, said, text
from console.invoke import fields
from miniapp_api.routes.draws.record import performance
from miniapp_api.routes.draws.record import performance_desk as admin_performance
from miniapp_api.routes.draws.setup import peer_draws
from miniapp_api.routes.draws.setup import prep as draw_prep
from miniapp_api.routes.evaluation import corrections, proposals
from services.common.errors import DomainError

pages = PageTable()

ITEMS = "/console/conduct-items"
DISPUTES = "/console/performance-disputes"


def entry(form: MultiDictProxy[Any]) -> dict[str, Any]:
    """The record's fields as a form sends them."""
    return {"late": form.get("late") == "1", "left_early": form.get("left_early") == "1",
            "conduct": many(form, "conduct"), "score": text(form, "score") or None,
            "comment": text(form, "comment")}


@pages.get("/performance", uses=performance.evaluations)
async def evaluations(request: web.Request) -> web.Response:
    listed = await api(request).call(performance.evaluations)
    return render(request, "performance_list.html", listed=listed)


@pages.get("/activities/{activity_id}/performance", uses=performance.sheet)
async def sheet(request: web.Request) -> web.Response:
    return await _sheet(request)


async def _sheet(request: web.Request, refusal: str | None = None,
                 typed: dict[str, str] | None = None, status: int = 200) -> web.Response:
    calls = api(request)
    path = {"activity_id": request.match_info["activity_id"]}
    shown = await calls.call(draw_prep.show, path=path)
    got = await calls.call(performance.sheet, path=path)
    lent = await calls.call(peer_draws.lent_records, path=path)
    proposed = await calls.call(proposals.listing, path=path)
    corrected = await calls.call(corrections.listing, path=path)  # GPL-87-64
    return render(request, "performance.html", status=status, activity=shown, sheet=got,
                  lent=lent.experts, proposals=proposed.proposals, refusal=refusal,
                  typed=typed or {}, corrected=corrected)


@pages.post("/activities/{activity_id}/performance/proposals/{proposal_id}",
            uses=proposals.decide)
async def decide(request: web.Request) -> web.Response:
    """A proposal confirmed or dismissed with a reason; refused, the page comes back with
    the refusal and what was typed."""
    form = await request.post()
    typed = {"id": request.match_info["proposal_id"], "reason": text(form, "reason"),
             "mark": text(form, "mark")}
    confirm = form.get("confirm") == "1"
    try:
        await api(request).call(proposals.decide, fields(proposals.DecisionIn, {
            "confirm": confirm, "reason": typed["reason"], "mark": typed["mark"]}),
            path=request.match_info)
    except DomainError as exc:
        return await _sheet(request, said(request.app[CONSOLE].texts, exc), typed, 400)
    back = f"/console/activities/{request.match_info['activity_id']}/performance"
    return redirect(request, back, done(request, "proposal_decided", confirmed=confirm))


@pages.post("/activities/{activity_id}/performance/review", uses=corrections.ask_review)
async def ask_review(request: web.Request) -> web.Response:
    """The committee asked to re-check its scores (GPL-87-64, Art. 45 (八)); refused, the
    page comes back with the refusal and the words typed."""
    form = await request.post()
    typed = {"id": "review", "reason": text(form, "reason")}
    try:
        await api(request).call(corrections.ask_review, fields(corrections.ReviewIn, {
            "reason": typed["reason"]}), path=request.match_info)
    except DomainError as exc:
        return await _sheet(request, said(request.app[CONSOLE].texts, exc), typed, 400)
    back = f"/console/activities/{request.match_info['activity_id']}/performance"
    return redirect(request, back, done(request, "review_asked"))


@pages.post("/activities/{activity_id}/performance/lent/{code}", uses=peer_draws.record_lent)
async def record_lent(request: web.Request) -> web.Response:
    """A lent expert's record, sent to the library that drew them (docs/federation.md)."""
    form = await request.post()
    back = f"/console/activities/{request.match_info['activity_id']}/performance"
    calls = api(request, back=back)
    await calls.call(peer_draws.record_lent, calls.fields(peer_draws.LentRecordIn, entry(form)),
                     path=request.match_info)
    return redirect(request, back, done(request, "performance_lent"))


@pages.post("/activities/{activity_id}/performance/{invitation_id}",
            uses=performance.record_performance)
async def record(request: web.Request) -> web.Response:
    form = await request.post()
    back = f"/console/activities/{request.match_info['activity_id']}/performance"
    calls = api(request, back=back)
    await calls.call(performance.record_performance,
                     calls.fields(performance.PerformanceIn, entry(form)),
                     path=request.match_info)
    return redirect(request, back, done(request, "performance"))


@pages.get("/conduct-items", uses=admin_performance.catalogue)
async def items(request: web.Request) -> web.Response:
    got = await api(request).call(admin_performance.catalogue)
    return render(request, "conduct_items.html", catalogue=got)


def item_body(form: MultiDictProxy[Any]) -> dict[str, Any]:
    return {"name": text(form, "name"), "article": text(form, "article"),
            "position": text(form, "position") or "100", "active": form.get("active") == "1"}


@pages.post("/conduct-items", uses=admin_performance.add_item)
async def add_item(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=ITEMS)
    await calls.call(admin_performance.add_item,
                     calls.fields(admin_performance.ItemIn, {**item_body(form), "active": True}))
    return redirect(request, ITEMS, done(request, "conduct_item", name=text(form, "name")))


@pages.post("/conduct-items/{item_id}", uses=admin_performance.change_item)
async def change_item(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=ITEMS)
    if form.get("delete") == "1":
        await calls.call(admin_performance.remove_item, path=request.match_info)
        return redirect(request, ITEMS, done(request, "conduct_item_removed"))
    await calls.call(admin_performance.change_item,
                     calls.fields(admin_performance.ItemIn, item_body(form)),
                     path=request.match_info)
    return redirect(request, ITEMS, done(request, "conduct_item", name=text(form, "name")))


@pages.post("/performance-settings", uses=admin_performance.settings)
async def settings(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=ITEMS)
    got = await calls.call(admin_performance.settings, calls.fields(
        admin_performance.SettingsIn, {"deadline_days": text(form, "deadline_days")}))
    return redirect(request, ITEMS, done(request, "performance_deadline",
                                         days=got.deadline_days))


@pages.get("/performance-disputes", uses=admin_performance.disputed)
async def disputes(request: web.Request) -> web.Response:
    calls = api(request)
    got = await calls.call(admin_performance.disputed)
    catalogue = await calls.call(admin_performance.catalogue)
    return render(request, "performance_disputes.html", disputed=got,
                  items=[i for i in catalogue.items if i.active])


@pages.post("/performance-disputes/{record_id}", uses=admin_performance.review)
async def review(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=DISPUTES)
    outcome = text(form, "outcome")
    await calls.call(admin_performance.review, calls.fields(admin_performance.ReviewIn, {
        "outcome": outcome, "review_note": text(form, "review_note"),
        "correction": entry(form) if outcome == "corrected" else None}),
        path=request.match_info)
    return redirect(request, DISPUTES, done(request, "performance_reviewed"))
