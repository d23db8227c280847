"""选择提交终端 at the desk, in headless Chromium on the service as `make run` starts it: the
handler's request card offers the trading centres covering the project (the province's and
the city's, both staffed), the handler picks the province's, submits with the application
form attached, and the page says where the request went."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestServer

from models.draws import DrawActivity
from models.people import Person, Role, RoleGrant, phone_is
from tests.support.browser import screenshot, signed_in
from tests.support.draw_world import PDF, desk_draft
from web.context import DOMAIN

HANDLER, PROVINCE_REVIEWER = "13800000004", "13800000009"


async def a_complete_draft(server: TestServer) -> int:
    """A draft with its notice and condition, ready but for the attachment and the reason."""
    activity = await desk_draft(server, "GZ-T-2", total=2)
    setup = server.app[DOMAIN].draws.setup.activities
    start = activity.eval_start
    notice = await setup.add_notice(activity, {
        "venue": "广州公共资源交易中心", "city": "广州市", "district": "天河区",
        "street": "天润路333号", "room": "5楼", "contact_name": "陈志强",
        "contact_phone": "020-12345678", "notes": "", "gather_at": start - timedelta(minutes=30)})
    await setup.add_condition(activity, notice.id, {
        "regions": ["4401"], "region_mode": "residence", "main_specialty": "A0401",
        "planned": 2})
    return activity.id


async def test_the_handler_chooses_the_terminal_the_request_goes_to(
        sandbox: TestServer, browser: Any, tmp_path: Any) -> None:
    from playwright.async_api import expect

    aid = await a_complete_draft(sandbox)
    province = await Person.get(phone_is(PROVINCE_REVIEWER))
    await RoleGrant.create(person_id=province.id, role=Role.VERIFIER, region="44")
    desk = await signed_in(browser, sandbox, HANDLER, f"/console/activities/{aid}")
    choice = desk.get_by_label("选择提交终端")
    await expect(choice.locator("option")).to_have_text(
        ["广东省公共资源交易中心", "广州市公共资源交易中心"])
    await expect(choice).to_have_value("4401")  # the nearest, unless chosen
    attachment = tmp_path / "专家抽取申请表.pdf"
    attachment.write_bytes(PDF)
    await desk.get_by_test_id("evidence-file").set_input_files(str(attachment))
    await desk.get_by_test_id("upload").click()
    await expect(desk.get_by_test_id("flash")).to_be_visible()
    await desk.get_by_label("申请原因").fill("按招标计划抽取评标专家")
    await desk.get_by_label("选择提交终端").select_option(label="广东省公共资源交易中心")
    await screenshot(desk, "var/console-terminal-choose.png")
    await desk.get_by_test_id("submit").click()
    await expect(desk.get_by_test_id("submitted-to")).to_contain_text(
        "已提交至广东省公共资源交易中心")
    await screenshot(desk, "var/console-terminal-submitted.png")
    # the province's verifier reads the centre by its name on the queue and on the request
    verifier = await signed_in(browser, sandbox, PROVINCE_REVIEWER, "/console/verify")
    await expect(verifier.get_by_test_id(f"terminal-{aid}")).to_have_text(
        "广东省公共资源交易中心")
    await screenshot(verifier, "var/console-verify-terminal.png")
    await verifier.goto(verifier.url.replace("/console/verify", f"/console/verify/{aid}/request"))
    await expect(verifier.get_by_test_id("terminal")).to_have_text("广东省公共资源交易中心")
    # the handler's list shows the activity's name (活动名称) and finds it by it
    name = (await DrawActivity.get(id=aid)).name
    await desk.goto(desk.url.split("/console/")[0] + "/console/activities")
    await desk.get_by_label("活动名称").fill(name[-6:])
    await desk.get_by_test_id("search").click()
    await expect(desk.get_by_test_id(f"activity-name-{aid}")).to_have_text(name)
    await screenshot(desk, "var/console-activities-by-name.png")
