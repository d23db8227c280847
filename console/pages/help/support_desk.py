"""The 客服工作台: the people waiting for a human, a conversation with its reply form, and
closing it (the reply reaches the asker in chat, or by template message or SMS); one who
asked by SMS is called back, on the number read in full here."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text
from miniapp_api.routes.help import support

pages = PageTable()


@pages.get("/support", uses=support.tickets)
async def tickets(request: web.Request) -> web.Response:
    state = request.query.get("state", "")
    calls = api(request)
    listed = await calls.call(support.tickets, calls.fields(
        support.TicketQuery, {"state": state} if state in ("queued", "answered", "closed")
        else {}))
    return render(request, "support.html", tickets=listed.tickets, state=state)


@pages.get("/support/{ticket_id}", uses=support.ticket)
async def ticket(request: web.Request) -> web.Response:
    found = await api(request).call(support.ticket, path=request.match_info)
    return render(request, "support_ticket.html", ticket=found)


@pages.post("/support/{ticket_id}/reply", uses=support.reply)
async def reply(request: web.Request) -> web.Response:
    form = await request.post()
    back = f"/console/support/{request.match_info['ticket_id']}"
    calls = api(request, back=back)
    await calls.call(support.reply, calls.fields(support.ReplyIn, {"text": text(form, "text")}),
                     path=request.match_info)
    return redirect(request, back, done(request, "support_replied"))


@pages.post("/support/{ticket_id}/callback-number", uses=support.callback_number)
async def callback_number(request: web.Request) -> web.Response:
    """The number to call back on a page of its own (never in a cookie or an address); the
    API logs each reading (个人信息访问记录: whose, the number in full, for the call)."""
    back = f"/console/support/{request.match_info['ticket_id']}"
    found = await api(request, back=back).call(support.callback_number,
                                               path=request.match_info)
    return render(request, "support_callback.html", number=found.number, back=back)


@pages.post("/support/{ticket_id}/close", uses=support.close)
async def close(request: web.Request) -> web.Response:
    calls = api(request, back=f"/console/support/{request.match_info['ticket_id']}")
    await calls.call(support.close, path=request.match_info)
    return redirect(request, "/console/support", done(request, "support_closed"))
