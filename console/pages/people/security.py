"""The security administrator's pages (安全管理员; GB/T 22239-2019 level 3's separation of
administrators): find a desk person by phone or ID number, see whether they have enrolled an
authenticator app and whether their account is locked, reset the second factor after a lost
phone, unlock the account. Only the security administrator's role admits to them."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text
from miniapp_api.routes.people import security as admin_security
from miniapp_api.schemas import PeopleQuery

pages = PageTable()

BACK = "/console/security"


@pages.get("/security", uses=admin_security.find_standing)
async def security(request: web.Request) -> web.Response:
    return render(request, "security.html", found=None,
                  policy=await api(request).call(admin_security.policy))


@pages.post("/security/find", uses=admin_security.find_standing)
async def find(request: web.Request) -> web.Response:
    """Found by a number typed into a form, never one in an address
    (console/pages/admin/desk.py)."""
    key = text(await request.post(), "key")
    calls = api(request, back=BACK)
    found = await calls.call(admin_security.find_standing, calls.fields(
        PeopleQuery, {"id_number": key} if len(key) == 18 else {"phone": key}))
    return render(request, "security.html", found=found.people,
                  policy=await calls.call(admin_security.policy))


@pages.post("/security/{person_id}/second-factor/reset",
            uses=admin_security.reset_second_factor)
async def reset(request: web.Request) -> web.Response:
    done_for = await api(request, back=BACK).call(admin_security.reset_second_factor,
                                                  path=request.match_info)
    return redirect(request, BACK, done(request, "second_factor_reset", name=done_for.name))


@pages.post("/security/{person_id}/unlock", uses=admin_security.unlock)
async def unlock(request: web.Request) -> web.Response:
    done_for = await api(request, back=BACK).call(admin_security.unlock,
                                                  path=request.match_info)
    return redirect(request, BACK, done(request, "unlocked", name=done_for.name))
