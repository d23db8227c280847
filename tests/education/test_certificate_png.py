"""下载图片 (XJ-CE: "点击进入【专家证书】界面查看继续教育合格证书，也可点击【下载图片】或【下载
pdf】进行下载"): the holder downloads the certificate as a PNG from the mini-program's link
or the certificate page — the holder's name, the course, the number and the QR code to the
public check page drawn on it — and is told to take the PDF where the machine cannot draw
Chinese."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestClient
from PIL import Image

from models.learning.education import Course, Enrollment, Grading
from models.people import Person, phone_is
from services.documents import raster
from tests.support.api import Api


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def _passed(api: Api, demo: dict) -> tuple[str, dict]:
    """李建国 passed a course (its test's own flow: test_education.py)."""
    expert = await Person.get(phone_is(demo["expert"].phone))
    course = await Course.create(title="2026年度评标专家继续教育（房建）", year=2026, hours=24,
                                 study_from=datetime.now(UTC), study_until=datetime.now(UTC),
                                 fee_fen=0)
    item = await Enrollment.create(course=course, person_id=expert.id, progress=100,
                                   grading=Grading.PASSED, completed_at=datetime.now(UTC),
                                   certificate_no="JX2026009901")
    token = await api.login(demo["expert"].mp_openid)
    links = await api.call("GET", f"/education/enrollments/{item.id}/certificate", token)
    assert links.status == 200, links.data
    return token, links.data


# drawn in the machine's CJK font: a machine without one answers as the next test shows
@pytest.mark.skipif(raster._font_file() is None, reason="no CJK font on this machine "
                    "(.ci/run installs fonts-noto-cjk with the browser)")
async def test_the_certificate_downloads_as_a_picture(
        api: Api, client: TestClient, demo: dict) -> None:
    _, links = await _passed(api, demo)
    got = await client.get(path_of(links["png"]))
    assert got.status == 200 and got.content_type == "image/png"
    assert got.headers["Content-Disposition"] == 'attachment; filename="JX2026009901.png"'
    body = await got.read()
    image = Image.open(io.BytesIO(body))
    assert image.format == "PNG" and image.size == (1684, 1190)
    rgb = image.convert("RGB")
    # the title in red across the top, the QR code's black modules at the right
    title = [rgb.getpixel((x, 200)) for x in range(500, 1200)]
    assert any(r > 100 and g < 40 and b < 40 for r, g, b in title)
    qr = [rgb.getpixel((x, y)) for x in range(1290, 1530, 4) for y in range(350, 590, 4)]
    assert sum(1 for p in qr if p == (0, 0, 0)) > 300
    image.save("var/certificate.png")
    # the page offers it as 下载图片, beside 下载 PDF
    page = await (await client.get(path_of(links["page"]))).text()
    assert "certificate.png?t=" in page.split("下载图片")[0].rsplit("<a", 1)[1]
    assert "下载 PDF" in page
    # someone else's link: refused
    forged = await client.get(path_of(links["png"]).split("?")[0] + "?t=1.2.x")
    assert forged.status == 403


async def test_without_a_chinese_font_the_holder_is_told_to_take_the_pdf(
        api: Api, client: TestClient, demo: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    _, links = await _passed(api, demo)
    monkeypatch.setattr(raster, "FONT_FILES", ())
    raster._font_file.cache_clear()
    try:
        got = await client.get(path_of(links["png"]))
        assert got.status == 503 and "请先点击“下载 PDF”保存证书" in await got.text()
        pdf = await client.get(path_of(links["pdf"]))
        assert (await pdf.read()).startswith(b"%PDF")
    finally:
        raster._font_file.cache_clear()
