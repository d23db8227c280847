"""The link at the desk, in headless Chromium on the service as `make run` starts it: the
legal person asks two registered people to be handlers (GD-DRAW: "添加个人账户并设置有效期");
each finds the request on the front page (个人账户进入账户管理处理关联申请) — one accepts and
can then open the activities, the other refuses — and the legal person's list says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestServer

from services.common.clock import CHINA
from tests.support.browser import reload, screenshot, signed_in

LEGAL, APPLICANT, EXPERT = "13800000003", "13800000001", "13800000002"


async def test_a_handler_accepts_the_link_and_another_refuses_it(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    legal = await signed_in(browser, sandbox, LEGAL, "/console/handlers")
    until = (datetime.now(UTC) + timedelta(days=200)).astimezone(CHINA)
    for phone in (APPLICANT, EXPERT):
        await legal.get_by_label("经办人手机号").fill(phone)
        await legal.get_by_label("有效期至").fill(f"{until:%Y-%m-%dT%H:%M}")
        await legal.get_by_test_id("link-handler").click()
        await expect(legal.get_by_test_id("flash")).to_contain_text("发出经办人关联申请")
    await expect(legal.get_by_test_id("handlers")).to_contain_text("待经办人确认")
    await screenshot(legal, "var/console-handler-links-asked.png")

    person = await signed_in(browser, sandbox, APPLICANT, "/console/home")
    requests = person.get_by_test_id("link-requests")
    await expect(requests).to_contain_text("广州市示例招标代理有限公司")
    await expect(requests).to_contain_text(f"有效期至 {until:%Y年%m月%d日}")
    await screenshot(person, "var/console-link-request.png")
    await requests.get_by_role("button", name="接受").click()
    await expect(person.get_by_test_id("flash")).to_contain_text(
        "您已成为广州市示例招标代理有限公司的经办人")
    await expect(person.get_by_test_id("link-requests")).to_have_count(0)
    await expect(person.get_by_test_id("standing")).to_contain_text("代理机构经办人")
    await person.goto(str(sandbox.make_url("/console/activities")))
    await expect(person.get_by_test_id("activities")).to_be_visible()

    other = await signed_in(browser, sandbox, EXPERT, "/console/home")
    other.on("dialog", lambda dialog: dialog.accept())  # 拒绝…？ asks first
    await other.get_by_test_id("link-requests").get_by_role("button", name="拒绝").click()
    await expect(other.get_by_test_id("flash")).to_contain_text("已拒绝")
    await other.goto(str(sandbox.make_url("/console/activities")))
    await expect(other.locator("main")).not_to_contain_text("还没有抽取活动")

    await reload(legal)
    rows = legal.get_by_test_id("handlers")
    await expect(rows.locator("tr", has_text="王晓明")).to_contain_text("已接受")
    await expect(rows.locator("tr", has_text="李建国")).to_contain_text("经办人已拒绝")
    await expect(rows.locator("tr", has_text="李建国")).to_contain_text("移除")
    for raw in ("pending", "refused", "accepted"):
        await expect(legal.locator("main")).not_to_contain_text(raw)
    await screenshot(legal, "var/console-handler-links-answered.png")
