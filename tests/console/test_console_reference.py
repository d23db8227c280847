"""An administrator loads the province's specialty catalogue at the desk, in Chromium: a
sheet with mistakes shows every refused row (row, column, what to fix) with the version's
name still typed, a checked sheet says what would change, and the saved one becomes current
(the catalogue as data an administrator manages)."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestServer

from tests.support.browser import screenshot, signed_in
from tests.support.catalogue import BAD, GOOD, workbook


async def test_an_administrator_loads_and_switches_the_catalogue(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    admin = await signed_in(browser, sandbox, "13800000007", "/console/home")
    await admin.get_by_role("link", name="专业目录").click()
    await expect(admin.get_by_test_id("catalogues")).to_contain_text("系统内置目录")
    await admin.get_by_label("版本名称").fill("广东省评标专家专业分类（2025年修订）")
    await admin.get_by_label("文件").set_input_files(files=[{
        "name": "专业目录.xlsx", "mimeType": "application/octet-stream",
        "buffer": workbook(BAD)}])
    await admin.get_by_test_id("save-current").click()
    problems = admin.get_by_test_id("problems")
    await expect(admin.get_by_test_id("report")).to_contain_text("4 处问题，未保存")
    await expect(problems).to_contain_text("第 4 行已有")
    await expect(problems).to_contain_text("上级代码 A0899 在表中找不到")
    # what was typed is still there
    name = admin.get_by_label("版本名称")
    await expect(name).to_have_value("广东省评标专家专业分类（2025年修订）")
    await screenshot(admin, "var/console-catalogue-problems.png")
    await admin.get_by_label("文件").set_input_files(files=[{
        "name": "专业目录.csv", "mimeType": "text/csv", "buffer": GOOD.encode()}])
    await admin.get_by_test_id("check").click()
    await expect(admin.get_by_test_id("report")).to_contain_text("检查通过")
    await expect(admin.get_by_test_id("report")).to_contain_text("可选的末级专业 4 个")
    await admin.get_by_label("文件").set_input_files(files=[{
        "name": "专业目录.csv", "mimeType": "text/csv", "buffer": GOOD.encode()}])
    await admin.get_by_test_id("save-current").click()
    await expect(admin.get_by_test_id("report")).to_contain_text("已保存并启用")
    rows = admin.get_by_test_id("catalogues").locator("tr")
    await expect(rows.nth(1)).to_contain_text("广东省评标专家专业分类（2025年修订）")
    await expect(rows.nth(1)).to_contain_text("当前")
    await screenshot(admin, "var/console-catalogues.png")
    # back to the shipped one is not offered; another saved version can be switched to
    await admin.get_by_label("文件").set_input_files(files=[{
        "name": "专业目录-2.csv", "mimeType": "text/csv", "buffer": GOOD.encode()}])
    await admin.get_by_label("版本名称").fill("第二版")
    await admin.get_by_test_id("save").click()
    await expect(admin.get_by_test_id("report")).to_contain_text("已保存")
    await admin.locator("[data-testid^='use-']").first.click()
    await expect(admin.get_by_test_id("flash")).to_contain_text("已启用专业目录“第二版”")


async def test_an_administrator_imports_a_register_and_sees_the_refused_rows(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    from tests.support.register import person_id, register, row

    admin = await signed_in(browser, sandbox, "13800000007", "/console/home")
    await admin.get_by_role("link", name="导入专家").click()
    async with admin.expect_download() as download:
        await admin.get_by_test_id("template").click()
    assert (await download.value).suggested_filename == "专家名册模板.xlsx"
    sheet = register(row(41), row(42), row(43, id_number=person_id(41)), row(44, region="火星"))
    await admin.get_by_label("名册文件（.xlsx 或 .csv）").set_input_files(files=[{
        "name": "旧系统专家名册.xlsx", "mimeType": "application/octet-stream",
        "buffer": sheet}])
    await admin.get_by_test_id("check").click()
    await expect(admin.get_by_test_id("summary")).to_be_visible(timeout=20_000)
    await screenshot(admin, "var/console-register-check.png")
    await expect(admin.get_by_test_id("summary")).to_contain_text(
        "共 4 行：将新建 2 位专家，将更新 0 位，2 行不能导入", timeout=20_000)
    problems = admin.get_by_test_id("problems")
    await expect(problems).to_contain_text("与第 2 行重复")
    await expect(problems).to_contain_text("地区“火星”不在行政区划表中")
    await screenshot(admin, "var/console-register-check.png")
    await admin.get_by_role("link", name="返回").click()
    await admin.get_by_label("名册文件（.xlsx 或 .csv）").set_input_files(files=[{
        "name": "旧系统专家名册.xlsx", "mimeType": "application/octet-stream",
        "buffer": sheet}])
    await admin.get_by_test_id("import").click()
    await expect(admin.get_by_test_id("summary")).to_contain_text("新建 2 位专家",
                                                                  timeout=20_000)
    await expect(admin.get_by_test_id("status")).to_have_text("已完成")
    await admin.get_by_role("link", name="返回").click()
    await expect(admin.get_by_test_id("imports").locator("tr").nth(1)).to_contain_text("导入")
    await screenshot(admin, "var/console-register.png")
