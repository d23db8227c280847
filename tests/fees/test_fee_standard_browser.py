"""The system administrator publishes the fee standard in headless Chromium (发改办法规
〔2025〕807号: each library publishes its fee standard; the shape is Shandong's as the issue
quotes it): a date in the past is refused with the typed values kept, then the version is
published and shown in words as the one in force."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestServer

from services.common.clock import china_today
from tests.support.browser import screenshot, signed_in


async def test_the_administrator_publishes_the_fee_standard(sandbox: TestServer,
                                                            browser: Any) -> None:
    from playwright.async_api import expect

    today = china_today(datetime.now(UTC))
    desk = await signed_in(browser, sandbox, "13800000007", "/console/fee-standards")
    await expect(desk.get_by_test_id("fee-standards")).to_contain_text("还没有发布劳务费标准")
    await desk.get_by_label("标准名称").fill("2025年评标专家劳务费标准")
    await desk.get_by_label("生效日期").fill((today - timedelta(days=1)).isoformat())
    # the date box is as tall as the boxes beside it (it was left at the browser's bare look)
    dated = await desk.get_by_label("生效日期").bounding_box()
    named = await desk.get_by_label("标准名称").bounding_box()
    assert dated and named and abs(dated["height"] - named["height"]) < 4, (dated, named)
    for label, value in (("基础金额（元）", "400"), ("超出后每小时（元）", "100"),
                         ("每人每天最高（元）", "800"), ("评标取消或到场回避补偿（元）", "200"),
                         ("异地交通补助（元/次）", "150"), ("异地餐费补助（元/天）", "100")):
        await desk.get_by_label(label).fill(value)
    await desk.get_by_test_id("publish-standard").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("生效日期不能早于今天")
    # what was typed is still there
    await expect(desk.get_by_label("标准名称")).to_have_value("2025年评标专家劳务费标准")
    await expect(desk.get_by_label("每人每天最高（元）")).to_have_value("800")
    await desk.get_by_label("生效日期").fill(today.isoformat())
    await desk.get_by_test_id("publish-standard").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("劳务费标准已发布")
    table = desk.get_by_test_id("fee-standards")
    await expect(table.get_by_test_id("in-force")).to_have_text("现行")
    await expect(table).to_contain_text("评标3小时以内（含3小时）400.00元")
    await expect(table).to_contain_text("每增加1小时加100.00元（不足1小时按1小时计）")
    await expect(table).to_contain_text("另发交通补助150.00元")
    await screenshot(desk, "var/console-fee-standards.png")
    # an agency's handler has no such page
    handler = await signed_in(browser, sandbox, "13800000004", "/console/fee-standards")
    await expect(handler.locator("body")).not_to_contain_text("发布新版本")


async def test_the_administrator_publishes_guangdongs_standard_from_its_preset(
        sandbox: TestServer, browser: Any) -> None:
    """粤财采购〔2020〕17号 as a preset: the form filled with its tiers, a date chosen, published;
    the public page and the desk say the tiers in words."""
    from playwright.async_api import expect

    today = china_today(datetime.now(UTC))
    desk = await signed_in(browser, sandbox, "13800000007", "/console/fee-standards")
    await desk.get_by_test_id("preset-gd2020").click()
    await expect(desk.get_by_test_id("preset-given")).to_contain_text("粤财采购〔2020〕17号")
    await expect(desk.get_by_test_id("profile")).to_have_value("gd2020")
    await expect(desk.get_by_label("分段：超过后每小时（元）")).to_have_value("150.00")
    await expect(desk.get_by_label("分段：次日起每小时（元）")).to_have_value("100.00")
    await expect(desk.get_by_label("基础时长（小时）")).to_have_value("2")
    await desk.get_by_label("生效日期").fill(today.isoformat())
    await desk.get_by_test_id("publish-standard").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("劳务费标准已发布")
    table = desk.get_by_test_id("fee-standards")
    await expect(table.get_by_test_id("in-force")).to_have_text("现行")
    await expect(table).to_contain_text("超过整数小时不足0.5小时（含0.5小时）的不计")
    await expect(table).to_contain_text("超过8小时的，每增加1小时加150.00元")
    await expect(table).to_contain_text("次日起：8小时以内（含8小时）每小时100.00元")
    await screenshot(desk, "var/console-fee-standards-gd.png")
    page = await desk.context.new_page()
    await page.goto(f"http://{sandbox.host}:{sandbox.port}/fee-standard")
    await expect(page.locator("body")).to_contain_text("误工补助200.00元")
    await screenshot(page, "var/public-fee-standard-gd.png")
