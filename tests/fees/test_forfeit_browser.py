"""The agency's fee page in Chromium once an expert's 早退 is confirmed on a 政府采购
evaluation (CK-198 Art. 25): the line says the fee is not paid, how much and why, the amount
the law allows stands in the field, and saving the full fee again is refused in words; then
finance's desk shows the submitted sheet's line with the same reason before it approves."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from sandbox.pay.gateway import PayGateway
from tests.support.api import Api
from tests.support.browser import screenshot, signed_in
from tests.support.fees import LEFT_EARLY, procured
from tests.support.payouts import fees_ready, record
from tests.support.wechat import Chat


async def test_the_fee_page_says_what_the_law_takes_and_why(
        api: Api, chat: Chat, client: TestClient, demo: dict, browser: Any,
        pay_gateway: PayGateway) -> None:
    from playwright.async_api import expect

    aid, token, (item, other) = await fees_ready(api, chat, client, demo)
    await procured(aid)
    assert (await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                           {"channel": "platform"})).status == 200
    for expert in (item, other):
        assert (await record(api, aid, token, expert)).status == 200
    made = await api.call("PUT", f"/draws/activities/{aid}/performance/{item.id}", token,
                          LEFT_EARLY)
    assert made.status == 200, made.data
    desk = await signed_in(browser, client.server, demo["handler"].phone,
                           f"/console/activities/{aid}/fees")
    withheld = desk.get_by_test_id(f"withheld-{item.id}")
    await expect(withheld).to_contain_text(
        "不予支付 400.00元：未完成评审工作擅自离开评审现场（早退）")
    await expect(withheld).to_contain_text("第二十五条不得获取劳务报酬和报销异地评审差旅费")
    await expect(desk.get_by_test_id(f"withheld-{other.id}")).to_have_count(0)
    name = await _name(api, aid, token, item.id)
    amount = desk.get_by_label(f"{name}的专家费")
    await expect(amount).to_have_value("0.00")
    await screenshot(desk, "var/console-fees-forfeit.png")
    # the full fee again is refused, saying the most the law allows
    await amount.fill("400.00")
    await desk.get_by_label(f"{name}的调整原因").fill("专家已说明")
    await desk.get_by_test_id("fees").locator("tr", has=amount).get_by_role(
        "button", name="保存").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("登记金额最多 0.00元")
    await screenshot(desk, "var/console-fees-forfeit-refused.png")

    # finance reads the reason on the submitted sheet, whose total is the reduced one
    assert (await api.call("POST", f"/draws/activities/{aid}/fee-funding", token,
                           {"reference": "HX2026009"})).status == 200
    money = await signed_in(browser, client.server, demo["finance"].phone,
                            "/console/fee-sheets")
    sheet = money.get_by_test_id(f"sheet-{aid}")
    await expect(sheet).to_contain_text("400.00元")
    await expect(sheet.get_by_test_id(f"withheld-{item.id}")).to_contain_text(
        "不予支付 400.00元：未完成评审工作擅自离开评审现场（早退）")
    await expect(sheet.get_by_test_id(f"withheld-{other.id}")).to_have_count(0)
    await screenshot(money, "var/console-fee-sheets-forfeit.png")


async def _name(api: Api, aid: int, token: str, invitation_id: int) -> str:
    fees = await api.call("GET", f"/draws/activities/{aid}/fees", token)
    return str(next(e["name"] for e in fees.data["experts"]
                    if e["invitation_id"] == invitation_id))
