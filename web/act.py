"""`/s/{token}` and `/r/{token}`: a notice that asks something of an expert, acted on from
the link in its SMS, in any phone browser, without WeChat (an expert imported from the
register is told by SMS and must be able to act on what they are told): the appeal of a
sanction (招标投标法实施条例 Art. 71–72; the appeal is ours, SanctionDesk.appeal)
and the reply (说明) to a performance record (财库〔2016〕198号: the expert
"可以……查询本人职责履行情况记录，并就有关情况作出说明"). The token is the row's id, its
expiry and a MAC (services.common.links notice_link); the row says whose it is. The page
calls the same service as the mini-program, so one appeal / one reply stands: a second
one shows the first. A forged link is refused plainly, an expired one says where to act
instead; an address trying bad links is slowed to a crawl. The form carries a
double-submit token (a SameSite=Strict cookie) and the body is capped (web/pages.py)."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from models.sanctions import AppealOutcome, Sanction, SanctionKind
from services.common.clock import china_time, china_today
from services.common.errors import DomainError
from services.common.links import APPEAL_LINK, REPLY_LINK, LinkError
from services.standing import KIND_WORDS, OUTCOME_WORDS
from web.context import DOMAIN, TEXTS
from web.pages import add_page, bad_link, render
from web.rate import client_address, count, over_limit

OPENS_PER_MINUTE = 30  # per row: its expert opening and answering it
BAD_LINKS_PER_MINUTE = 10  # per client address: a guessing run is slowed to a crawl
CSRF_COOKIE = "eb_act"

Found = tuple[int, int]  # the row's id and its person's


def form_token(request: web.Request) -> str:
    return request.cookies.get(CSRF_COOKIE, "") or secrets.token_urlsafe(18)


def with_token(request: web.Request, response: web.Response, token: str) -> web.Response:
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, path="/", httponly=True, samesite="Strict",
                            secure=request.secure)
    return response


def _message(request: web.Request, status: int, title: str, message: str,
             **values: Any) -> web.Response:
    texts = request.app[TEXTS]
    return render(request, "message.html", status=status,
                  title=texts.render(f"web/{title}.j2"),
                  message=texts.render(f"web/{message}.j2", **values))


async def checked(request: web.Request, purpose: str,
                   owner: Callable[[int], Awaitable[int | None]]) -> Found | web.Response:
    """The link's row and its person, or the page that refuses it: too many bad links from
    this address this minute, a forged one, an expired one (with where to act instead),
    one row opened too often."""
    address = client_address(request)
    if await count(request, "act-bad", address, add=0) >= BAD_LINKS_PER_MINUTE:
        return _message(request, 429, "refused_title", "too_many_act")
    try:
        row_id = request.app[DOMAIN].links.check_notice(purpose, request.match_info["token"])
    except LinkError as exc:
        if str(exc) == "expired":
            return _message(request, 410, "expired_title", "expired_act", purpose=purpose)
        await count(request, "act-bad", address)
        return bad_link(request, purpose)
    person_id = await owner(row_id)
    if person_id is None:
        await count(request, "act-bad", address)
        return bad_link(request, purpose)
    if await over_limit(request, f"act-{purpose}", OPENS_PER_MINUTE, f"{purpose}{row_id}"):
        return _message(request, 429, "refused_title", "too_many_act")
    return row_id, person_id


async def posted_form(request: web.Request) -> dict[str, str] | web.Response:
    """The posted form (read and capped before the page, web/pages.py read_form), or the
    refusal of one without the page's token."""
    form = await request.post()
    given, kept = str(form.get("_csrf", "")), request.cookies.get(CSRF_COOKIE, "")
    if not kept or not hmac.compare_digest(given.encode(), kept.encode()):
        return _message(request, 403, "refused_title", "act_csrf")
    return {k: str(v) for k, v in form.items() if isinstance(v, str)}


# -- the appeal of a sanction -------------------------------------------------------------

async def _sanction_owner(request: web.Request, sanction_id: int) -> int | None:
    found = await request.app[DOMAIN].sanctions.linked(sanction_id)
    return found[0] if found else None


async def _appeal_page(request: web.Request, sanction_id: int, said: str = "",
                       error: str = "", status: int = 200, typed: str = "") -> web.Response:
    found = await request.app[DOMAIN].sanctions.linked(sanction_id)
    assert found is not None
    view = found[1]
    s = view.sanction
    token = form_token(request)
    return with_token(request, render(
        request, "act_appeal.html", status=status, said=said, error=error, csrf=token,
        typed=typed, view=view, number=f"S{s.id:06d}", kind=KIND_WORDS[SanctionKind(s.kind)],
        period=request.app[DOMAIN].sanctions.period_words(s),
        appealed_at=china_time(s.appealed_at) if s.appealed_at else "",
        ruled_at=china_time(s.ruled_at) if s.ruled_at else "",
        outcome=OUTCOME_WORDS.get(s.outcome, s.outcome), state=_state(s)), token)


