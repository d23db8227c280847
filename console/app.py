"""The web console at /console/: server-rendered pages for the people at desks,
each page using the mini-program API's own endpoints in process (console/invoke.py). Here:
the pages' tables, the guard every request passes (session, forced password change, CSRF on
every POST, the page's endpoint admitting the visitor's roles), and rendering."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from aiohttp import web

from console.bodies import read_form
from console.context import CONSOLE, PAGES, VISITOR, Visitor
from console.forms import problems, said
from console.invoke import AnyHandler, GoBack, PersonCalls
from console.menu import NAV
from console.sessions import SESSION_COOKIE, password_stamp
from console.signed import Flash, pre_csrf, same, sign, unsign
from miniapp_api.audit import audit_denied, audit_reading
from models.people import ADMINISTRATORS, NAMED_DUTIES, Person, Role
from services.common.errors import (
    BadInput,
    DomainError,
    NotAllowed,
    Unavailable,
    http_status,
)
from services.common.pii import mask_text
from services.common.runtime.infra import bad_value, infrastructure_errors

log = logging.getLogger(__name__)
PRE_COOKIE, FLASH_COOKIE = "eb_console_pre", "eb_flash"
FLASH_MAX = 1500  # characters of a message shown once (a cookie holds 4 KB)
View = Callable[[web.Request], Awaitable[web.StreamResponse]]
# the pages open to a signed-in person who must still change an initial password
INITIAL_OK = frozenset({"/password", "/sign-out", "/second-factor", "/second-factor/sms"})
SECOND_OK = frozenset({"/second-factor", "/second-factor/sms", "/sign-out"})


@dataclass(frozen=True)
class Page:
    method: str
    path: str
    view: View
    uses: AnyHandler | None  # the API endpoint (its handler) whose roles admit the visitor
    open: bool  # reachable signed out (sign-in)
    touch: bool  # a request here counts as activity (a page's own polling does not)


class PageTable:
    """A module's pages, in the order they are written: its folder's table lists it, and the
    console mounts every folder's (console/pages/__init__.py)."""

    def __init__(self) -> None:
        self.pages: list[Page] = []

    def get(self, path: str, uses: AnyHandler | None = None, open_: bool = False,
            touch: bool = True) -> Callable[[View], View]:
        return self._add("GET", path, uses, open_, touch)

    def post(self, path: str, uses: AnyHandler | None = None, open_: bool = False,
             touch: bool = True) -> Callable[[View], View]:
        return self._add("POST", path, uses, open_, touch)

    def _add(self, method: str, path: str, uses: AnyHandler | None, open_: bool,
             touch: bool) -> Callable[[View], View]:
        def add(view: View) -> View:
            self.pages.append(Page(method, path, view, uses, open_, touch))
            return view
        return add


def now(request: web.Request) -> datetime:
    """The service's moment (its clock, as the API's calls read it), not the machine's."""
    return request.app[CONSOLE].endpoints.services.clock.now()


def api(request: web.Request, back: str | None = None) -> PersonCalls:
    """The API as the signed-in visitor; with `back`, a form's action: refused, the visitor
    is taken back to that page with the refusal in words."""
    session = visitor(request).session
    return request.app[CONSOLE].endpoints.as_person(
        request, person_of(request), back, acting=session.agency if session else None)


def done(request: web.Request, what: str, **values: Any) -> str:
    """What the console says once a form's action is done: texts/console/done/<what>.j2."""
    return request.app[CONSOLE].texts.render(f"console/done/{what}.j2", **values)


def visitor(request: web.Request) -> Visitor:
    found: Visitor = request[VISITOR]
    return found


def person_of(request: web.Request) -> Person:
    person = visitor(request).person
    assert person is not None  # the guard let only signed-in visitors through
    return person


def cookie(request: web.Request, response: web.StreamResponse, name: str, value: str,
           max_age: int | None = None) -> None:
    response.set_cookie(name, value, path="/console", httponly=True, samesite="Lax",
                        secure=request.app[CONSOLE].secure_cookies, max_age=max_age)


