"""The agency's legal person (seed 004: 法人关联经办人): the handlers acting for the agency,
one linked by phone for a period (the person registered first), one unlinked."""

from __future__ import annotations

from aiohttp import web

from console.app import act, page, person_of, redirect, render
from console.context import CONSOLE
from console.forms import text, when

HANDLERS = ("GET", "/agency/handlers")
LINK = ("POST", "/agency/handlers")
UNLINK = ("DELETE", "/agency/handlers/{grant_id}")


@page("GET", "/handlers", uses=HANDLERS)
async def handlers(request: web.Request) -> web.Response:
    listed = await request.app[CONSOLE].endpoints.call(request, person_of(request), *HANDLERS)
    return render(request, "handlers.html", agency=listed.agency, members=listed.members)


@page("POST", "/handlers", uses=LINK)
async def link(request: web.Request) -> web.Response:
    form = await request.post()
    made = await act(request, "/console/handlers", *LINK, body={
        "phone": text(form, "phone"), "valid_until": when(form, "valid_until")})
    return redirect(request, "/console/handlers", f"已关联经办人 {made.name}。")


@page("POST", "/handlers/{grant_id}/unlink", uses=UNLINK)
async def unlink(request: web.Request) -> web.Response:
    done = await act(request, "/console/handlers", *UNLINK, params=dict(request.match_info))
    return redirect(request, "/console/handlers", done.message)
