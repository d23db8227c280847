"""Images with Chinese in them (a certificate's 下载图片, XJ-CE: "也可点击【下载图片】或【下载
pdf】进行下载"): unlike a PDF, whose reader supplies the CJK font, an image is drawn here, so
it needs a CJK font file on the machine. The usual Linux packages are looked for in turn
(Debian's fonts-noto-cjk, fonts-wqy-zenhei / -microhei, fonts-arphic-uming; Fedora's
google-noto-cjk); the container image installs fonts-wqy-zenhei."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from services.common.errors import Unavailable

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


@functools.cache
def _font_file() -> tuple[str, int] | None:
    """The first CJK font file found, and the face in it that is Simplified Chinese."""
    from PIL import ImageFont

    for path in FONT_FILES:
        if not Path(path).is_file():
            continue
        for index in range(10):  # a collection: prefer its SC face
            try:
                face = ImageFont.truetype(path, 12, index=index)
            except OSError:
                break
            if "SC" in " ".join(part or "" for part in face.getname()):
                return path, index
        return path, 0
    return None


class Rasters:
    """The images documents are drawn as, in the machine's CJK font (the part `raster` of
    Documents)."""

    @staticmethod
    def cjk_image_font(size: int) -> FreeTypeFont:
        """A Pillow font with Chinese glyphs at `size` pixels; Unavailable
        (`course.certificate_image`) where the machine has none."""
        from PIL import ImageFont

        found = _font_file()
        if found is None:
            raise Unavailable("course.certificate_image")
        return ImageFont.truetype(found[0], size, index=found[1])