def see_other(to: str) -> web.Response:
    return web.Response(status=303, headers={"Location": to})


def redirect(request: web.Request, to: str, flash: str | Flash | None = None) -> web.Response:
    """A 303 to another console page, with a message shown once there."""
    response = see_other(to)
    if flash:
        said = flash if isinstance(flash, Flash) else Flash(flash)
        cookie(request, response, FLASH_COOKIE,
               sign(request.app[CONSOLE].secret, said.dump()[:FLASH_MAX]), 60)
    return response


def render(request: web.Request, name: str, status: int = 200, **values: Any
           ) -> web.Response:
    services, seen = request.app[CONSOLE], visitor(request)
    flash = request.cookies.get(FLASH_COOKIE)
    raw = unsign(services.secret, flash, FLASH_MAX) if flash else None
    nav = [(services.texts.render("console/nav.j2", page=key), href) for key, href, uses in NAV
           if uses is None or services.endpoints.admits(seen.roles, uses)]
    if seen.session is not None and not seen.session.second:
        nav = []  # a half-done sign-in leads nowhere but its second factor
    html = request.app[PAGES].get_template(name).render(
        visitor=seen, nav=nav, path=request.path, word=services.texts.word,
        csrf=seen.csrf or pre_csrf(services.secret, seen.pre),
        flash=Flash.load(raw) if raw else None,
        **values)
    response = web.Response(text=mask_text(html), content_type="text/html", status=status)
    if flash:
        response.del_cookie(FLASH_COOKIE, path="/console")
    return response


def _protect(response: web.StreamResponse) -> None:
    """Signed-in pages and files: never cached, never framed by another site (SAMEORIGIN:
    the review page shows PDFs in a frame of its own)."""
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
    response.headers["X-Content-Type-Options"] = "nosniff"


def _no_role(request: web.Request, uses: AnyHandler, roles: set[Role]) -> str:
    """Why a page is closed: an administrator at another administrator's (or finance's)
    page is told whose it is (三权分立), as the API tells them (miniapp_api/auth.py)."""
    services = request.app[CONSOLE]
    duties = sorted((services.endpoints.endpoint(uses).roles or frozenset()) & NAMED_DUTIES)
    if duties and roles & ADMINISTRATORS:
        return services.texts.error(NotAllowed("auth.role_required", duties=duties))
    return services.texts.render("console/no_role.j2")


def refused(request: web.Request, message: str, status: int) -> web.Response:
    return render(request, "message.html", status=status, message=message,
                  title=request.app[CONSOLE].texts.render("console/refused_title.j2"))


async def _visitor(request: web.Request, touch: bool) -> tuple[Visitor, bool]:
    services = request.app[CONSOLE]
    pre = request.cookies.get(PRE_COOKIE, "")
    fresh = not (16 <= len(pre) <= 64 and pre.isascii())
    seen = Visitor(pre=secrets.token_urlsafe(24) if fresh else pre)
    session = await services.sessions.resolve(request.cookies.get(SESSION_COOKIE, ""), touch)
    if session is not None:
        person = await services.domain.people.by_id(session.person_id)
        if person is not None and not same(session.stamp, password_stamp(person)):
            await services.sessions.drop(session.token)  # the password changed since
            person = None
        if person is not None:
            seen.session, seen.person = session, person
            seen.roles = {Role(g.role) for g in await services.domain.people.active_roles(
                person.id, now(request))}
    return seen, fresh


async def _csrf_ok(request: web.Request, seen: Visitor) -> bool:
    form = await request.post()  # read by the guard (console/bodies.py)
    given = str(form.get("_csrf", ""))
    expected = seen.csrf or pre_csrf(request.app[CONSOLE].secret, seen.pre)
    return bool(given) and same(given, expected)


EXPORTS = (".xlsx", ".csv", ".pdf", "/file")  # the console's downloads


