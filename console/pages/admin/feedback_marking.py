"""The administrator's desk (first pages): feedback with its answers (sent to whoever wrote
it), and the marking queue of essays — entry exams and continuing-education tests (XJ-CE:
批阅状态 待批阅 / 合格 / 不合格)."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text
from console.paging import asked, pager
from miniapp_api.routes.admin import feedback as feedback_desk
from miniapp_api.routes.education import marking

pages = PageTable()


@pages.get("/feedback", uses=feedback_desk.list_feedback)
async def feedback(request: web.Request) -> web.Response:
    state = request.query.get("state", "open")
    filters = {**asked(request, ("after",)), "state": state}
    calls = api(request, back="/console/feedback")
    listed = await calls.call(feedback_desk.list_feedback, calls.fields(
        feedback_desk.FeedbackQuery,
        filters if state in ("open", "answered") else asked(request, ("after",))))
    return render(request, "feedback.html", items=listed.feedback, state=state,
                  pager=pager(request, filters, listed.next))


@pages.post("/feedback/{feedback_id}", uses=feedback_desk.answer_feedback)
async def answer(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back="/console/feedback")
    await calls.call(feedback_desk.answer_feedback,
                     calls.fields(feedback_desk.AnswerIn, {"answer": text(form, "answer")}),
                     path=request.match_info)
    return redirect(request, "/console/feedback", done(request, "feedback_answered"))


@pages.get("/marking", uses=marking.queue)
async def marking_queue(request: web.Request) -> web.Response:
    queue = await api(request).call(marking.queue)
    return render(request, "marking.html", papers=queue.papers)


@pages.post("/marking/{attempt_id}", uses=marking.mark)
async def mark(request: web.Request) -> web.Response:
    form = await request.post()
    points = {key.removeprefix("q:"): value.strip() for key, value in form.items()
              if isinstance(value, str) and key.startswith("q:")}
    calls = api(request, back="/console/marking")
    marked = await calls.call(marking.mark, calls.fields(marking.MarksIn, {"points": points}),
                              path=request.match_info)
    return redirect(request, "/console/marking", done(request, "marked", score=marked.score,
                                                      passed=marked.passed))
