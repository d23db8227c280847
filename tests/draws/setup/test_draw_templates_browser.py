"""GD-DRAW's 模板下载 at the desk, in headless Chromium on the service as `make run` starts
it: the handler finds the five templates on the front page, downloads the 回避单位模板 from
the activity's avoidance card, fills it in, imports it, and reads which rows were refused
and why while the good rows are on the list; the request card links the application form."""

from __future__ import annotations

import io
from typing import Any

from aiohttp.test_utils import TestServer
from openpyxl import load_workbook

from services.demo import demo_credit_code
from tests.support.browser import screenshot, signed_in
from tests.support.draw_world import desk_draft

HANDLER_PHONE = "13800000004"


async def test_the_handler_downloads_fills_in_and_imports_the_avoidance_template(
        sandbox: TestServer, browser: Any, tmp_path: Any) -> None:
    from playwright.async_api import expect

    aid = (await desk_draft(sandbox, "GZ-T-1")).id
    desk = await signed_in(browser, sandbox, HANDLER_PHONE, "/console/home")
    listed = desk.get_by_test_id("templates")
    for name in ("专家抽取申请模板", "重新抽取专家申请模板", "通知原专家评标申请模板",
                 "退选专家申请模板", "回避单位模板"):
        await expect(listed).to_contain_text(f"《{name}》下载")
    await screenshot(desk, "var/console-templates-home.png")
    async with desk.expect_download() as got:
        await listed.get_by_test_id("template-draw").click()
    form = await got.value
    assert form.suggested_filename == "专家抽取申请模板.docx"
    # the activity: the avoidance card offers the template, the request card its form
    await desk.goto(str(sandbox.make_url(f"/console/activities/{aid}")))
    await expect(desk.get_by_test_id("request-template")).to_contain_text(
        "《专家抽取申请模板》下载")
    async with desk.expect_download() as got:
        await desk.get_by_test_id("avoidance-import").get_by_test_id(
            "template-avoidance").click()
    blank = await got.value
    assert blank.suggested_filename == "回避单位模板.xlsx"
    book = load_workbook(io.BytesIO((await blank.path()).read_bytes()))
    code = demo_credit_code(61)
    for row in (("某建设集团有限公司", code, "投标人"), ("某监理公司", "", "朋友"),
                ("某咨询公司", "", "与投标人有利害关系")):
        book["回避单位"].append(list(row))
    book["回避人员"].append(["张三", "110105194912310021", "投标人"])
    saved = tmp_path / "回避单位模板（已填写）.xlsx"
    book.save(saved)
    await desk.get_by_test_id("avoidance-file").set_input_files(str(saved))
    await desk.get_by_test_id("import-avoidances").click()
    await expect(desk.get_by_test_id("import-added")).to_contain_text("已导入 2 条")
    refused = desk.get_by_test_id("import-refused")
    await expect(refused).to_contain_text("回避单位")
    await expect(refused).to_contain_text("第 3 行")
    await expect(refused).to_contain_text("“朋友”不在模板的下拉列表中")
    await expect(refused).to_contain_text("回避人员")
    await expect(desk.get_by_test_id("avoidances-now")).to_contain_text("某建设集团有限公司")
    await expect(desk.get_by_test_id("avoidances-now")).not_to_contain_text("某监理公司")
    for raw in ("reason_not_listed", "BadInput", "unit"):
        await expect(desk.locator("main")).not_to_contain_text(raw)
    await screenshot(desk, "var/console-avoidance-import.png")
    await desk.get_by_test_id("back-to-activity").click()
    await expect(desk.get_by_test_id("avoidance-import")).to_be_visible()
    await screenshot(desk, "var/console-activity-avoidances.png")
