"""The administrator turns on the draw's weighting by credit level in headless Chromium, on
the draw-policy page where the caps are set: weights upside down (a lower level above a
higher one) are refused in words with what was typed kept, then saved and shown again. The
weighting and its defaults are ours (docs/rules-that-are-ours.md, "A draw weighted by
credit level")."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestServer

from models.sanctions import DrawPolicy
from tests.support.browser import screenshot, signed_in


async def test_the_administrator_turns_on_the_weighting_by_credit_level(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    desk = await signed_in(browser, sandbox, "13800000007", "/console/draw-policy")
    weighted = desk.get_by_test_id("weighted")
    await expect(weighted).not_to_be_checked()  # off by default
    await expect(desk.get_by_label("A 级权重")).to_have_value("4")
    await expect(desk.get_by_label("D 级权重")).to_have_value("1")
    await weighted.check()
    await desk.get_by_label("D 级权重").fill("5")
    await desk.get_by_test_id("save-policy").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("A 级 ≥ B 级 ≥ C 级 ≥ D 级")
    await expect(desk.get_by_label("D 级权重")).to_have_value("5")
    assert not (policy := await DrawPolicy.get_or_none(id=1)) or not policy.weighted
    await desk.get_by_label("A 级权重").fill("6")
    await desk.get_by_label("D 级权重").fill("1")
    await weighted.check()
    await desk.get_by_test_id("save-policy").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("按信用等级加权抽取已开启")
    await expect(desk.get_by_test_id("weighted")).to_be_checked()
    await expect(desk.get_by_label("A 级权重")).to_have_value("6")
    await screenshot(desk, "var/console-draw-weighting.png")
    policy = await DrawPolicy.get(id=1)
    assert (policy.weighted, policy.weight_a, policy.weight_b, policy.weight_d) == \
        (True, 6, 3, 1)
    # a value that is not a whole number: refused, naming the field
    await desk.get_by_label("B 级权重").fill("两")
    await desk.get_by_test_id("save-policy").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("B 级权重：应为整数")
