"""The sandbox simulator page in headless Chromium (Debian's chromium, driven by Playwright;
no browser is downloaded): chat as a demo user, trigger pushes, use the menu."""

from __future__ import annotations

from aiohttp.test_utils import TestServer

from tests.support.browser import screenshot
from web.context import DOMAIN


async def test_chat_push_and_menu_in_the_simulator(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.async_api import expect

    await page.get_by_test_id("user-o_demo_expert").click()
    await expect(page.get_by_test_id("who")).to_contain_text("李建国")

    # chat through the real, signed and encrypted callback path
    await page.get_by_test_id("text").fill("帮助")
    await page.get_by_test_id("send").click()
    await expect(page.get_by_test_id("reply").last).to_contain_text("绑定")

    # a push inside the 48 h window arrives as a customer-service message
    await page.get_by_test_id("notify").click()
    await expect(page.get_by_test_id("inbox-custom_text")).to_contain_text("测试通知")
    await expect(page.get_by_test_id("pushed").last).to_contain_text("测试通知")

    # once the window has closed, the next push is a template message
    await page.get_by_test_id("close-window").click()
    await page.get_by_test_id("notify").click()
    # shown as WeChat shows it: each field under its label, never its key (thing1)
    await expect(page.get_by_test_id("inbox-template")).to_contain_text("内容")
    await expect(page.get_by_test_id("inbox-template")).not_to_contain_text("thing1")

    # the custom menu, as pushed to the (fake) platform
    await page.get_by_role("button", name="我的", exact=True).click()
    await page.get_by_test_id("menu-ME").click()
    await expect(page.get_by_test_id("reply").last).to_contain_text("GD-ZJ-000001")


async def test_a_demo_draw_and_a_payment_in_the_simulator(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.async_api import expect

    from models.draws import Invitation, InvitationStatus
    from models.wechat import Channel, WeChatIdentity

    # as the agency: a verified draw over the six pool experts starts
    await page.get_by_test_id("user-o_demo_expert").click()
    await page.get_by_test_id("demo-draw").click()
    await expect(page.get_by_text("已开始演示抽取")).to_be_visible()
    invited = await Invitation.filter(status=InvitationStatus.SENT).first()
    assert invited is not None
    openid = (await WeChatIdentity.get(person_id=invited.person_id,
                                       channel=Channel.OFFICIAL_ACCOUNT)).openid
    # as the invited expert: the invitation is in the inbox, and 1 confirms
    await page.get_by_test_id(f"user-{openid}").click()
    await expect(page.get_by_test_id("inbox")).to_contain_text("广州公共资源交易中心",
                                                                timeout=15_000)
    await page.get_by_test_id("text").fill("1")
    await page.get_by_test_id("send").click()
    await expect(page.get_by_test_id("reply").last).to_contain_text("已确认参加")

    # as 李建国: 缴费 shows the course fee, the order appears, 扫码支付 pays it
    await page.get_by_test_id("user-o_demo_expert").click()
    await page.get_by_test_id("text").fill("缴费")
    await page.get_by_test_id("send").click()
    await expect(page.get_by_test_id("reply").last).to_contain_text("200.00元")
    pay = page.locator("[data-testid^='pay-EB']").first
    await expect(pay).to_be_visible(timeout=10_000)
    await pay.click()
    await expect(page.get_by_test_id("inbox")).to_contain_text("缴费成功", timeout=10_000)


async def test_an_sms_reply_and_a_keypress_in_the_simulator(  # type: ignore[no-untyped-def]
        page, sandbox: TestServer) -> None:
    """The simulator shows each phone's SMS with a reply box, and rings a call with
    a keypad; both reach the service as the providers' callbacks do."""
    from datetime import UTC, datetime

    from playwright.async_api import expect

    from models.draws import Invitation, InvitationStatus
    from models.wechat import Channel, WeChatIdentity

    await page.get_by_test_id("user-o_demo_expert").click()
    await page.get_by_test_id("demo-draw").click()
    await expect(page.get_by_text("已开始演示抽取")).to_be_visible()
    first, second = await Invitation.filter(status=InvitationStatus.SENT).order_by("id"
                                                                                   ).limit(2)

    async def show(item: Invitation) -> None:
        openid = (await WeChatIdentity.get(person_id=item.person_id,
                                           channel=Channel.OFFICIAL_ACCOUNT)).openid
        await page.get_by_test_id(f"user-{openid}").click()

    # the first replies 1 to the invitation SMS
    await show(first)
    sms = page.get_by_test_id("inbox-sms").filter(has_text="直接回复本短信")
    await sms.get_by_test_id("sms-reply-text").fill("1")
    await sms.get_by_test_id("sms-reply-send").click()
    await expect(page.get_by_test_id("inbox")).to_contain_text("已确认参加", timeout=10_000)
    assert (await Invitation.get(id=first.id)).answered_via == "sms"
    # the second does not answer: the phone rings, and 2 declines
    calls = sandbox.app[DOMAIN].draws.running.calls
    assert calls is not None
    await calls.call(second.id, 1, datetime.now(UTC))
    await show(second)
    await page.get_by_test_id("voice-key-2").click(timeout=10_000)
    # the keypad says so once the fake has pushed the key and the service answered it
    await expect(page.locator(".keypad").first).to_contain_text("已按 2", timeout=10_000)
    declined = await Invitation.get(id=second.id)
    assert declined.status == InvitationStatus.DECLINED and declined.answered_via == "voice"


async def test_a_visitor_binds_with_the_code_sent_to_their_phone(page) -> None:  # type: ignore[no-untyped-def]
    """A follower who has never bound (o_demo_visitor) binds to 郑小雨, a person on record
    who never used WeChat: 绑定, the ID number, and the code that SMS brought to her phone,
    shown in the simulator as her phone would show it."""
    import re

    from playwright.async_api import expect

    from services.demo import UNBOUND

    await page.get_by_test_id("user-o_demo_visitor").click()
    await page.get_by_test_id("text").fill("绑定")
    await page.get_by_test_id("send").click()
    await expect(page.get_by_test_id("reply").last).to_contain_text("身份证号")
    await page.get_by_test_id("text").fill(UNBOUND[1])
    await page.get_by_test_id("send").click()
    await expect(page.get_by_test_id("reply").last).to_contain_text("验证码")
    sms = page.get_by_test_id("inbox-sms").first
    await expect(sms).to_contain_text("验证码", timeout=15_000)
    code = re.search(r"\d{6}", await sms.inner_text())
    assert code, await sms.inner_text()
    await page.get_by_test_id("text").fill(code.group(0))
    await page.get_by_test_id("send").click()
    await expect(page.get_by_test_id("reply").last).to_contain_text("绑定成功")
    await expect(page.get_by_test_id("reply").last).to_contain_text("郑小雨")


async def test_a_link_in_a_message_opens_its_page_as_the_phone_would(  # type: ignore[no-untyped-def]
        page, sandbox: TestServer) -> None:
    """What an expert does from a message's link (answer an invitation; appeal a sanction,
    reply to a record, give a bank account for a fee) the simulator does too: the address in
    the SMS is a link that opens the page in a new tab."""
    from playwright.async_api import expect

    from models.draws import Invitation, InvitationStatus
    from models.wechat import Channel, WeChatIdentity

    await page.get_by_test_id("user-o_demo_expert").click()
    await page.get_by_test_id("demo-draw").click()
    await expect(page.get_by_text("已开始演示抽取")).to_be_visible()
    first = await Invitation.filter(status=InvitationStatus.SENT).order_by("id").first()
    assert first is not None
    openid = (await WeChatIdentity.get(person_id=first.person_id,
                                       channel=Channel.OFFICIAL_ACCOUNT)).openid
    await page.get_by_test_id(f"user-{openid}").click()
    sms = page.get_by_test_id("inbox-sms").filter(has_text="直接回复本短信")
    link = sms.get_by_test_id("message-link").first
    assert "/a/" in (await link.get_attribute("href") or "")  # the invitation's answer page
    async with page.context.expect_page() as opened:
        await link.click()
    answer = await opened.value
    await expect(answer.locator("body")).to_contain_text("参加")
    await screenshot(answer, "var/simulator-link-page.png")
