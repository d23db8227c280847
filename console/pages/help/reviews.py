"""The administrator's review of what the 智能客服 answered badly (帮助中心内容): the questions
users found 没用 and those it was not sure of, each added to an entry as a 相似问法, answered by
a new entry, or dismissed, with its history; and the weekly table per entry."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.context import CONSOLE
from console.forms import text
from console.pages.help.kept import SPLIT
from miniapp_api.routes.help import keeping, reviews
from services.help import Audience, Process

pages = PageTable()
BACK = "/console/help-reviews"
STATES = ("open", "attached", "written", "dismissed")


@pages.get("/help-reviews", uses=reviews.reviews)
async def review_list(request: web.Request) -> web.Response:
    calls = api(request)
    state = request.query.get("state", "open")
    state = state if state in STATES else "open"
    found = await calls.call(reviews.reviews, reviews.ReviewsQuery(state=state))
    listed = await calls.call(keeping.kept)
    weekly = await calls.call(reviews.weekly)
    words = request.app[CONSOLE].texts
    return render(request, "help_reviews.html", reviews=found.reviews, state=state,
                  states=[(s, words.word("help_review_state", s)) for s in STATES],
                  entries=[e for e in listed.entries if not e.retired], weekly=weekly.entries,
                  audiences=[(str(a), words.word("help_audience", a)) for a in Audience],
                  processes=[(str(p), words.word("help_process", p)) for p in Process])


@pages.post("/help-reviews/{review_id}/attach", uses=reviews.attach)
async def attach(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=BACK)
    body = {"key": text(form, "key"), "note": text(form, "note")}
    await calls.call(reviews.attach, calls.fields(reviews.AttachIn, body),
                     path=request.match_info)
    return redirect(request, BACK, done(request, "help_review_attached", key=body["key"]))


@pages.post("/help-reviews/{review_id}/write", uses=reviews.write)
async def write(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=BACK)
    body = {"title": text(form, "title"), "body": text(form, "body"),
            "process": text(form, "process") or "other",
            "audiences": [str(a) for a in form.getall("audiences", [])],
            "keywords": [w for w in SPLIT.split(text(form, "keywords")) if w],
            "note": text(form, "note")}
    saved = await calls.call(reviews.write, calls.fields(reviews.WriteIn, body),
                             path=request.match_info)
    return redirect(request, BACK, done(request, "help_review_written", key=saved.entry_key))


@pages.post("/help-reviews/{review_id}/dismiss", uses=reviews.dismiss)
async def dismiss(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=BACK)
    await calls.call(reviews.dismiss, calls.fields(reviews.DismissIn,
                                                   {"note": text(form, "note")}),
                     path=request.match_info)
    return redirect(request, BACK, done(request, "help_review_dismissed"))
