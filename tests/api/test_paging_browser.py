"""A paged console list in headless Chromium: the administrator's feedback, 25 waiting for
an answer, shown 20 at a time; 下一页 keeps the filter and shows the other 5 (one that
arrives meanwhile does not push a row onto both pages), 第一页 goes back; times in China
time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestServer

from models.wechat import Feedback, WeChatIdentity
from tests.support.browser import screenshot, signed_in


async def test_the_administrator_pages_through_feedback(sandbox: TestServer,
                                                        browser: Any) -> None:
    from playwright.async_api import expect

    identity = await WeChatIdentity.get(openid="o_demo_expert")
    start = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # 09:00 China time
    made = []
    for n in range(25):
        item = await Feedback.create(identity_id=identity.id, category="功能建议",
                                     content=f"第{n + 1}条：希望增加导出功能")
        await Feedback.filter(id=item.id).update(created_at=start + timedelta(minutes=n))
        made.append(item.id)
    desk = await signed_in(browser, sandbox, "13800000007", "/console/feedback?state=open")
    cards = desk.locator("[data-testid^=feedback-]")
    await expect(cards).to_have_count(20)
    await expect(desk.get_by_test_id(f"feedback-{made[-1]}")).to_contain_text(
        "2026年11月24日 09:24")  # newest first, China time
    await expect(desk.get_by_test_id("first-page")).to_have_count(0)
    await Feedback.create(identity_id=identity.id, category="投诉", content="新来的一条反馈")
    await desk.get_by_test_id("next-page").click()
    await expect(cards).to_have_count(5)
    assert "state=open" in desk.url and "after=" in desk.url
    for n in range(5):
        await expect(desk.get_by_test_id(f"feedback-{made[n]}")).to_be_visible()
    await expect(desk.get_by_test_id("next-page")).to_have_count(0)
    await expect(desk.locator("body")).not_to_contain_text("新来的一条反馈")
    await screenshot(desk, "var/console-feedback-pages.png")
    await desk.get_by_test_id("first-page").click()
    await expect(desk.locator("body")).to_contain_text("新来的一条反馈")
    assert "after=" not in desk.url and "state=open" in desk.url
    await desk.goto(str(sandbox.make_url("/console/feedback?state=open&after=%21%21")))
    await expect(desk.get_by_test_id("flash")).to_contain_text("翻页参数无效")
