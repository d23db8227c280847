"""The agency's legal person (GD-DRAW: 法人关联经办人): the handlers acting for the agency,
one linked by phone for a period (the person registered first), one unlinked."""

from __future__ import annotations

from aiohttp import web

from console.app import api, done, page, redirect, render
from console.forms import text, when
from miniapp_api.routes.people import agency
from miniapp_api.schemas import HandlerLinkIn


@page("GET", "/handlers", uses=agency.list_handlers)
async def handlers(request: web.Request) -> web.Response:
    listed = await api(request).call(agency.list_handlers)
    return render(request, "handlers.html", agency=listed.agency, members=listed.members)


@page("POST", "/handlers", uses=agency.link_handler)
async def link(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back="/console/handlers")
    made = await calls.call(agency.link_handler, calls.fields(HandlerLinkIn, {
        "phone": text(form, "phone"), "valid_until": when(form, "valid_until")}))
    return redirect(request, "/console/handlers", done(request, "handler_linked", name=made.name))


@page("POST", "/handlers/{grant_id}/unlink", uses=agency.unlink_handler)
async def unlink(request: web.Request) -> web.Response:
    done = await api(request, back="/console/handlers").call(agency.unlink_handler,
                                                             path=request.match_info)
    return redirect(request, "/console/handlers", done.message)
