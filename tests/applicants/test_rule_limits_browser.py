"""A batch's rule set and its limits at the administrator's desk, in headless Chromium on the
service as `make run` starts it: the form says beside 执业资格最多条数 which rule sets fix it
(HN-APPLY 3, JL-GP 5), a Jilin batch asked for 3 is refused in words with everything typed
still there, and the batch made lists the limits its applicants' form is held to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestServer

from services.common.clock import CHINA
from tests.support.browser import screenshot, signed_in

ADMIN = "13800000007"
LOCAL = "%Y-%m-%dT%H:%M"


async def test_the_administrator_makes_a_jilin_batch_held_to_its_numbers(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    desk = await signed_in(browser, sandbox, ADMIN, "/console/batches")
    await expect(desk.get_by_test_id("maxq-said")).to_have_text(
        "湖南3条、吉林5条，按其规定，留空即可；新疆可填1–5，留空为3条")
    now = datetime.now(UTC).astimezone(CHINA)
    await desk.get_by_label("批次名称").fill("2027年吉林省政府采购评审专家征集")
    await desk.get_by_label("省份").select_option(label="吉林省")
    await desk.get_by_label("专业规则").select_option(value="jilin")
    await desk.get_by_label("执业资格最多条数").fill("3")
    await desk.get_by_label("申报开始").fill(now.strftime(LOCAL))
    await desk.get_by_label("申报截止").fill((now + timedelta(days=20)).strftime(LOCAL))
    await desk.get_by_label("审核截止").fill((now + timedelta(days=30)).strftime(LOCAL))
    await desk.get_by_test_id("create-batch").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text(
        "吉林规则的批次，执业资格最多5条，由该省的规定确定，不能另设：请留空（或填5）")
    # what was typed is still there, to correct one field
    await expect(desk.get_by_label("批次名称")).to_have_value("2027年吉林省政府采购评审专家征集")
    await expect(desk.get_by_label("专业规则")).to_have_value("jilin")
    await expect(desk.get_by_label("执业资格最多条数")).to_have_value("3")
    await screenshot(desk, "var/console-batch-limit-refused.png")
    await desk.get_by_label("执业资格最多条数").fill("")
    await desk.get_by_test_id("create-batch").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已创建批次")
    row = desk.get_by_test_id("batches").locator("tr").filter(
        has_text="2027年吉林省政府采购评审专家征集")
    await expect(row.locator("[data-testid^=limits-]")).to_have_text(
        "最多可以选择3个三级评标专业；职称信息至多5条（含第一条职称）；工作履历至多5条；"
        "执业资格至多5条；其他材料选填：JPG 格式，每张 20M 以下，最多3张")
    await screenshot(desk, "var/console-batch-limits.png")
