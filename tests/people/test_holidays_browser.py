"""The system administrator keeps the holiday calendar in headless Chromium: 2026 as the
State Council's notice gave it (HOLIDAY-NOTICE), read from the package `chinesecalendar` and
said so; a day the centre changes, with why, beside the national days, and withdrawn; the
year after the package's last is missing (said on the page and, from 1 November, on the
home page); a notice entered with a bad line is refused in words with nothing entered, then
entered with its number and date. Working days for CK-198's "5个工作日" and the 政府采购
start are counted by it."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestServer

from models.performance import CalendarDay, CalendarNotice
from services.reference.national_calendar import package_years
from tests.support.browser import screenshot, signed_in


async def test_the_administrator_keeps_the_holiday_calendar(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    desk = await signed_in(browser, sandbox, "13800000007", "/console/holidays?year=2026")
    table = desk.get_by_test_id("holidays")
    await expect(table).to_contain_text("2026年10月10日")
    await expect(table).to_contain_text("国庆节调休上班")
    await expect(table).to_contain_text("2026年2月23日")
    await expect(desk.get_by_test_id("holidays-source")).to_contain_text("chinesecalendar")
    await desk.get_by_label("日期", exact=True).fill("2026-10-12")
    await desk.get_by_label("名称", exact=True).fill("本地假日")
    await desk.get_by_label("原因", exact=True).fill("本市防汛停工")
    await desk.get_by_test_id("save-holiday").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("2026年10月12日 的本中心调整已保存")
    await expect(table).to_contain_text("本中心调整：本市防汛停工")
    assert await CalendarDay.filter(day="2026-10-12", off=True, reason="本市防汛停工").exists()
    await screenshot(desk, "var/console-holidays.png")
    await desk.get_by_role("button", name="撤销2026-10-12的调整").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("恢复按全国安排计")
    await expect(table).not_to_contain_text("本地假日")

    year = max(package_years()) + 1
    await desk.goto(str(sandbox.make_url(f"/console/holidays?year={year}")))
    await expect(desk.get_by_test_id("holidays-unknown")).to_contain_text(
        f"{year} 年的节假日安排尚未导入：政府采购项目不能开始抽取")
    await desk.get_by_label("文号", exact=True).fill("国办发明电〔测试〕1号")
    await desk.get_by_label("通知日期", exact=True).fill(f"{year - 1}-11-10")
    await desk.get_by_label("通知中的各日").fill(f"{year}-01-01,放假,元旦\n{year}-02-30,放假,错")
    await desk.get_by_test_id("import-holidays").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("第 2 行无法识别")
    assert not await CalendarNotice.exists()
    await desk.get_by_label("文号", exact=True).fill("国办发明电〔测试〕1号")
    await desk.get_by_label("通知日期", exact=True).fill(f"{year - 1}-11-10")
    await desk.get_by_label("通知中的各日").fill(
        f"{year}-01-01,放假,元旦\n{year}-02-06,上班,春节调休上班")
    await desk.get_by_test_id("import-holidays").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已导入通知中 2 天")
    await expect(desk.get_by_test_id("holidays")).to_contain_text(f"{year}年2月6日")
    await expect(desk.get_by_test_id("holidays-unknown")).to_have_count(0)
    await expect(desk.get_by_test_id("holidays-source")).to_contain_text(
        "国务院办公厅通知 国办发明电〔测试〕1号")
    await screenshot(desk, f"var/console-holidays-{year}.png")


async def test_from_november_the_home_page_asks_for_next_years_calendar(
        sandbox: TestServer, browser: Any) -> None:
    """Today's date decides: from 1 November (China time), next year missing is said."""
    from datetime import UTC, datetime

    from playwright.async_api import expect

    from services.reference.holidays import Holidays

    desk = await signed_in(browser, sandbox, "13800000007", "/console/home")
    missing = await Holidays.missing_next(datetime.now(UTC), package_years())
    said = desk.get_by_test_id("holidays-next-missing")
    if missing is None:
        await expect(said).to_have_count(0)
        return
    await expect(said).to_contain_text(f"{missing}年的节假日安排尚未导入")
    await screenshot(desk, "var/console-home-holidays-missing.png")
    await said.get_by_role("link").click()
    await expect(desk.get_by_test_id("holidays-unknown")).to_contain_text(f"{missing} 年")
