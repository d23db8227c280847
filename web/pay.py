"""The fee's QR code on a PC screen: `/pay/{kind}/{ref_id}?t=<signed personal link>`.

Opening the page reuses the open order (or makes a new one when it is older than 110
minutes); the page asks `/status` every few seconds and says so once the fee is paid."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from services.common.clock import china_time
from services.common.errors import DomainError
from services.common.links import LinkError
from services.common.qr import qr_svg
from services.payments import PAY_LINK, FeeItem
from web.context import DOMAIN, TEXTS
from web.pages import add_page, bad_link, render


async def _item(request: web.Request) -> tuple[int, FeeItem] | None:
    payments = request.app[DOMAIN].payments
    kind, ref = request.match_info["kind"], request.match_info["ref_id"]
    try:
        person_id = payments.links.verify(PAY_LINK, f"{kind}:{ref}", request.query.get("t", ""))
        return person_id, await payments.item(person_id, kind, int(ref))
    except (LinkError, DomainError, ValueError):
        return None


async def page(request: web.Request) -> web.Response:
    found = await _item(request)
    if found is None:
        return bad_link(request, "pay")
    person_id, item = found
    payments = request.app[DOMAIN].payments
    now = datetime.now(UTC)
    if item.paid_at is not None:
        return render(request, "pay.html", item=item, paid=True,
                      paid_at=china_time(item.paid_at))
    checkout = await payments.checkout(person_id, item, now)
    assert checkout.order.code_url is not None
    return render(request, "pay.html", item=item, paid=False,
                  qr=await qr_svg(checkout.order.code_url, box_size=8),
                  deadline=china_time(checkout.deadline), order_no=checkout.order.out_trade_no,
                  token=request.query.get("t", ""))


async def status(request: web.Request) -> web.Response:
    found = await _item(request)
    if found is None:
        return web.json_response({"error": request.app[TEXTS].render("web/bad_link_title.j2")},
                                 status=403)
    _, item = found
    return web.json_response({"paid": item.paid_at is not None,
                              "paid_at": china_time(item.paid_at) if item.paid_at else None})


def setup_pay_pages(app: web.Application) -> None:
    add_page(app, "GET", "/pay/{kind}/{ref_id}", page)
    app.router.add_get("/pay/{kind}/{ref_id}/status", status)
