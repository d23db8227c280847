"""The system administrator's 失信核查 page in headless Chromium, against the sandbox's fake
provider: a check of everyone started from the page flags a listed demo expert, shown with
the case in words and a link to 处分管理; an empty note is refused with the page kept, a
note closes the flag; an agency's handler has no such page."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestServer

from models.dishonesty import DishonestyRun
from sandbox.fake_dishonesty import DISHONESTY, DishonestyFake
from services.demo import DEMO_PEOPLE
from tests.support.browser import reload, screenshot, signed_in
from tests.support.helpers import eventually


def _fake(server: TestServer) -> DishonestyFake:
    return next(app[DISHONESTY] for app in server.app._subapps if DISHONESTY in app)


async def test_the_administrator_sees_a_flag_and_handles_it(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    expert = next(p for p in DEMO_PEOPLE if p.expert_number == "GD-ZJ-000001")
    _fake(sandbox).list_person(expert.id_number)
    desk = await signed_in(browser, sandbox, "13800000007", "/console/dishonesty")
    await expect(desk.get_by_test_id("flags")).to_contain_text("没有待处理的失信核查提示")
    await desk.get_by_test_id("start-run").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已开始核查全部")

    async def finished() -> bool:
        return not await DishonestyRun.filter(status="running").exists()

    await eventually(finished, 20.0)
    await reload(desk)
    flags = desk.get_by_test_id("flags")
    await expect(flags).to_contain_text("李建国")
    await expect(flags).to_contain_text("GD-ZJ-000001")
    await expect(flags).to_contain_text(
        "案号 (2024)粤0106执1234号，广州市天河区人民法院，2024年6月18日发布")
    await expect(flags).not_to_contain_text(expert.id_number)
    await expect(desk.get_by_test_id("runs")).to_contain_text("管理员发起")
    await expect(desk.get_by_test_id("runs")).to_contain_text("已完成")
    await expect(desk.locator("body")).not_to_contain_text("admin")
    link = flags.get_by_role("link", name="处分管理")
    assert "expert_number=GD-ZJ-000001" in (await link.get_attribute("href") or "")
    await screenshot(desk, "var/console-dishonesty.png")
    note = flags.get_by_label("处理意见")
    await note.fill("   ")  # blank: refused, the page and the typed text kept
    await flags.get_by_role("button", name="标记为已处理").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("处理意见：至少 1 个字符")
    await expect(flags.get_by_label("处理意见")).to_have_value("   ")
    await flags.get_by_label("处理意见").fill("已核实为本人，已在处分管理中作出暂停评标资格处分。")
    await flags.get_by_role("button", name="标记为已处理").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已处理对李建国的失信核查提示")
    await expect(desk.get_by_test_id("flags")).to_contain_text("没有待处理的失信核查提示")
    await desk.get_by_test_id("view-all").click()
    await expect(desk.get_by_test_id("flags")).to_contain_text("已核实为本人")
    await screenshot(desk, "var/console-dishonesty-handled.png")
    # the administrator's home counts what waits here
    await desk.goto(str(sandbox.make_url("/console/home")))
    await expect(desk.get_by_test_id("dishonesty-count")).to_contain_text("0待处理的失信核查提示")
    # an agency's handler has no such page
    handler = await signed_in(browser, sandbox, "13800000004", "/console/dishonesty")
    await expect(handler.locator("body")).not_to_contain_text("立即核查全部专家")
