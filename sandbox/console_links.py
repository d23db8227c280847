"""The sandbox's doors into the signed-in parts: a mini-program login code for any
user (`/sandbox/api/login-code`, as `wx.login()` would give the mini-program), so the
simulator, outside tests and the mini-program's developers can call the API as any role; and
the console opened signed in as a demo user (`/sandbox/console-as?key=handler`)."""

from __future__ import annotations

import json

from aiohttp import web

from models.people import Person, phone_is
from sandbox.context import SANDBOX
from sandbox.platform import Platform
from services.demo import DEMO_PEOPLE

PLATFORM = web.AppKey("sandbox_login_platform", Platform)


async def login_code(request: web.Request) -> web.Response:
    """GET ?openid=… or POST {"openid": …}: {"code": …}, good once with /auth/login."""
    openid = request.query.get("openid", "")
    if request.method == "POST":
        try:
            body = json.loads(await request.read() or b"{}")
        except ValueError:
            body = {}
        openid = str(body.get("openid", "")) if isinstance(body, dict) else ""
    if not 1 <= len(openid) <= 64:
        return web.json_response({"error": "openid", "message": "请提供小程序用户的 openid，"
                                  "如演示用户 mp_demo_handler"}, status=400,
                                 dumps=lambda d: json.dumps(d, ensure_ascii=False))
    return web.json_response({"code": request.app[PLATFORM].login_code(openid),
                              "openid": openid})


async def console_as(request: web.Request) -> web.Response:
    """Open the console signed in as a demo user (by key: handler, verifier, admin, …)."""
    demo = next((d for d in DEMO_PEOPLE if d.key == request.query.get("key")), None)
    person = await Person.filter(phone_is(demo.phone)).first() if demo else None
    sign_in = request.config_dict[SANDBOX].console_sign_in
    if person is None or sign_in is None:
        raise web.HTTPNotFound(text="没有这个演示用户（key 如 handler、verifier、admin）")
    cookie, token = await sign_in(person)
    response = web.Response(status=303, headers={"Location": "/console/home"})
    response.set_cookie(cookie, token, path="/console", httponly=True, samesite="Lax")
    return response


def setup_console_links(sub: web.Application, platform: Platform) -> None:
    sub[PLATFORM] = platform
    sub.router.add_route("GET", "/api/login-code", login_code)
    sub.router.add_route("POST", "/api/login-code", login_code)
    sub.router.add_get("/console-as", console_as)
