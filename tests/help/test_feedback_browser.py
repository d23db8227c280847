"""有用 / 没用 in Chromium: the 帮助中心's buttons under an answer, and the administrator's
待处理的提问 page — the item 没用 made, added to an entry as a 相似问法, and the weekly table."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from tests.support.browser import screenshot, signed_in


async def test_a_useless_answer_reaches_the_administrator_who_mends_it(
        client: TestClient, demo: dict, browser: Any) -> None:
    from playwright.async_api import expect

    page = await browser.new_page()
    await page.goto(str(client.server.make_url("/help?q=劳务费扣税吗")))
    await expect(page.get_by_test_id("rate")).to_contain_text("这个解答对您有用吗")
    await screenshot(page, "var/page-help-rate.png")
    await page.get_by_test_id("useless").click()
    await expect(page.get_by_test_id("rated")).to_contain_text("工作人员")
    await screenshot(page, "var/page-help-rated.png")
    desk = await signed_in(browser, client.server, demo["admin"].phone, "/console/help-entries")
    await desk.get_by_test_id("reviews-link").click()
    item = desk.locator("[data-testid^=review-]").filter(has_text="劳务费扣税吗").first
    await expect(item).to_contain_text("用户评价没用")
    await expect(desk.get_by_test_id("weekly")).to_contain_text("100%")
    await screenshot(desk, "var/console-help-reviews.png")
    await item.locator("button", has_text="加为相似问法").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("相似问法")
    await desk.goto(str(client.server.make_url("/console/help-reviews?state=attached")))
    await expect(desk.locator("[data-testid^=review-steps-]").first).to_contain_text(
        "已加为相似问法")
    await screenshot(desk, "var/console-help-reviews-attached.png")
