"""A 公示 objection in headless Chromium, from the three sides: a member of the public objects
on the public page with a photo (a wrong captcha first: refused in words, what was typed still
there), the reviewer of the last stage reads it at the console — the objector masked, the
photo opened, the objector in full on purpose — and sustains it with a reason; the applicant
is told why, and so is the objector, by SMS."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from models.applications import Application, AppStatus, Objection
from models.wechat import Channel, WeChatIdentity
from sandbox.platform import Platform
from tests.support.api import Api
from tests.support.applications import in_notice
from tests.support.browser import screenshot, signed_in
from tests.support.helpers import eventually
from tests.support.leaks import NOT_PERSONAL
from web.context import PAGE_REDIS

PHONE = "13912340000"
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 3000


async def test_the_public_objects_the_reviewer_rules_both_are_told(
        api: Api, client: TestClient, demo: dict, platform: Platform, browser: Any,
        tmp_path: Path) -> None:
    from playwright.async_api import expect

    app = await in_notice(api, demo)
    NOT_PERSONAL.add(PHONE)  # the objector's own number, given back to their browser
    photo = tmp_path / "职称证书.jpg"
    photo.write_bytes(JPG)
    # the public: from the board to the form of one applicant, on a phone
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    page = await context.new_page()
    await page.goto(str(client.make_url("/public-notice")))
    await page.get_by_test_id("object").first.click()
    await expect(page.get_by_test_id("whom")).to_contain_text("吉林省政府采购评审专家征集")
    await page.get_by_label("您的姓名").fill("周敏")
    await page.get_by_label("联系方式（手机号或电子邮箱）").fill(PHONE)
    await page.get_by_label("异议的事实和理由").fill("该人员提交的职称证书与发证机关记录不符")
    await page.get_by_label("证明材料（可选）").set_input_files(str(photo))
    await page.get_by_label("验证码").fill("0000")  # no captcha has a 0
    await page.get_by_test_id("submit").click()
    await expect(page.get_by_test_id("refused")).to_contain_text("验证码不对或已过期")
    await expect(page.get_by_label("您的姓名")).to_have_value("周敏")
    await expect(page.get_by_label("联系方式（手机号或电子邮箱）")).to_have_value(PHONE)
    await expect(page.get_by_test_id("captcha-image")).to_have_js_property("naturalWidth", 160)
    await screenshot(page, "var/objection-refused.png")
    # the picture read (here, the answer Redis keeps for it), the photo chosen again
    challenge = await page.locator("input[name=challenge]").input_value()
    store = client.app[PAGE_REDIS]
    kept = await store.redis.get(store.keys.captcha(challenge))
    await page.get_by_label("证明材料（可选）").set_input_files(str(photo))
    await page.get_by_label("验证码").fill(kept.decode() if isinstance(kept, bytes) else kept)
    await page.get_by_test_id("submit").click()
    await expect(page.get_by_test_id("done")).to_contain_text("以短信发送到您留下的手机号")
    given = await page.get_by_test_id("number").inner_text()
    await screenshot(page, "var/objection-done.png")
    await context.close()
    (objection,) = await Objection.filter(application_id=app.id)
    assert objection.evidence[0]["filename"] == "职称证书.jpg"
    number = f"YY{objection.id:06d}"

    # the reviewer of the last stage, at the console
    desk = await signed_in(browser, client.server, demo["reviewer_final"].phone,
                           "/console/home")
    await expect(desk.get_by_test_id("objections-waiting")).to_contain_text("1 条")
    await desk.get_by_role("link", name="去处理").click()
    assert given == number
    card = desk.get_by_test_id(f"objection-{objection.id}")
    await expect(desk.get_by_test_id(f"number-{objection.id}")).to_have_text(number)
    await expect(card).to_contain_text("职称证书与发证机关记录不符")
    await expect(desk.get_by_test_id(f"objector-{objection.id}")).to_have_text(
        "周*（139****0000）")
    await expect(desk.get_by_test_id(f"ruling-{objection.id}")).to_have_text("待处理")
    async with desk.expect_popup() as opened:
        await desk.get_by_test_id(f"evidence-{objection.id}-0").click()
    shown = await opened.value
    assert (await shown.evaluate("document.contentType")) == "image/jpeg"
    await shown.close()
    await screenshot(desk, "var/console-objections.png")
    await desk.get_by_test_id(f"reveal-{objection.id}").click()
    await expect(desk.get_by_test_id("objector-contact")).to_contain_text(PHONE)
    await expect(desk.get_by_test_id("objector-name")).to_contain_text("周敏")
    await desk.get_by_role("link", name="返回公示异议").click()
    await desk.get_by_test_id(f"sustained-{objection.id}").check()
    await desk.get_by_label("处理理由（必填，告知异议人；异议成立时也告知申请人）").fill(
        "经向发证机关核实，职称证书不实")
    await desk.get_by_test_id(f"rule-{objection.id}").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("异议成立")
    await expect(desk.get_by_test_id(f"ruling-{objection.id}")).to_have_text("异议成立")
    await screenshot(desk, "var/console-objection-ruled.png")
    await desk.context.close()

    # the applicant: not admitted, told why in WeChat
    assert (await Application.get(id=app.id)).status == AppStatus.REJECTED
    openid = (await WeChatIdentity.get(person_id=app.person_id,
                                       channel=Channel.OFFICIAL_ACCOUNT)).openid
    await eventually(lambda: any("职称证书不实" in json.dumps(s.payload, ensure_ascii=False)
                                 for s in platform.sent_to(openid)), timeout=15)
    # the objector: by SMS
    await eventually(lambda: len(platform.sms_to(PHONE)) == 1, timeout=15)
    assert "异议成立" in platform.sms_to(PHONE)[0]
