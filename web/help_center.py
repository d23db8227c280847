"""`/help`: the 帮助中心, for anyone, signed in or not — the 办理指南 and 常见问题 of the centre's
knowledge base by who they are for, a search that asks the 智能客服 (the answer it is sure of
first, then the closest entries), the 客服热线 and hours, and the way to a person in chat
(人工客服). `/help/{key}`: one entry. `POST /help/feedback`: 有用 / 没用 said of an answer
the search gave (its id and token are in the page that showed it, which is why no other
form token is needed). The entries are the centre's words, the same for
everyone, so a browser may keep a page for a minute."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from aiohttp import web

from services.common.errors import NotFound
from services.help import SEARCHES_PER_MINUTE, Audience, Process
from web.context import DOMAIN, TEXTS
from web.pages import add_page, render
from web.rate import over_limit

CACHE = "public, max-age=60"
KEY = re.compile(r"[a-z0-9][a-z0-9-]{1,63}")
QUERY_MAX = 100
SHOWN = [a for a in Audience if a != Audience.ANYONE]
RATINGS_PER_MINUTE = 30  # from one address, as the searches


async def center(request: web.Request) -> web.Response:
    knowledge, texts = request.app[DOMAIN].knowledge, request.app[TEXTS]
    now = datetime.now(UTC)
    audience = request.query.get("for", "")
    audience = audience if audience in {str(a) for a in SHOWN} else ""
    question = request.query.get("q", "").strip()[:QUERY_MAX]
    busy = bool(question) and await over_limit(request, "help-search", SEARCHES_PER_MINUTE)
    answer = await knowledge.ask(question, frozenset({audience} if audience else ()), now,
                                 channel="web") if question and not busy else None
    entries = await knowledge.entries(now, audience or None)
    faqs = [(str(p), texts.word("help_process", p), [e for e in entries
                                                     if e.kind == "faq" and e.process == p])
            for p in Process]  # in the order a person's life goes
    response = render(
        request, "help_center.html", guides=[e for e in entries if e.kind == "guide"],
        faqs=[g for g in faqs if g[2]], audience=audience, question=question,
        answer=answer, tabs=[("", texts.word("help_audience", "all")), *(
            (str(a), texts.word("help_audience", a)) for a in SHOWN)],
        contact=knowledge.contact, busy=busy)
    if not question:
        response.headers["Cache-Control"] = CACHE
    return response


async def entry_page(request: web.Request) -> web.Response:
    key = request.match_info["key"]
    knowledge, texts = request.app[DOMAIN].knowledge, request.app[TEXTS]
    try:
        if not KEY.fullmatch(key):
            raise NotFound("help.not_found")
        found = await knowledge.entry(key, datetime.now(UTC))
    except NotFound as exc:
        return render(request, "help_entry.html", status=404, entry=None,
                      error=texts.error(exc), contact=knowledge.contact)
    response = render(
        request, "help_entry.html", entry=found, contact=knowledge.contact,
        kind=texts.word("help_kind", found.kind), process=texts.word("help_process",
                                                                     found.process),
        audiences="、".join(texts.word("help_audience", a) for a in found.audiences))
    response.headers["Cache-Control"] = CACHE
    return response


async def rate(request: web.Request) -> web.Response:
    """有用 / 没用 on an answer of the search: kept once per answer (the domain refuses a
    wrong token as no such answer)."""
    knowledge, texts = request.app[DOMAIN].knowledge, request.app[TEXTS]
    form = await request.post()
    raw, token = str(form.get("answer", "")), str(form.get("token", ""))[:24]
    if await over_limit(request, "help-feedback", RATINGS_PER_MINUTE):
        return render(request, "help_rated.html", status=429, said="", busy=True,
                      contact=knowledge.contact)
    if not (raw.isascii() and raw.isdigit() and 0 < len(raw) <= 18):
        raise NotFound("help.no_answer")
    rated = await knowledge.reviews.rate(int(raw), token, form.get("useful") == "1",
                                         datetime.now(UTC))
    return render(request, "help_rated.html", said=texts.render(
        "help/rated.j2", useful=rated.feedback == "useful").strip(), busy=False,
        contact=knowledge.contact)


def setup_help_center(app: web.Application) -> None:
    add_page(app, "GET", "/help", center)
    add_page(app, "POST", "/help/feedback", rate)
    add_page(app, "GET", "/help/{key}", entry_page)
