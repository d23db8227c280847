"""Acting for one of two legal persons at the desk, in headless Chromium on the service as
`make run` starts it (GD-DRAW: "登录后选择以经办企业的身份进入系统"): the handler's front page
asks whom to act for, the activity list says to choose first, and once one is chosen the
front page, the projects and the activities are that one's; switching shows the other's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestServer

from models.draws import Project
from models.people import Agency, Person, Role, RoleGrant, phone_is
from services.demo_codes import demo_credit_code
from tests.support.browser import screenshot, signed_in

HANDLER = "13800000004"
SECOND = "佛山市示例工程咨询有限公司"


async def test_the_handler_chooses_whom_to_act_for_and_switches(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    person = await Person.get(phone_is(HANDLER))
    first = (await RoleGrant.get(person_id=person.id, role=Role.AGENCY_HANDLER)).agency_id
    other = await Agency.create(name=SECOND, credit_code=demo_credit_code(77))
    await RoleGrant.create(person=person, role=Role.AGENCY_HANDLER, agency=other,
                           valid_from=datetime.now(UTC),
                           valid_until=datetime.now(UTC) + timedelta(days=90))
    for agency_id, name in ((first, "广州某中学新建工程"), (other.id, "佛山某中学改建工程")):
        await Project.create(agency_id=agency_id, created_by=person.id, name=name, kind="工程",
                             region="440106", tenderer_name="某中学",
                             tenderer_credit_code=demo_credit_code(50))
    desk = await signed_in(browser, sandbox, HANDLER, "/console/home")
    acting = desk.get_by_test_id("acting")
    await expect(acting).to_contain_text("广州市示例招标代理有限公司")
    await expect(acting).to_contain_text(SECOND)
    await expect(desk.get_by_test_id("acting-now")).to_have_count(0)
    await expect(desk.get_by_test_id("dashboard")).to_have_count(0)
    await screenshot(desk, "var/console-acting-choose.png")
    await desk.goto(str(sandbox.make_url("/console/projects")))
    await expect(desk.locator("main")).to_contain_text("请先在工作台首页")
    await desk.goto(str(sandbox.make_url("/console/home")))
    await desk.get_by_test_id(f"act-for-{other.id}").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text(f"现在以{SECOND}的身份办理")
    await expect(desk.get_by_test_id(f"choice-{other.id}")).to_contain_text("当前办理机构")
    await expect(desk.get_by_test_id("standing")).to_contain_text(SECOND)
    await expect(desk.get_by_test_id("dashboard")).to_be_visible()
    await screenshot(desk, "var/console-acting-chosen.png")
    await desk.goto(str(sandbox.make_url("/console/projects")))
    await expect(desk.locator("main")).to_contain_text("佛山某中学改建工程")
    await expect(desk.locator("main")).not_to_contain_text("广州某中学新建工程")
    await desk.goto(str(sandbox.make_url("/console/home")))
    await desk.get_by_test_id(f"act-for-{first}").click()
    await expect(desk.get_by_test_id("standing")).to_contain_text("广州市示例招标代理有限公司")
    await desk.goto(str(sandbox.make_url("/console/projects")))
    await expect(desk.locator("main")).to_contain_text("广州某中学新建工程")
    await expect(desk.locator("main")).not_to_contain_text("佛山某中学改建工程")
    await screenshot(desk, "var/console-acting-projects.png")
