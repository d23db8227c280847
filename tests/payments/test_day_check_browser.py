"""Finance reconciles today from its desk, in Chromium: WeChat Pay has no bill of today (the
fake gateway answers NO_STATEMENT_EXIST, as WeChat Pay does), so each of today's orders is
asked by its own query; the findings, when the bill will be out and when it will be read are
shown in Chinese words and China dates, never a provider's code or an ISO date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from sandbox.pay.gateway import PayGateway
from services.common.clock import china_today
from tests.support.api import Api
from tests.support.browser import screenshot, signed_in
from tests.support.payments import pay_fee


async def test_finance_reconciles_today_order_by_order(
        client: TestClient, api: Api, demo: dict, browser: Any,
        pay_gateway: PayGateway) -> None:
    from playwright.async_api import expect

    cheaper = await pay_fee(api, demo, pay_gateway)
    unannounced = await pay_fee(api, demo, pay_gateway, notify=False)
    pay_gateway.orders[cheaper.out_trade_no].total = 19999
    today = china_today(datetime.now(UTC))
    tomorrow = today + timedelta(days=1)
    desk = await signed_in(browser, client.server, demo["finance"].phone, "/console/payments")
    said: list[str] = []

    async def accept(dialog: Any) -> None:
        said.append(dialog.message)
        await dialog.accept()
    desk.on("dialog", accept)
    form = desk.get_by_test_id("reconcile-now")
    await expect(form.get_by_label("核对日期")).to_have_value(f"{today:%Y-%m-%d}")
    await form.get_by_role("button", name="立即核对").click()
    flash = desk.get_by_test_id("flash")
    await expect(flash).to_contain_text(f"已核对{today:%Y年%-m月%-d日}")
    await expect(flash).to_contain_text("缴费（交易账单）账单未出，已逐笔查单，有差异（2处）")
    await expect(flash).to_contain_text(
        f"微信支付将于{tomorrow:%Y年%m月%d日} 10:00后提供该日账单，系统将于"
        f"{tomorrow:%Y年%m月%d日} 10:30自动用账单核对并替换以上结果")
    assert "账单尚未生成的日期（如今天）逐笔" in said[-1]
    run = desk.get_by_test_id(f"run-{today:%Y-%m-%d}")
    await expect(run).to_contain_text(f"{today:%Y年%m月%d日}")
    await expect(run).to_contain_text("账单未出，已逐笔查单")
    await expect(run.get_by_test_id("bill-due")).to_contain_text(
        f"微信支付将于{tomorrow:%Y年%m月%d日} 10:00后提供该日账单")
    found = desk.get_by_test_id("mismatches")
    await expect(found.locator("tr", has_text=cheaper.out_trade_no)).to_contain_text("199.99")
    await expect(found.locator("tr", has_text=cheaper.out_trade_no)).to_contain_text("金额不符")
    await expect(found.locator("tr", has_text=unannounced.out_trade_no)).to_contain_text(
        "微信支付已收款，本系统未记为已支付")
    text = await desk.locator("main, body").first.inner_text()
    for raw in ("NO_STATEMENT_EXIST", "queried", f"{today:%Y-%m-%d}", "missing_here"):
        assert raw not in text, raw
    await screenshot(desk, "var/console-reconcile-today.png")
