"""`GET /invoices/<fapiao_id>.<pdf|ofd>?t=...`: the payer's e-invoice file, from the link in
the push and the mini-program (signed for that payer, LINK_DAYS). A reversed invoice is
still served: the payer may need it for the red invoice's record."""

from __future__ import annotations

from aiohttp import web

from services.common.links import LinkError
from web.context import DOMAIN
from web.pages import add_page, bad_link

TYPES = {"pdf": "application/pdf", "ofd": "application/ofd"}


async def invoice_file(request: web.Request) -> web.Response:
    fapiao_id, ext = request.match_info["fapiao_id"], request.match_info["ext"]
    domain = request.app[DOMAIN]
    found = await domain.einvoices.with_file(fapiao_id[:32], ext)
    if found is None:
        return bad_link(request, "invoice")
    item, payer_id = found
    try:
        if domain.links.verify("invoice", fapiao_id, request.query.get("t", "")) != payer_id:
            return bad_link(request, "invoice")
    except LinkError:
        return bad_link(request, "invoice")
    assert item.file_key is not None
    body = await domain.files.get(item.file_key)
    return web.Response(body=body, content_type=TYPES[ext], headers={
        "Content-Disposition": f'attachment; filename="fapiao-{item.number}.{ext}"',
        "Cache-Control": "private, no-store"})


def setup_invoice_files(app: web.Application) -> None:
    add_page(app, "GET", r"/invoices/{fapiao_id:FP[0-9]{14}}.{ext:pdf|ofd}", invoice_file)
