"""Sign-in by password or by SMS code, with the API's own rules (services/people/binding.py: the
password policy, lockout after failures, codes that expire), the forced change of an
initial password, and sign-out."""

from __future__ import annotations

import hashlib

from aiohttp import web

from console.app import (
    PageTable,
    cookie,
    now,
    person_of,
    redirect,
    render,
    see_other,
    visitor,
)
from console.context import CONSOLE
from console.sessions import SESSION_COOKIE, password_stamp
from models.people import Person, Role
from services.audit import SignInHow
from services.common.errors import DomainError
from services.common.pii import mask_text
from services.people import LOGIN

pages = PageTable()


def browser_actor(request: web.Request) -> str:
    """Who asks, for lockout and for the SMS code: this browser."""
    return "console:" + hashlib.sha256(visitor(request).pre.encode()).hexdigest()[:24]


def _next(request: web.Request) -> str:
    target = request.query.get("next", "")
    return target if target.startswith("/console/") and "//" not in target else "/console/home"


def sign_in_form(request: web.Request, tab: str = "password", error: str | None = None,
          notice: str | None = None, status: int = 200) -> web.Response:
    """The sign-in page; what was typed is not echoed back (phones and ID numbers are masked
    on every page, and a masked value sent again could not sign in)."""
    return render(request, "sign_in.html", status=status, tab=tab, error=error, notice=notice,
                  next=_next(request),
                  unified=request.app[CONSOLE].domain.unified_identity.on)


async def audit_sign_in(request: web.Request, action: str, person: Person | None = None,
                 **detail: str) -> None:
    """Sign-in, a refused sign-in and sign-out into the audit trail (the browser by its
    hashed marker, a typed account masked)."""
    await request.app[CONSOLE].domain.audit.append(
        action, now(request), person_id=person.id if person else 0,
        name=person.name if person else "", browser=browser_actor(request)[8:20], **detail)


async def signed_in(request: web.Request, person: Person, how: SignInHow
                     ) -> web.Response:
    await audit_sign_in(request, "sign_in", person, how=how)
    services = request.app[CONSOLE]
    sessions = services.sessions
    if (old := visitor(request).session) is not None:  # signing in again: one session
        await sessions.drop(old.token)
    roles = {Role(g.role) for g in await services.domain.people.active_roles(
        person.id, now(request))}
    second = not roles & services.second_factor_roles  # else: only its page until given
    session = await sessions.create(person.id, password_stamp(person), second, how)
    response = see_other("/console/second-factor" if not second else
                         _next(request) if not person.must_change_password
                         else "/console/password")
    cookie(request, response, SESSION_COOKIE, session.token)
    return response


@pages.get("/", open_=True)
async def root(request: web.Request) -> web.Response:
    return see_other("/console/home" if visitor(request).person else "/console/sign-in")


@pages.get("/sign-in", open_=True)
async def sign_in_page(request: web.Request) -> web.Response:
    return sign_in_form(request, tab=request.query.get("tab", "password"))


@pages.post("/sign-in", open_=True)
async def sign_in(request: web.Request) -> web.Response:
    form = await request.post()
    account, password = str(form.get("account", "")), str(form.get("password", ""))
    try:
        person = await request.app[CONSOLE].domain.binding.password_login(
            browser_actor(request), account, password)
        await request.app[CONSOLE].domain.unified_identity.must_use_platform(
            person, now(request))
    except DomainError as exc:
        await audit_sign_in(request, "sign_in_failed", how="password",
                            account=mask_text(account)[:24], refusal=exc.code)
        return sign_in_form(request, error=request.app[CONSOLE].texts.error(exc), status=400)
    return await signed_in(request, person, "password")


@pages.post("/sign-in/code", open_=True)
async def send_code(request: web.Request) -> web.Response:
    form = await request.post()
    phone = str(form.get("phone", ""))
    texts = request.app[CONSOLE].texts
    try:
        await request.app[CONSOLE].domain.binding.start_sms_login(browser_actor(request), phone)
    except DomainError as exc:
        return sign_in_form(request, "sms", error=texts.error(exc), status=400)
    return sign_in_form(request, "sms", notice=texts.render("console/code_sent.j2"))


@pages.post("/sign-in/sms", open_=True)
async def sign_in_sms(request: web.Request) -> web.Response:
    form = await request.post()
    try:
        person = await request.app[CONSOLE].domain.binding.confirm(
            browser_actor(request), str(form.get("code", "")), LOGIN)
        await request.app[CONSOLE].domain.unified_identity.must_use_platform(
            person, now(request))
    except DomainError as exc:
        await audit_sign_in(request, "sign_in_failed", how="sms", refusal=exc.code)
        return sign_in_form(request, "sms", error=request.app[CONSOLE].texts.error(exc),
                            status=400)
    return await signed_in(request, person, "sms")


def _expired(request: web.Request) -> int | None:
    """The password's days when it has expired (the forced change says so), else None."""
    seen, days = visitor(request), request.app[CONSOLE].password_days
    person = person_of(request)
    callers = request.app[CONSOLE].domain.callers
    if callers.password_expired(person, seen.roles, now(request), days):
        return days
    return None


@pages.get("/password")
async def password_page(request: web.Request) -> web.Response:
    return render(request, "password.html", forced=person_of(request).must_change_password,
                  expired=_expired(request))


@pages.post("/password")
async def change_password(request: web.Request) -> web.Response:
    form = await request.post()
    person = person_of(request)
    services = request.app[CONSOLE]
    try:
        await services.domain.binding.change_password(
            browser_actor(request), person, str(form.get("old_password", "")),
            str(form.get("new_password", "")))
    except DomainError as exc:
        return render(request, "password.html", status=400, error=services.texts.error(exc),
                      forced=person.must_change_password, expired=_expired(request))
    # every session opened under the old password has ended, this one too: a new one here
    old = visitor(request).session
    assert old is not None
    await services.sessions.drop(old.token)
    session = await services.sessions.create(person.id, password_stamp(person))
    response = redirect(request, "/console/home",
                        services.texts.render("console/password_changed.j2"))
    cookie(request, response, SESSION_COOKIE, session.token)
    return response


@pages.post("/sign-out")
async def sign_out(request: web.Request) -> web.Response:
    seen = visitor(request)
    if seen.session is not None:
        await request.app[CONSOLE].sessions.drop(seen.session.token)
        await audit_sign_in(request, "sign_out", seen.person)
    response = redirect(request, "/console/sign-in",
                        request.app[CONSOLE].texts.render("console/signed_out.j2"))
    response.del_cookie(SESSION_COOKIE, path="/console")
    return response
