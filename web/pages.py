"""HTML pages behind signed, expiring, personal links (services.common.links), and the small JSON
API the exam page talks to."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import hdrs, web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from models.learning.exams import Exam
from services.common.bodies import FORM_TYPE, check_json_type, form_pairs, json_object
from services.common.clock import china_time
from services.common.errors import BadInput, DomainError, TooLarge, Unavailable, http_status
from services.common.links import LinkError
from services.common.pii import mask_text
from services.common.runtime.infra import bad_value, infrastructure_errors
from services.common.template_code import COMPILED
from services.common.texts import no_none
from services.education import Exams
from web.context import DOMAIN, PAGES, TEXTS

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
FORM_MAX = 8 * 1024  # bytes: a 500-character text and a token, with room to spare
View = Callable[[web.Request], Awaitable[web.StreamResponse]]


def render(request: web.Request, name: str, status: int = 200, **values: Any) -> web.Response:
    html = request.app[PAGES].get_template(name).render(**values)
    return web.Response(text=mask_text(html), content_type="text/html", status=status)


def bad_link(request: web.Request, again: str) -> web.Response:
    """A link that is malformed, forged or expired; `again`: where to get a new one
    (texts/web/bad_link.j2)."""
    texts = request.app[TEXTS]
    return render(request, "message.html", status=403,
                  title=texts.render("web/bad_link_title.j2"),
                  message=texts.render("web/bad_link.j2", again=again))


async def read_form(request: web.Request) -> None:
    """A page's posted form, read before the page looks at its link: an URL-encoded form
    (these pages post no file) of FORM_MAX bytes at most, strictly so
    (services/common/bodies.py); BadInput or TooLarge otherwise. `request.post()` then
    reads the bytes kept."""
    if (request.content_length or 0) > FORM_MAX:
        raise TooLarge("form.too_long")
    if request.content_type != FORM_TYPE and request.body_exists:  # none: no field
        raise BadInput("form.content_type")
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:  # sent without its length, past aiohttp's cap
        raise TooLarge("form.too_long") from None
    if len(raw) > FORM_MAX:
        raise TooLarge("form.too_long")
    form_pairs(raw, request.charset)


def add_page(app: web.Application, method: str, path: str, view: View, *,
             own_body: bool = False) -> None:
    """Register a page; a form posted to it is read first (read_form), unless the page
    reads its `own_body` (a form with files, streamed under its own cap); the domain's
    refusals on it become a page that says why, with the status of their outcome (the web
    pages' one mapping of the error family)."""

    @functools.wraps(view)
    async def page(request: web.Request) -> web.StreamResponse:
        try:
            if request.method not in ("GET", "HEAD") and not own_body:
                await read_form(request)
            return await view(request)
        except DomainError as exc:
            texts = request.app[TEXTS]
            return render(request, "message.html", status=http_status(exc),
                          title=texts.render("web/refused_title.j2"), message=texts.error(exc))
        except infrastructure_errors() as exc:
            log.warning("infrastructure unavailable on %s: %r", request.path, exc)
            texts = request.app[TEXTS]
            return render(request, "message.html", status=503,
                          title=texts.render("web/refused_title.j2"),
                          message=texts.error(Unavailable("api.busy")))
        except Exception as exc:  # the last line: never a 500 for a value
            if not bad_value(exc):
                raise
            log.warning("a value the database cannot take on %s: %s", request.path,
                        type(exc).__name__)
            texts = request.app[TEXTS]
            return render(request, "message.html", status=400,
                          title=texts.render("web/refused_title.j2"),
                          message=texts.error(BadInput("api.invalid_value")))

    app.router.add_route(method, path, page)


def _person_from(request: web.Request, purpose: str, subject: str) -> int:
    return request.app[DOMAIN].links.verify(purpose, subject,
                                                    request.query.get("t", ""))


async def review_form(request: web.Request) -> web.Response:
    app_id = request.match_info["app_id"]
    try:
        person_id = _person_from(request, "form", app_id)
    except LinkError:
        return bad_link(request, "form")
    form = await request.app[DOMAIN].application_reads.form_of(int(app_id), person_id)
    if form is None:
        return bad_link(request, "form")
    shown = request.app[DOMAIN].documents.form_sheet.sheet(request.app[TEXTS], form.application,
                                                           form.applicant)
    return render(request, "review_form.html", sheet=shown, title=shown.title,
                  promise=shown.promise, sign=shown.sign)


async def _exam_call(request: web.Request) -> tuple[Exam, int]:
    exam_id = request.match_info["exam_id"]
    person_id = _person_from(request, "exam", exam_id)
    exam = await request.app[DOMAIN].exams.exam(int(exam_id))
    if exam is None:
        raise LinkError("no exam")
    return exam, person_id


async def exam_page(request: web.Request) -> web.Response:
    try:
        exam, _ = await _exam_call(request)
    except LinkError:
        return bad_link(request, "exam")
    return render(request, "exam.html", exam=exam, token=request.query.get("t", ""),
                  opens=china_time(exam.opens_at), closes=china_time(exam.closes_at))


def _json(data: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda d: json.dumps(
        d, ensure_ascii=False))


async def _posted_json(request: web.Request) -> dict[str, Any]:
    """What the exam page posts: a JSON object of FORM_MAX bytes at most (none: empty), as
    the mini-program API reads one (services/common/bodies.py); BadInput or TooLarge."""
    if (request.content_length or 0) > FORM_MAX:
        raise TooLarge("api.too_large")
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise TooLarge("api.too_large") from None
    if len(raw) > FORM_MAX:
        raise TooLarge("api.too_large")
    if not raw.strip():  # start, submit: nothing to say, whatever the type said
        return {}
    check_json_type(request.headers.get(hdrs.CONTENT_TYPE, ""), request.content_type,
                    "api.content_type")
    return json_object(raw, "api.body_malformed")


async def exam_api(request: web.Request) -> web.Response:
    """state | start | answer | submit, for the exam page; a body it cannot read is refused
    before the link is looked at."""
    body: dict[str, Any] = {}
    if request.method not in ("GET", "HEAD"):
        try:
            body = await _posted_json(request)
        except DomainError as exc:
            return _json({"error": exc.code, "message": request.app[TEXTS].error(exc)},
                         http_status(exc))
    try:
        exam, person_id = await _exam_call(request)
    except LinkError:
        return _json({"error": "bad_link",
                      "message": request.app[TEXTS].render("web/exam_bad_link.j2")}, 403)
    exams = request.app[DOMAIN].exams
    action = request.match_info["action"]
    now = datetime.now(UTC)
    try:
        if action == "start":
            await exams.start(exam, person_id, now)
        elif action in ("answer", "submit"):
            attempt = await exams.started(exam, person_id)
            if action == "answer":
                await exams.answer(attempt, exam, str(body.get("question", "")),
                                   str(body.get("answer", "")), now)
            elif attempt.submitted_at is None:
                await exams.submit(attempt.id, now, by="candidate")
        elif action != "state":
            raise web.HTTPNotFound()
    except DomainError as exc:  # the exam page shows the refusal beside the paper's state
        state = await _state(exams, exam, person_id, now)
        return _json({**state, "error": exc.code,
                      "message": request.app[TEXTS].error(exc)}, 409)
    return _json(await _state(exams, exam, person_id, now))


async def _state(exams: Exams, exam: Exam, person_id: int, now: datetime) -> dict[str, Any]:
    attempt = await exams.attempt(exam, person_id)
    out: dict[str, Any] = {"title": exam.title, "duration_minutes": exam.duration_minutes,
                           "opens_in": max(0, int((exam.opens_at - now).total_seconds())),
                           "closed": now >= exam.closes_at, "started": attempt is not None}
    if attempt is None:
        return out
    if attempt.submitted_at is None and now >= attempt.deadline:  # the timer ran out
        attempt = await exams.submit(attempt.id, now, by="timer")
    out.update(remaining=max(0, int((attempt.deadline - now).total_seconds())),
               questions=exams.public_questions(exam),
               answers=attempt.answers, submitted=attempt.submitted_at is not None,
               submitted_by=attempt.submitted_by)
    if attempt.submitted_at is not None:
        out.update(score=attempt.score, passed=attempt.passed, pass_score=exam.pass_score)
    return out


def setup_pages(app: web.Application) -> None:
    app[PAGES] = Environment(loader=FileSystemLoader(TEMPLATES), finalize=no_none,
                             autoescape=select_autoescape(["html"]), bytecode_cache=COMPILED)
    app[PAGES].filters["china_time"] = china_time
    add_page(app, "GET", "/forms/applications/{app_id}", review_form)
    add_page(app, "GET", "/exam/{exam_id}", exam_page)
    app.router.add_route("*", "/exam/{exam_id}/api/{action}", exam_api)  # JSON, refusals above