def _state(s: Sanction) -> str:
    """Where the sanction stands today: revoked, in force, not yet, over, or on record."""
    today = china_today(datetime.now(UTC))
    if s.outcome == AppealOutcome.REVOKED:
        return "revoked"
    if s.kind == SanctionKind.WARNING:
        return "recorded"
    if s.starts_on > today:
        return "later"
    return "in_force" if s.excludes_on(today, today) else "over"


async def appeal_page(request: web.Request) -> web.Response:
    found = await checked(request, APPEAL_LINK, lambda i: _sanction_owner(request, i))
    if isinstance(found, web.Response):
        return found
    return await _appeal_page(request, found[0])


async def appeal_post(request: web.Request) -> web.Response:
    found = await checked(request, APPEAL_LINK, lambda i: _sanction_owner(request, i))
    if isinstance(found, web.Response):
        return found
    form = await posted_form(request)
    if isinstance(form, web.Response):
        return form
    sanction_id, person_id = found
    try:
        await request.app[DOMAIN].sanctions.appeal(person_id, sanction_id,
                                                   form.get("appeal", ""), datetime.now(UTC))
    except DomainError as exc:
        return await _appeal_page(request, sanction_id, error=request.app[TEXTS].error(exc),
                                  status=200 if exc.code == "sanction.appealed" else 400,
                                  typed=form.get("appeal", ""))
    return await _appeal_page(request, sanction_id,
                              said=request.app[TEXTS].render("web/appeal_sent.j2"))


# -- the reply to a performance record ----------------------------------------------------

async def _record_owner(request: web.Request, record_id: int) -> int | None:
    shown = await request.app[DOMAIN].draws.record.performance.linked(record_id)
    return shown.record.person_id if shown else None


async def _reply_page(request: web.Request, record_id: int, said: str = "", error: str = "",
                      status: int = 200, typed: dict[str, str] | None = None
                      ) -> web.Response:
    shown = await request.app[DOMAIN].draws.record.performance.linked(record_id)
    assert shown is not None
    r = shown.record
    texts = request.app[TEXTS]
    token = form_token(request)
    return with_token(request, render(
        request, "act_reply.html", status=status, said=said, error=error, csrf=token,
        typed=typed or {}, shown=shown, day=china_time(shown.notice.gather_at).split(" ")[0],
        conduct=await request.app[DOMAIN].conduct.names(list(r.conduct)),
        attendance=texts.render("performance/attendance.j2", late=r.late,
                                left_early=r.left_early, absence=r.absence),
        recorded_at=china_time(r.recorded_at),
        proposals=[(p, request.app[DOMAIN].proposals.explain(texts, p)) for p in
                   await request.app[DOMAIN].proposals.of_expert(r.person_id)
                   if p.invitation_id == r.invitation_id],
        replied_at=china_time(r.replied_at) if r.replied_at else "",
        outcome=texts.word("review_outcome", r.review_outcome) if r.review_outcome else ""),
        token)


async def reply_page(request: web.Request) -> web.Response:
    found = await checked(request, REPLY_LINK, lambda i: _record_owner(request, i))
    if isinstance(found, web.Response):
        return found
    return await _reply_page(request, found[0])


async def reply_post(request: web.Request) -> web.Response:
    found = await checked(request, REPLY_LINK, lambda i: _record_owner(request, i))
    if isinstance(found, web.Response):
        return found
    form = await posted_form(request)
    if isinstance(form, web.Response):
        return form
    record_id, person_id = found
    try:
        await request.app[DOMAIN].draws.record.performance.reply(
            person_id, record_id, form.get("reply", ""), form.get("dispute") == "1",
            datetime.now(UTC))
    except DomainError as exc:
        return await _reply_page(request, record_id, error=request.app[TEXTS].error(exc),
                                 status=200 if exc.code == "performance.already_replied"
                                 else 400, typed=form)
    return await _reply_page(request, record_id,
                             said=request.app[TEXTS].render("web/reply_sent.j2"))


def setup_act_pages(app: web.Application) -> None:
    add_page(app, "GET", "/s/{token}", appeal_page)
    add_page(app, "POST", "/s/{token}", appeal_post)
    add_page(app, "GET", "/r/{token}", reply_page)
    add_page(app, "POST", "/r/{token}", reply_post)
