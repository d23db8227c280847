"""Agencies sign in through the province's unified identity platform (where the deployment has
one, UNIFIED_IDENTITY): the console sends the browser to the platform with a state, a nonce
and a PKCE challenge kept in a signed cookie of this browser; the platform sends it back with a
code, exchanged for the verified person and level (services/people/verifiers/unified_identity.py); a
refusal says why and, below 四级, how to raise the level."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets

from aiohttp import web

from console.app import PageTable, cookie, now, see_other
from console.context import CONSOLE
from console.pages.people.auth import audit_sign_in, sign_in_form, signed_in
from console.signed import same, sign, unsign
from services.common.errors import DomainError

pages = PageTable()
FLOW_COOKIE = "eb_idp"
FLOW_SECONDS = 600  # the platform's sign-in page open this long at most


@pages.get("/sign-in/unified", open_=True)
async def start(request: web.Request) -> web.Response:
    services = request.app[CONSOLE]
    platform = services.domain.unified_identity.platform
    if platform is None:
        raise web.HTTPNotFound()
    try:
        await platform.prepare()
    except DomainError as exc:
        return sign_in_form(request, error=services.texts.error(exc), status=503)
    state, nonce, verifier = (secrets.token_urlsafe(24) for _ in range(3))
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()
                                         ).rstrip(b"=").decode()
    response = see_other(platform.authorize_url(state, nonce, challenge))
    cookie(request, response, FLOW_COOKIE, sign(services.secret, json.dumps(
        {"s": state, "n": nonce, "v": verifier})), max_age=FLOW_SECONDS)
    return response


@pages.get("/sign-in/unified/done", open_=True)
async def done(request: web.Request) -> web.Response:
    services = request.app[CONSOLE]
    unified = services.domain.unified_identity
    if unified.platform is None:
        raise web.HTTPNotFound()
    raw = unsign(services.secret, request.cookies.get(FLOW_COOKIE, ""), 512)
    flow = json.loads(raw) if raw else {}
    code, state = request.query.get("code", "")[:512], request.query.get("state", "")[:128]
    try:
        if not flow or not code or not same(state, str(flow.get("s", ""))):
            raise DomainError("identity.flow_lost")
        verified = await unified.platform.exchange(code, str(flow["v"]), str(flow["n"]))
        person = await unified.admit(verified, now(request))
    except DomainError as exc:
        await audit_sign_in(request, "sign_in_failed", how="unified", refusal=exc.code)
        response = sign_in_form(request, error=services.texts.error(exc), status=403)
        response.del_cookie(FLOW_COOKIE, path="/console")
        return response
    response = await signed_in(request, person, "unified")
    response.del_cookie(FLOW_COOKIE, path="/console")
    return response
