"""The trading centre's verifier at the venue, in Chromium: turns the identity check on for
the centre's venue, then at the door enters the code an expert shows, holds the ID card
against the name and masked number it names, and checks them in (the non-face way), and
out when they leave."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from models.draws import Invitation
from models.people import Person
from tests.support.api import Api
from tests.support.browser import screenshot, signed_in
from tests.support.clock import MovedClock
from tests.support.draw_world import drawn, first_confirmed, make_experts, the_evaluation_starts_now
from tests.support.wechat import Chat

VENUE = "广州公共资源交易中心"


async def test_the_verifier_turns_the_check_on_and_checks_an_id_card_at_the_door(
        api: Api, chat: Chat, client: TestClient, demo: dict, browser: Any,
        clock: MovedClock) -> None:
    from playwright.async_api import expect

    await make_experts(client, 6)
    aid, _ = await drawn(api, chat, demo)
    clock.clear_of_china_midnight()  # the day's list is by the gathering's China day
    await the_evaluation_starts_now(aid, clock.now())
    first = await first_confirmed(aid)
    expert = await Person.get(id=first.person_id)

    desk = await signed_in(browser, client.server, demo["verifier"].phone, "/console/venues")
    await expect(desk.get_by_test_id("venues")).to_contain_text("还没有登记场所")
    await desk.get_by_label("评标场所名称").fill(VENUE)
    # the place is picked by name, as the activity form's places are: no code to type
    await expect(desk.get_by_label("地区代码")).to_have_count(0)
    place = desk.get_by_test_id("venue-region")
    await place.get_by_label("省").select_option(label="广东省")
    await place.get_by_label("市").select_option(label="广州市")
    await expect(place).to_contain_text("广东省广州市")
    await desk.get_by_test_id("save-venue").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已开启签到身份核验")
    await expect(desk.get_by_test_id("venues")).to_contain_text("广东省广州市")
    await expect(desk.get_by_test_id("venues")).not_to_contain_text("4401")
    await expect(desk.get_by_test_id("venues-hint")).to_contain_text("不看通知里场所名称的写法")
    await screenshot(desk, "var/console-venues.png")

    await desk.get_by_role("link", name="现场签到核验").click()
    await expect(desk.get_by_test_id("evaluations")).to_contain_text(VENUE)
    await desk.get_by_label("验证码").fill(first.code)
    await desk.get_by_test_id(f"look-{aid}").click()
    card = desk.get_by_test_id("presented")
    await expect(card).to_contain_text(expert.name)
    await expect(card).to_contain_text(expert.id_masked)
    await screenshot(desk, "var/console-venue-check.png")
    await desk.get_by_test_id("matches").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已签到")
    await expect(desk.get_by_test_id("evaluations")).to_contain_text("1/2")
    assert (await Invitation.get(id=first.id)).checkin_at is not None
    # the expert leaves (he has no WeChat to scan with): the desk registers it, not before
    # 10 minutes after the check-in
    await desk.get_by_label("验证码").fill(first.code)
    await desk.get_by_test_id(f"look-{aid}").click()
    await expect(desk.get_by_test_id("presented")).to_contain_text("离场时请选择“登记签退”")
    await desk.get_by_test_id("checkout").click()
    await expect(desk.get_by_role("alert").first).to_contain_text("签到10分钟后才能登记签退")
    checked_in_at = (await Invitation.get(id=first.id)).checkin_at
    assert checked_in_at is not None
    await Invitation.filter(id=first.id).update(checkin_at=checked_in_at - timedelta(minutes=11))
    await desk.get_by_label("验证码").fill(first.code)
    await desk.get_by_test_id(f"look-{aid}").click()
    await desk.get_by_test_id("checkout").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text(f"已为{expert.name}登记签退")
    assert (await Invitation.get(id=first.id)).checkout_at is not None
    await desk.get_by_label("验证码").fill(first.code)
    await desk.get_by_test_id(f"look-{aid}").click()
    await expect(desk.get_by_test_id("presented")).to_contain_text("签退")
    await expect(desk.get_by_test_id("checkout")).to_have_count(0)
    await screenshot(desk, "var/console-venue-checkout.png")
    # a code nobody of this evaluation holds: refused in words, on the same page
    await desk.get_by_label("验证码").fill("000000")
    await desk.get_by_test_id(f"look-{aid}").click()
    await expect(desk.get_by_role("alert").first).to_contain_text("验证码")
