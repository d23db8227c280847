"""The system administrator keeps the holiday calendar in headless Chromium: the national
calendar for 2026 (国务院办公厅关于2026年部分节假日安排的通知) is there from the start, a local
day off is added and removed, a bad CSV is refused in words with nothing imported, and the
next year is imported. Working days for CK-198's "5个工作日" are counted by it."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestServer

from models.performance import CalendarDay
from tests.support.browser import screenshot, signed_in


async def test_the_administrator_keeps_the_holiday_calendar(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    desk = await signed_in(browser, sandbox, "13800000007", "/console/holidays?year=2026")
    table = desk.get_by_test_id("holidays")
    await expect(table).to_contain_text("2026年10月10日")
    await expect(table).to_contain_text("国庆节调休上班")
    await expect(table).to_contain_text("2026年2月23日")
    await desk.get_by_label("日期", exact=True).fill("2026-10-12")
    await desk.get_by_label("名称", exact=True).fill("本地假日")
    await desk.get_by_test_id("save-holiday").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("2026年10月12日 的节假日设置已保存")
    await expect(table).to_contain_text("本地假日")
    assert await CalendarDay.filter(day="2026-10-12", off=True).exists()
    # the rest of the national calendar was kept when the year was first changed
    assert await CalendarDay.filter(day="2026-10-10", off=False).exists()
    await screenshot(desk, "var/console-holidays.png")
    await desk.get_by_role("button", name="删除2026-10-12").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("恢复按周一至周五计")
    await expect(table).not_to_contain_text("本地假日")

    await desk.goto(str(sandbox.make_url("/console/holidays?year=2027")))
    await expect(desk.get_by_test_id("holidays-unknown")).to_contain_text("2027 年尚未录入")
    await desk.get_by_label("每行一天").fill("2027-01-01,放假,元旦\n2027-02-30,放假,错")
    await desk.get_by_test_id("import-holidays").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("第 2 行无法识别")
    await desk.get_by_label("每行一天").fill("2027-01-01,放假,元旦\n2027-02-06,上班,春节调休上班")
    await desk.get_by_test_id("import-holidays").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已导入 2 天")
    await expect(desk.get_by_test_id("holidays")).to_contain_text("2027年2月6日")
    await expect(desk.get_by_test_id("holidays-unknown")).to_have_count(0)
    await screenshot(desk, "var/console-holidays-2027.png")
