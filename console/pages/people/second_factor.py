"""The second factor of a desk sign-in (GB/T 22239-2019 level 3: two or more factors for
administrators; DESK_2FA_ROLES): after the password, a code from an authenticator app (TOTP)
or a one-time recovery code. The first time, the person enrols: scans the QR code, types the
code it shows, and is shown the 8 recovery codes once. Five wrong codes end the sign-in; ten
about one person, over every sign-in, lock the second factor for 30 minutes (a password that
checks out does not start the count again)."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, cookie, now, redirect, render, see_other, visitor
from console.context import CONSOLE
from console.pages.people.auth import browser_actor
from console.sessions import SESSION_COOKIE, password_stamp
from services.common.errors import BadInput, DomainError, Locked
from services.common.pii import mask_phone
from services.common.qr import qr_svg
from services.people import SECOND_FACTOR

pages = PageTable()

MAX_FAILURES = 5


@pages.get("/second-factor")
async def second_factor_page(request: web.Request) -> web.Response:
    seen = visitor(request)
    if seen.session is None or seen.person is None:
        return see_other("/console/sign-in")
    if seen.session.second:
        return see_other("/console/home")
    return await _form(request)


async def _form(request: web.Request, error: str | None = None, status: int = 200,
                notice: str | None = None) -> web.Response:
    seen = visitor(request)
    assert seen.session is not None and seen.person is not None
    services = request.app[CONSOLE]
    factor = services.domain.second_factor
    # after a password, an SMS code to the phone on record may stand in (not after an SMS)
    sms = seen.session.first == "password"
    if await factor.enrolled(seen.person.id):
        return render(request, "second_factor.html", status=status, error=error, enrol=None,
                      sms=sms, notice=notice)
    secret = await services.sessions.enrolling(seen.session.token) or \
        await services.sessions.enrolling(seen.session.token, factor.new_secret())
    assert secret is not None
    return render(request, "second_factor.html", status=status, error=error, sms=sms,
                  notice=notice, enrol={
                      "qr": await qr_svg(factor.uri(secret, seen.person), 5),
                      "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))})


@pages.post("/second-factor")
async def second_factor(request: web.Request) -> web.Response:
    seen = visitor(request)
    if seen.session is None or seen.person is None or seen.session.second:
        return see_other("/console/home")
    services = request.app[CONSOLE]
    form = await request.post()
    code = str(form.get("code", ""))[:32]
    moment = now(request)
    audit = services.domain.audit
    codes: list[str] = []
    lockout = services.domain.binding.codes.lockout
    guard = (lockout.second_factor_party(seen.person.id),)
    try:
        attempt = await lockout.reserve(guard)
    except Locked as exc:  # too many wrong codes for this person, whichever sign-in
        await services.sessions.drop(seen.session.token)
        return redirect(request, "/console/sign-in", services.texts.error(exc))
    assert attempt is not None  # no guard key
    try:
        if form.get("via") == "sms" and seen.session.first == "password":
            confirmed = await services.domain.binding.confirm(browser_actor(request), code,
                                                              SECOND_FACTOR)
            if confirmed.id != seen.person.id:
                raise BadInput("second_factor.wrong_code")
            how = "sms"
        elif await services.domain.second_factor.enrolled(seen.person.id):
            how = await services.domain.second_factor.check(seen.person, code, moment)
        else:
            secret = await services.sessions.enrolling(seen.session.token)
            if secret is None:
                return see_other("/console/second-factor")
            codes = await services.domain.second_factor.enrol(seen.person, secret, code, moment)
            how = "enrolled"
    except DomainError as exc:
        failures = await services.sessions.second_failure(seen.session.token)
        await audit.append("second_factor_failed", moment, person_id=seen.person.id,
                           name=seen.person.name, failures=failures)
        try:
            await lockout.failed(attempt, guard)
        except Locked as locked:
            await services.sessions.drop(seen.session.token)
            return redirect(request, "/console/sign-in", services.texts.error(locked))
        if failures >= MAX_FAILURES:
            await services.sessions.drop(seen.session.token)
            return redirect(request, "/console/sign-in",
                            services.texts.render("console/second_factor_locked.j2"))
        return await _form(request, services.texts.error(exc), 400)
    await lockout.clear(guard)
    await audit.append("second_factor", moment, person_id=seen.person.id, name=seen.person.name,
                       how=how)
    # the whole sign-in done: a new session (its token never seen before the second factor)
    await services.sessions.drop(seen.session.token)
    session = await services.sessions.create(seen.person.id, password_stamp(seen.person))
    after = "/console/password" if seen.person.must_change_password else "/console/home"
    response = render(request, "recovery_codes.html", codes=codes, after=after) if codes \
        else see_other(after)
    cookie(request, response, SESSION_COOKIE, session.token)
    return response


@pages.post("/second-factor/sms")
async def send_sms(request: web.Request) -> web.Response:
    """A code to the phone on record instead of the app's (after a password only)."""
    seen = visitor(request)
    if seen.session is None or seen.person is None or seen.session.second or \
            seen.session.first != "password":
        return see_other("/console/second-factor")
    services = request.app[CONSOLE]
    try:
        await services.domain.binding.start_second_factor(browser_actor(request), seen.person)
    except DomainError as exc:
        return await _form(request, services.texts.error(exc), 400)
    return await _form(request, notice=services.texts.render(
        "console/second_factor_sms_sent.j2", phone=mask_phone(seen.person.phone)))
