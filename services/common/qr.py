"""QR images (qrcode), rendered off the event loop."""

from __future__ import annotations

import asyncio
import io

import qrcode


def _png(text: str) -> bytes:
    image = qrcode.make(text, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


async def qr_png(text: str) -> bytes:
    """A PNG of `text` as a QR code (rendered in a worker thread)."""
    return await asyncio.to_thread(_png, text)


def qr_svg_sync(text: str, box_size: int = 6) -> str:
    """An inline SVG of `text` as a QR code (call from a worker thread)."""
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=box_size,
                        border=1)
    return str(image.to_string(encoding="unicode"))


async def qr_svg(text: str, box_size: int = 6) -> str:
    return await asyncio.to_thread(qr_svg_sync, text, box_size)
