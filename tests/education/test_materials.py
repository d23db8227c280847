"""Training material (HN-APPLY: 审核通过后…可查看考试资料，预习考试知识点; 系统首页的“资料
下载”栏目): an administrator uploads a file for a batch or its exam, the batch's applicant
downloads it before the exam in the mini-program and from the chat's link, and nobody else
can."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp.test_utils import TestClient, TestServer

from models.applications import Application, AppStatus, Batch
from models.people import Person, phone_is
from tests.support.api import Api
from tests.support.browser import screenshot, signed_in
from tests.support.education import approved_applicant
from tests.support.wechat import Chat

GUIDE = b"%PDF-1.4\n" + "评标专家考试知识点".encode() * 200
SLIDES = b"PK\x03\x04" + b"\x00" * 500


def _path(link: str) -> str:
    url = urlsplit(link)
    return f"{url.path}?{url.query}"


async def test_an_approved_applicant_downloads_the_material_before_the_exam(
        client: TestClient, api: Api, demo: dict, chat: Chat) -> None:
    exam, person = await approved_applicant(client, demo)
    admin = await api.login(demo["admin"].mp_openid)
    applicant = await api.login(demo["applicant"].mp_openid)
    # before anything is uploaded the applicant is told there is none yet
    empty = await api.call("GET", "/materials", applicant)
    assert empty.status == 200 and empty.data["materials"] == []
    assert "暂时没有培训资料" in empty.data["note"]
    none = await chat.say(demo["applicant"].openid, "考试资料")
    assert "暂时没有培训资料" in none.text
    # the administrator uploads a guide for the batch and slides for its exam
    up = await api.upload(f"/admin/batches/{exam.batch_id}/materials", admin, GUIDE,
                          "考试大纲.pdf", "application/pdf", params={"title": "考试大纲"})
    assert up.status == 200, up.data
    slides = await api.upload(f"/admin/batches/{exam.batch_id}/materials", admin, SLIDES,
                              "培训课件.pptx", "application/octet-stream",
                              params={"exam_id": str(exam.id)})
    assert slides.status == 200 and slides.data["exam"] == "入库考试", slides.data
    # a file of a type not taken is refused in words that say which types are
    bad = await api.upload(f"/admin/batches/{exam.batch_id}/materials", admin, b"MZ\x90\x00",
                           "setup.exe", "application/octet-stream")
    assert bad.status == 400 and "PDF、Word" in bad.message
    # in the mini-program: the list, then the file itself
    listed = await api.call("GET", "/materials", applicant)
    assert [m["title"] for m in listed.data["materials"]] == ["培训课件", "考试大纲"]
    assert "请在考试前下载学习" in listed.data["note"]
    guide = next(m for m in listed.data["materials"] if m["title"] == "考试大纲")
    got = await api.call("GET", guide["download"], applicant)
    assert got.status == 200 and got.data["body"] == GUIDE
    # in chat: a link per file, signed for the applicant, that downloads it
    answer = await chat.say(demo["applicant"].openid, "考试资料")
    assert "「考试大纲」" in answer.text and "「培训课件」（入库考试）" in answer.text
    links = [w for w in answer.text.split() if "/materials/" in w]
    assert len(links) == 2
    page = await client.get(_path(links[1]))
    assert page.status == 200 and await page.read() == GUIDE
    assert "attachment" in page.headers["Content-Disposition"]
    # saved under the title the chat listed it by, with the file's extension
    scanned = await api.upload(f"/admin/batches/{exam.batch_id}/materials", admin, GUIDE,
                               "scan001.pdf", "application/pdf",
                               params={"title": "评标专家培训教材"})
    assert scanned.status == 200, scanned.data
    answer = await chat.say(demo["applicant"].openid, "考试资料")
    link = next(w for w in answer.text.split() if f"/materials/{scanned.data['id']}?" in w)
    saved = (await client.get(_path(link))).headers["Content-Disposition"]
    assert quote("评标专家培训教材.pdf") in saved and "scan001" not in saved
    # the mini-program's download is saved under the same name
    mini = await client.get(f"/miniapp/v1/materials/{scanned.data['id']}/file",
                            headers={"Authorization": f"Bearer {applicant}"})
    assert mini.status == 200 and await mini.read() == GUIDE
    assert quote("评标专家培训教材.pdf") in mini.headers["Content-Disposition"]
    assert (await api.call("DELETE", f"/admin/materials/{scanned.data['id']}",
                           admin)).status == 200
    # a tampered link is refused and says how to get a new one
    forged = await client.get(_path(links[1])[:-2] + "xx")
    assert forged.status == 403 and "回复“考试资料”" in await forged.text()
    assert person.id


async def test_material_is_only_for_the_applicants_of_its_batch(
        client: TestClient, api: Api, demo: dict, chat: Chat) -> None:
    exam, _ = await approved_applicant(client, demo)
    admin = await api.login(demo["admin"].mp_openid)
    up = await api.upload(f"/admin/batches/{exam.batch_id}/materials", admin, GUIDE,
                          "考试大纲.pdf", "application/pdf")
    assert up.status == 200
    # an expert who never applied to that batch sees nothing and cannot fetch the file
    expert = await api.login(demo["expert"].mp_openid)
    assert (await api.call("GET", "/materials", expert)).data["materials"] == []
    refused = await api.call("GET", f"/materials/{up.data['id']}/file", expert)
    assert refused.status == 404 and "没有找到这份资料" in refused.message
    # an applicant of another batch neither
    other = await Batch.get(id=exam.batch_id)
    applicant = await Person.get(phone_is(demo["applicant"].phone))
    await Application.filter(person_id=applicant.id).update(batch_id=(await Batch.create(
        name="另一批次", kind="collect", province="44", stages=other.stages,
        apply_from=other.apply_from, apply_until=other.apply_until,
        review_until=other.review_until)).id, status=AppStatus.APPROVED)
    answer = await chat.say(demo["applicant"].openid, "资料下载")
    assert "暂时没有培训资料" in answer.text
    # the administrator removes it: gone from the list
    token = await api.login(demo["applicant"].mp_openid)
    removed = await api.call("DELETE", f"/admin/materials/{up.data['id']}", admin)
    assert removed.status == 200 and removed.data["materials"] == []
    assert (await api.call("GET", "/materials", token)).data["materials"] == []


async def test_an_administrator_uploads_material_at_the_desk(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    now_batch = await Batch.filter(name__contains="征集").first()
    assert now_batch is not None
    admin = await signed_in(browser, sandbox, "13800000007", "/console/batches")
    await admin.get_by_test_id(f"training-{now_batch.id}").click()
    await expect(admin.get_by_test_id("materials")).to_contain_text("暂时没有培训资料")
    await admin.get_by_label("资料名称（不填用文件名）").fill("评标专家考试大纲")
    await admin.get_by_label("文件（PDF、Word、PPT、Excel、ZIP、图片或 MP4，≤50MB）"
                             ).set_input_files(files=[{"name": "考试大纲.pdf",
                                                       "mimeType": "application/pdf",
                                                       "buffer": GUIDE}])
    await admin.get_by_test_id("upload-material").click()
    await expect(admin.get_by_test_id("flash")).to_contain_text(
        "培训资料「评标专家考试大纲」已上传")
    await expect(admin.get_by_test_id("materials")).to_contain_text("考试大纲.pdf")
    await expect(admin.get_by_test_id("materials")).to_contain_text("整个批次")
    await screenshot(admin, "var/console-training-materials.png")
    async with admin.expect_download() as downloading:
        await admin.get_by_role("link", name="考试大纲.pdf").click()
    download = await downloading.value
    assert download.suggested_filename == "考试大纲.pdf"
