"""The agency's legal person (GD-DRAW: 法人关联经办人): the handlers acting for the agency and
the links waiting for an answer or refused, a link asked by phone for a period (the person
registered first), one ended; and the person's side (个人账户进入账户管理处理关联申请): a
request accepted or refused from the front page."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render, visitor
from console.context import CONSOLE
from console.forms import text, when
from miniapp_api.routes.people import agency
from miniapp_api.schemas import HandlerLinkIn

pages = PageTable()


@pages.get("/handlers", uses=agency.list_handlers)
async def handlers(request: web.Request) -> web.Response:
    listed = await api(request).call(agency.list_handlers)
    return render(request, "handlers.html", agency=listed.agency, members=listed.members)


@pages.post("/handlers", uses=agency.link_handler)
async def link(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back="/console/handlers")
    made = await calls.call(agency.link_handler, calls.fields(HandlerLinkIn, {
        "phone": text(form, "phone"), "valid_until": when(form, "valid_until")}))
    return redirect(request, "/console/handlers", done(request, "handler_linked", name=made.name))


@pages.post("/handlers/{grant_id}/unlink", uses=agency.unlink_handler)
async def unlink(request: web.Request) -> web.Response:
    done = await api(request, back="/console/handlers").call(agency.unlink_handler,
                                                             path=request.match_info)
    return redirect(request, "/console/handlers", done.message)


@pages.post("/link-requests/{grant_id}/{answer}", uses=agency.accept_link)
async def answer(request: web.Request) -> web.Response:
    """The person's answer to a legal person's link request, from the front page."""
    handler = {"accept": agency.accept_link, "refuse": agency.refuse_link}.get(
        request.match_info["answer"])
    if handler is None:
        raise web.HTTPNotFound()
    answered = await api(request, back="/console/home").call(
        handler, path={"grant_id": request.match_info["grant_id"]})
    what = "link_accepted" if answered.state == "accepted" else "link_refused"
    return redirect(request, "/console/home", done(request, what, agency=answered.agency.name))


@pages.post("/acting", uses=agency.choose_agency)
async def choose(request: web.Request) -> web.Response:
    """Whom this sign-in acts for, for a person of several agencies (GD-DRAW: 登录后选择以
    经办企业的身份进入系统): checked by the API, kept in the console session."""
    form = await request.post()
    calls = api(request, back="/console/home")
    chosen = await calls.call(agency.choose_agency, calls.fields(agency.ActingIn, {
        "agency_id": text(form, "agency_id")}))
    session = visitor(request).session
    assert session is not None and chosen.acting is not None  # a signed-in page
    await request.app[CONSOLE].sessions.set_acting(session.token, chosen.acting)
    name = next(c.agency.name for c in chosen.choices if c.agency_id == chosen.acting)
    return redirect(request, "/console/home", done(request, "acting", agency=name))
