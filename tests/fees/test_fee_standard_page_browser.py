"""The public fee standard page in headless Chromium (FG-807: each library publishes its fee
standard and payment method), on a desktop and on a phone: the version in force and the one
to come, in yuan and China dates, then how fees are paid; nothing runs off the screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from sandbox.pay.gateway import PayGateway
from services.common.clock import china_today
from tests.support.api import Api
from tests.support.browser import screenshot
from tests.support.fees import publish


async def test_the_fee_standard_page_reads_on_a_desktop_and_a_phone(
        api: Api, client: TestClient, demo: dict, pay_gateway: PayGateway,
        browser: Any) -> None:
    from playwright.async_api import expect

    today = china_today(datetime.now(UTC))
    later = today + timedelta(days=36)
    assert (await publish(api, demo, today, notes="示例：依据省有关部门文件")).status == 200
    assert (await publish(api, demo, later, name="2027年评标专家劳务费标准",
                          base_yuan="500.00", daily_cap_yuan="1000.00")).status == 200
    url = str(client.make_url("/fee-standard"))
    for name, viewport in (("desktop", {"width": 1280, "height": 800}),
                           ("phone", {"width": 375, "height": 740})):
        page = await (await browser.new_context(viewport=viewport)).new_page()
        await page.goto(url)
        current = page.get_by_test_id("current")
        await expect(current).to_contain_text("2025年评标专家劳务费标准现行")
        await expect(current).to_contain_text(
            f"自{today.year}年{today.month}月{today.day}日起评标的活动适用")
        await expect(current).to_contain_text("评标3小时以内（含3小时）400.00元")
        await expect(current).to_contain_text("说明：示例：依据省有关部门文件")
        coming = page.get_by_test_id("later")
        await expect(coming).to_contain_text("2027年评标专家劳务费标准即将生效")
        await expect(coming).to_contain_text(
            f"自{later.year}年{later.month}月{later.day}日起评标的活动适用")
        await expect(coming).to_contain_text("500.00元")
        payment = page.get_by_test_id("payment")
        await expect(payment).to_contain_text("微信支付“商家转账”")
        await expect(payment).to_contain_text("代扣代缴个人所得税")
        # nothing wider than the screen: no sideways scrolling on a phone
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (name, overflow)
        await screenshot(page, f"var/fee-standard-{name}.png")
        await page.context.close()
