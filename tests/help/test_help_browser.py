"""The help context's pages in Chromium: the public 帮助中心 (search in one's own words, an
entry's page), the administrator's keeping of an entry (a refusal keeps what was typed; a
save is a new version listed below), and the 客服工作台 where the staff answer a person who
asked for 人工客服 in chat."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp.test_utils import TestClient

from models.help import SupportMessage, SupportTicket
from sandbox.platform import Platform
from tests.support.browser import screenshot, signed_in
from tests.support.helpers import eventually
from tests.support.wechat import Chat
from web.context import DOMAIN


async def test_the_help_center_answers_a_question_and_shows_the_entry(
        client: TestClient, browser: Any) -> None:
    from playwright.async_api import expect

    page = await browser.new_page()
    await page.goto(str(client.server.make_url("/help")))
    await expect(page.get_by_test_id("guides")).to_be_visible()
    await page.get_by_test_id("audiences").get_by_role("link", name="评标专家").click()
    await page.get_by_label("搜索常见问题").fill("评完标劳务费多久能到账")
    await page.get_by_role("button", name="搜索").click()
    await expect(page.get_by_test_id("answer")).to_contain_text("劳务费由谁发")
    await screenshot(page, "var/page-help-center.png")
    await page.get_by_test_id("answer").get_by_role("link").click()
    await expect(page.get_by_test_id("body")).to_be_visible()
    await expect(page.get_by_test_id("contact")).to_contain_text("人工客服")
    await screenshot(page, "var/page-help-entry.png")
    await page.goto(str(client.server.make_url("/help?q=明天广州会下雨吗")))
    await expect(page.get_by_test_id("unsure")).to_contain_text("人工客服")


async def test_the_administrator_edits_an_entry_and_reads_its_versions(
        client: TestClient, demo: dict, browser: Any) -> None:
    from playwright.async_api import expect

    desk = await signed_in(browser, client.server, demo["admin"].phone, "/console/help-entries")
    await expect(desk.get_by_test_id("entry-fees-tax")).to_contain_text("系统发布")
    await screenshot(desk, "var/console-help-entries.png")
    await desk.get_by_test_id("entry-fees-tax").get_by_role("link").click()
    form = desk.get_by_test_id("entry-form")
    await form.get_by_label("标题（用户会怎么问）").fill("劳务费要不要交个人所得税？")
    await form.get_by_label("内容").fill("太短")
    await form.get_by_test_id("save-entry").click()
    # refused in words; what was typed is still there
    await expect(desk.get_by_test_id("flash")).to_be_visible()
    title = form.get_by_label("标题（用户会怎么问）")
    await expect(title).to_have_value("劳务费要不要交个人所得税？")
    await form.get_by_label("内容").fill("评标劳务费属于劳务报酬所得，由支付单位代扣代缴个税。")
    await form.get_by_label("财务人员").check()
    await form.get_by_label("修改说明（记入版本记录）").fill("按财务意见改写")
    await form.get_by_test_id("save-entry").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("第2版")
    versions = desk.get_by_test_id("versions")
    await expect(versions.locator("tr")).to_have_count(3)
    await expect(versions).to_contain_text("按财务意见改写")
    await expect(versions).to_contain_text("系统发布")
    await screenshot(desk, "var/console-help-entry.png")


async def test_the_staff_answer_a_person_who_asked_for_a_human(
        chat: Chat, client: TestClient, demo: dict, browser: Any,
        platform: Platform) -> None:
    from playwright.async_api import expect

    expert = demo["expert"]
    await chat.say(expert.openid, "继续教育学时不够怎么办")
    await chat.say(expert.openid, "人工客服")
    platform.interact(expert.openid)
    # (a reply past WeChat's budget is answered later, by a job: the first question of a
    # loaded worker may be, and the request for a person waits behind it)
    await eventually(lambda: SupportTicket.exists(openid=expert.openid), timeout=15)
    desk = await signed_in(browser, client.server, demo["support"].phone, "/console/support")
    row = desk.get_by_test_id("tickets").locator("tr", has_text="评标专家")
    await expect(row).to_contain_text("待回复")
    await screenshot(desk, "var/console-support.png")
    await row.get_by_role("link").click()
    await expect(desk.get_by_test_id("conversation")).to_contain_text("继续教育学时不够怎么办")
    await desk.get_by_label("回复（发给咨询人，最多500字）").fill(
        "继续教育请在小程序「继续教育」中补学，学完即可。")
    await desk.get_by_test_id("send-reply").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("回复已发出")
    await expect(desk.get_by_test_id("conversation")).to_contain_text("学完即可")
    await screenshot(desk, "var/console-support-ticket.png")
    await eventually(lambda: any("学完即可" in str(s.payload)
                                 for s in platform.received_by(expert.openid)), timeout=10)


async def test_the_desks_homes_count_who_waits_and_the_ticket_shows_the_bots_answers(
        chat: Chat, client: TestClient, demo: dict, browser: Any) -> None:
    from playwright.async_api import expect

    page = await browser.new_page()
    await page.goto(str(client.server.make_url("/console/")))
    await expect(page.get_by_text("客服人员").first).to_be_visible()  # the sign-in page
    applicant = demo["applicant"]
    await chat.say(applicant.openid, "劳务费扣税吗")  # the knowledge base loaded
    await chat.say(applicant.openid, "缴费以后发票在哪里看")
    await chat.say(applicant.openid, "人工客服")
    await chat.say(applicant.openid, "我上个月交的培训费想退，但是上面说不行，能不能帮我看看")

    async def asked() -> bool:  # (the ticket is written off the reply's path: the home
        # page counts it once, when it loads)
        ticket = await SupportTicket.get_or_none(openid=applicant.openid)
        return ticket is not None and await SupportMessage.filter(
            ticket_id=ticket.id, text__contains="培训费想退").exists()

    await eventually(asked, timeout=15)
    desk = await signed_in(browser, client.server, demo["support"].phone, "/console/home")
    waiting = desk.get_by_test_id("support-waiting")
    await expect(waiting).to_contain_text("待回复的人工客服咨询 1 条")
    await expect(desk.get_by_test_id("support-oldest")).to_contain_text("分钟")
    await expect(desk.get_by_text("没有需要在工作台处理的事项")).to_have_count(0)
    await screenshot(desk, "var/console-support-home.png")
    await waiting.get_by_role("link", name="去回复").click()
    await desk.get_by_test_id("tickets").locator("tr", has_text="申请人").get_by_role(
        "link").click()
    await expect(desk.get_by_test_id("bot-answer").nth(1)).to_contain_text("发票怎么开")
    await expect(desk.get_by_test_id("conversation")).to_contain_text("培训费想退")
    await screenshot(desk, "var/console-support-ticket-bot.png")
    admin = await signed_in(browser, client.server, demo["admin"].phone, "/console/home")
    await expect(admin.get_by_test_id("support-waiting")).to_contain_text("1 条")
    await expect(admin.get_by_test_id("support-waiting").get_by_role("link")).to_have_count(0)
    await screenshot(admin, "var/console-admin-home-support.png")


async def test_the_staff_call_back_a_person_who_asked_by_sms(
        client: TestClient, demo: dict, browser: Any) -> None:
    from playwright.async_api import expect

    number = "13912345671"  # someone who replied 人工 to the help by SMS
    ticket, _ = await client.app[DOMAIN].support.callback(
        f"sms:{number}-key", number, None, datetime.now(UTC))
    desk = await signed_in(browser, client.server, demo["support"].phone,
                           f"/console/support/{ticket.id}")
    await expect(desk.get_by_test_id("callback")).to_contain_text("139****5671")
    await expect(desk.get_by_test_id("reply-form")).to_have_count(0)  # no chat to write to
    await desk.get_by_test_id("show-number").click()
    await expect(desk.get_by_test_id("callback-number")).to_have_text(number)
    await screenshot(desk, "var/console-support-callback.png")
    await desk.get_by_role("link", name="返回这次咨询").click()
    await desk.get_by_test_id("close-ticket").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("结束")