def guarded(spec: Page) -> View:
    async def view(request: web.Request) -> web.StreamResponse:
        try:
            seen, fresh = await _visitor(request, spec.touch)
        except infrastructure_errors() as exc:  # the session lives in Redis, the person in
            # the database: not known now, so the busy page names no one and leads nowhere
            return _busy(request, Visitor(pre=""), exc)
        request[VISITOR] = seen
        try:
            response = await _answer(request, spec, seen)
        except infrastructure_errors() as exc:  # anywhere in the page, its audit included
            return _busy(request, seen, exc)
        if fresh:
            cookie(request, response, PRE_COOKIE, seen.pre)
        _protect(response)
        return response

    view.__name__ = spec.view.__name__
    return view


def _busy(request: web.Request, seen: Visitor, exc: BaseException) -> web.Response:
    """Redis or the database not answering: the console's busy page (503), never aiohttp's
    bare 500; the same words as the API's (api.busy)."""
    log.warning("infrastructure unavailable on %s: %r", request.path, exc)
    request[VISITOR] = seen
    response = refused(request, request.app[CONSOLE].texts.error(Unavailable("api.busy")), 503)
    _protect(response)
    return response


async def _answer(request: web.Request, spec: Page, seen: Visitor) -> web.StreamResponse:
    if not spec.open and seen.person is None:  # back here after sign-in (a form: home)
        back = request.path_qs if request.method == "GET" else "/console/home"
        return see_other("/console/sign-in?next=" + quote(back, safe=""))
    if request.method == "POST":
        try:
            await read_form(request, signed_in=seen.person is not None)
        except DomainError as exc:  # no form, or one too large: nothing else is read
            log.info("a form refused on %s: %s", request.path, exc.code)
            return refused(request, request.app[CONSOLE].texts.error(exc), http_status(exc))
        if not await _csrf_ok(request, seen):
            return refused(request, request.app[CONSOLE].texts.render("console/csrf.j2"),
                           403)
    if seen.session is not None and not seen.session.second and \
            spec.path not in SECOND_OK and not spec.open:  # the sign-in is half done
        return see_other("/console/second-factor")
    callers = request.app[CONSOLE].domain.callers
    if seen.person is not None and spec.path not in INITIAL_OK and not spec.open and (
            seen.person.must_change_password or callers.password_expired(
                seen.person, seen.roles, now(request),
                request.app[CONSOLE].password_days)):
        return see_other("/console/password")
    if spec.uses is not None and not request.app[CONSOLE].endpoints.admits(seen.roles,
                                                                        spec.uses):
        menu = spec.path.strip("/").replace("-", "_")  # a menu page's key (texts/console/nav)
        await audit_denied(request.app[CONSOLE].domain, seen.person, seen.roles,
                           f"GET /console{spec.path}", now(request),
                           area=request.app[CONSOLE].endpoints.endpoint(spec.uses).tag,
                           page=menu if any(key == menu for key, _, _ in NAV) else "")
        return refused(request, _no_role(request, spec.uses, seen.roles), 403)
    try:
        response = await spec.view(request)
        if request.method == "GET" and response.status == 200 and seen.person is not None:
            # a file the desk takes away, or personal data read in full: on the audit trail
            # (changes are recorded where the API runs them, console/invoke.py)
            await audit_reading(request.app[CONSOLE].domain, seen.person, request,
                                f"GET /console{spec.path}", request.match_info,
                                now(request), file=spec.path.endswith(EXPORTS))
        return response
    except GoBack as back:
        texts = request.app[CONSOLE].texts
        return redirect(request, back.page, Flash(
            said(texts, back.refusal), "refused", tuple(problems(texts, back.refusal))))
    except DomainError as exc:
        return refused(request, request.app[CONSOLE].texts.error(exc), http_status(exc))
    except Exception as exc:  # the last line: never a 500 for a value
        if not bad_value(exc):
            raise
        log.warning("a value the database cannot take on %s: %s", request.path,
                    type(exc).__name__)
        return refused(request, request.app[CONSOLE].texts.error(
            BadInput("api.invalid_value")), 400)
