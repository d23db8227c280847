"""Continuing-education certificates: a page, an image (PNG, and the SVG the page shows) and
a PDF for the holder (signed link), each with a QR code to the public check page."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Mapping

import qrcode
from aiohttp import web

from services.common.qr import qr_svg_sync
from services.documents import Documents
from services.education import Certificate
from web.certificate_png import certificate_png
from web.context import DOMAIN, PAGES, TEXTS
from web.pages import add_page, bad_link, render


def masked_name(name: str) -> str:
    """李*国: enough to recognise, not enough to collect."""
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


async def _load(request: web.Request, public: bool = False) -> Certificate | None:
    """The certificate of the link: the holder's (its token `t`), or, `public`, anyone's
    checking it (its check code `c`)."""
    proof = request.query.get("c" if public else "t", "")
    return await request.app[DOMAIN].education.shown_certificate(request.match_info["no"],
                                                                 proof, public)


async def page(request: web.Request) -> web.Response:
    cert = await _load(request)
    if cert is None:
        return bad_link(request, "certificate")
    svg = await asyncio.to_thread(_svg, request, cert)
    token = request.query.get("t", "")
    return render(request, "certificate.html", cert=cert, svg=svg, token=token)


def _svg(request: web.Request, cert: Certificate) -> str:
    qr = qr_svg_sync(cert.verify_url)
    return request.app[PAGES].get_template("certificate.svg").render(cert=cert, qr=qr)


async def image(request: web.Request) -> web.Response:
    cert = await _load(request)
    if cert is None:
        return bad_link(request, "certificate")
    svg = await asyncio.to_thread(_svg, request, cert)
    return web.Response(text=svg, content_type="image/svg+xml", headers={
        "Content-Disposition": f'inline; filename="{cert.no}.svg"'})


PIECES = ("title", "spaced_title", "file_title", "to", "paragraph", "line1", "line2", "no",
          "issued", "scan")


def _said(request: web.Request, cert: Certificate) -> dict[str, str]:
    """The certificate's words, each part (texts/documents/certificate.j2)."""
    texts = request.app[TEXTS]
    return {piece: texts.render("documents/certificate.j2", piece=piece, cert=cert)
            for piece in PIECES}


def _pdf(cert: Certificate, said: Mapping[str, str], documents: Documents) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    # a standard CJK font every PDF reader supplies: nothing to embed or ship
    documents.pdf.cjk_font()
    buf = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buf, pagesize=(width, height))
    pdf.setTitle(said["file_title"])
    pdf.setLineWidth(3)
    pdf.rect(30, 30, width - 60, height - 60)
    pdf.setFont("STSong-Light", 34)
    pdf.drawCentredString(width / 2, height - 120, said["title"])
    pdf.setFont("STSong-Light", 18)
    lines = [said["to"], said["line1"], said["line2"]]
    for i, line in enumerate(lines):
        pdf.drawString(90, height - 200 - i * 40, line)
    pdf.setFont("STSong-Light", 14)
    pdf.drawString(90, 90, said["no"])
    pdf.drawRightString(width - 90, 90, said["issued"])
    qr = qrcode.make(cert.verify_url, box_size=4, border=1)
    png = io.BytesIO()
    qr.save(png, "PNG")
    png.seek(0)
    pdf.drawImage(ImageReader(png), width - 200, height - 250, 120, 120)
    pdf.drawCentredString(width - 140, height - 270, said["scan"])
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


async def download(request: web.Request) -> web.Response:
    cert = await _load(request)
    if cert is None:
        return bad_link(request, "certificate")
    body = await asyncio.to_thread(_pdf, cert, _said(request, cert),
                                   request.app[DOMAIN].documents)
    return web.Response(body=body, content_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{cert.no}.pdf"'})


async def picture(request: web.Request) -> web.Response:
    """下载图片 (XJ-CE): the certificate as a PNG to keep or send on."""
    cert = await _load(request)
    if cert is None:
        return bad_link(request, "certificate")
    body = await asyncio.to_thread(certificate_png, cert, _said(request, cert),
                                   request.app[DOMAIN].documents)
    return web.Response(body=body, content_type="image/png", headers={
        "Content-Disposition": f'attachment; filename="{cert.no}.png"'})


async def verify(request: web.Request) -> web.Response:
    cert = await _load(request, public=True)
    if cert is None:
        return render(request, "verify.html", status=404, cert=None)
    return render(request, "verify.html", cert=cert, holder=masked_name(cert.name))


def setup_certificates(app: web.Application) -> None:
    add_page(app, "GET", "/certificates/{no}", page)
    add_page(app, "GET", "/certificates/{no}/image.svg", image)
    add_page(app, "GET", "/certificates/{no}/certificate.pdf", download)
    add_page(app, "GET", "/certificates/{no}/certificate.png", picture)
    add_page(app, "GET", "/verify/certificates/{no}", verify)
