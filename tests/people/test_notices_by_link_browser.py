"""The appeal and the reply from an SMS link, in Chromium at a phone's size: an expert with
no WeChat appeals a warning and replies to a performance record."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp.test_utils import TestClient

from models.experts import ExpertProfile
from models.people import Person
from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from services.common.clock import CHINA
from tests.support.api import Api
from tests.support.browser import screenshot
from tests.support.performance import LATE_AND_AWAY, ended_evaluation
from tests.support.sms import sms_link
from tests.support.wechat import Chat


async def test_an_expert_appeals_and_replies_on_a_phone(
        api: Api, chat: Chat, client: TestClient, demo: dict, browser: Any,
        platform: Platform) -> None:
    from playwright.async_api import expect

    aid, token, served = await ended_evaluation(api, chat, client, demo)
    first = served[0]
    await WeChatIdentity.filter(person_id=first.person_id).delete()
    person = await Person.get(id=first.person_id)
    assert (await api.call("PUT", f"/draws/activities/{aid}/performance/{first.id}", token,
                           LATE_AND_AWAY)).status == 200
    admin = await api.login(demo["admin"].mp_openid)
    expert = await ExpertProfile.get(person_id=person.id)
    today = datetime.now(UTC).astimezone(CHINA).date()
    assert (await api.call("POST", "/admin/sanctions", admin, {
        "expert_number": expert.expert_number, "kind": "warning",
        "reason": "评标时擅离职守约1小时", "starts_on": today.isoformat()})).status == 200
    phone = await (await browser.new_context(viewport={"width": 390, "height": 844})
                   ).new_page()
    await phone.goto(str(client.server.make_url(
        await sms_link(platform, person.phone or "", "/s/"))))
    await expect(phone.locator("table")).to_contain_text("评标时擅离职守约1小时")
    await phone.get_by_label("如有异议，请写明理由").fill("离开系经组长同意，有签字记录。")
    await phone.get_by_test_id("appeal").click()
    await expect(phone.get_by_test_id("said")).to_contain_text("申诉已提交")
    await expect(phone.get_by_test_id("appealed")).to_contain_text("有签字记录")
    await screenshot(phone, "var/phone-appeal.png")
    await phone.goto(str(client.server.make_url(
        await sms_link(platform, person.phone or "", "/r/"))))
    await expect(phone.locator("table")).to_contain_text("擅离职守")
    await phone.get_by_label("您的说明").fill("当天因地铁故障迟到，已提前告知联系人。")
    await phone.get_by_test_id("dispute").check()
    await phone.get_by_test_id("reply").click()
    await expect(phone.get_by_test_id("said")).to_contain_text("说明已提交")
    await expect(phone.get_by_test_id("replied")).to_contain_text("并申请复核")
    await screenshot(phone, "var/phone-reply.png")
