"""The administrator's desk (issue 19, item 5; first pages): feedback with its answers
(sent to whoever wrote it), and the marking queue of essays — entry exams and
continuing-education tests (seed 003: 批阅状态 待批阅 / 合格 / 不合格)."""

from __future__ import annotations

from aiohttp import web

from console.app import act, page, person_of, redirect, render
from console.context import CONSOLE
from console.forms import text

FEEDBACK = ("GET", "/admin/feedback")
ANSWER = ("POST", "/admin/feedback/{feedback_id}/answer")
MARKING = ("GET", "/admin/marking")
MARK = ("POST", "/admin/marking/{attempt_id}")


@page("GET", "/feedback", uses=FEEDBACK)
async def feedback(request: web.Request) -> web.Response:
    state = request.query.get("state", "open")
    listed = await request.app[CONSOLE].endpoints.call(
        request, person_of(request), *FEEDBACK,
        query={"state": state} if state in ("open", "answered") else {})
    return render(request, "feedback.html", items=listed.feedback, state=state)


@page("POST", "/feedback/{feedback_id}", uses=ANSWER)
async def answer(request: web.Request) -> web.Response:
    form = await request.post()
    await act(request, "/console/feedback", *ANSWER, params=dict(request.match_info),
              body={"answer": text(form, "answer")})
    return redirect(request, "/console/feedback", "回复已发送给反馈人。")


@page("GET", "/marking", uses=MARKING)
async def marking(request: web.Request) -> web.Response:
    queue = await request.app[CONSOLE].endpoints.call(request, person_of(request), *MARKING)
    return render(request, "marking.html", papers=queue.papers)


@page("POST", "/marking/{attempt_id}", uses=MARK)
async def mark(request: web.Request) -> web.Response:
    form = await request.post()
    points = {key.removeprefix("q:"): value.strip() for key, value in form.items()
              if isinstance(value, str) and key.startswith("q:")}
    marked = await act(request, "/console/marking", *MARK, params=dict(request.match_info),
                       body={"points": points})
    return redirect(request, "/console/marking", f"已批阅：总分 {marked.score} 分，"
                    f"{'合格' if marked.passed else '不合格'}，结果已通知考生。")
