"""A continuing-education certificate as a PNG image (XJ-CE: "也可点击【下载图片】或【下载
pdf】进行下载"): the same certificate as the SVG on the page and the PDF, drawn with Pillow
at twice the SVG's size (1684 × 1190, A4 landscape at about 144 dpi), with the QR code to
the public check page."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import TYPE_CHECKING

import qrcode

from services.documents import Documents
from services.education import Certificate

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

SCALE = 2
WIDTH, HEIGHT = 842 * SCALE, 595 * SCALE
NO_LINE_START = "」）》，。、：；！？"
RIGHT = 620 * SCALE  # where the text stops, short of the QR code
PAPER, GOLD, RED, INK, GREY = "#fffdf5", "#b8860b", "#8b0000", "#222222", "#555555"


def certificate_png(cert: Certificate, said: Mapping[str, str],
                    documents: Documents) -> bytes:
    """The PNG's bytes, its words `said` (texts/documents/certificate.j2; Unavailable where
    the machine has no CJK font), in the font `documents` draws images in."""
    from PIL import Image, ImageDraw

    def font(size: int) -> FreeTypeFont:
        return documents.raster.cjk_image_font(size * SCALE)

    title, body, small = font(40), font(20), font(16)
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10 * SCALE, 10 * SCALE, 832 * SCALE, 585 * SCALE), fill=PAPER,
                   outline=GOLD, width=6 * SCALE)
    draw.rectangle((24 * SCALE, 24 * SCALE, 818 * SCALE, 571 * SCALE), outline=GOLD,
                   width=int(1.5 * SCALE))
    draw.text((WIDTH // 2, 110 * SCALE), said["spaced_title"], font=title, fill=RED,
              anchor="ms")
    draw.text((90 * SCALE, 200 * SCALE), said["to"], font=font(22), fill=INK,
              anchor="ls")
    text = said["paragraph"]
    y, left = 250 * SCALE, 130 * SCALE  # the paragraph's first line indented, left of the QR
    while text:
        fits = len(text)
        while fits > 1 and draw.textlength(text[:fits], font=body) > RIGHT - left:
            fits -= 1
        while 1 < fits < len(text) and text[fits] in NO_LINE_START:
            fits -= 1  # a closing mark never starts a line: its word goes down with it
        draw.text((left, y), text[:fits], font=body, fill=INK, anchor="ls")
        text, y, left = text[fits:], y + 40 * SCALE, 90 * SCALE
    draw.text((90 * SCALE, 520 * SCALE), said["no"], font=small, fill=INK,
              anchor="ls")
    draw.text((752 * SCALE, 520 * SCALE), said["issued"], font=small, fill=INK,
              anchor="rs")
    code = qrcode.make(cert.verify_url, box_size=8, border=1).get_image().convert("RGB")
    side = 130 * SCALE
    image.paste(code.resize((side, side)), (640 * SCALE, 170 * SCALE))
    draw.text((705 * SCALE, 345 * SCALE), said["scan"], font=small, fill=GREY, anchor="ms")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
