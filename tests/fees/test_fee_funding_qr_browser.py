"""The agency's fee page in Chromium: the sheet paid by scanning its QR code, then with
finance."""

from __future__ import annotations

import re
from typing import Any

from aiohttp.test_utils import TestClient

from sandbox.pay.gateway import PayGateway
from tests.support.api import Api
from tests.support.browser import reload, screenshot, signed_in
from tests.support.payouts import fees_ready, record
from tests.support.wechat import Chat


async def test_the_agency_pays_the_sheet_by_qr_in_the_console(
        api: Api, chat: Chat, client: TestClient, demo: dict, browser: Any,
        pay_gateway: PayGateway) -> None:
    from playwright.async_api import expect

    aid, token, served = await fees_ready(api, chat, client, demo)
    assert (await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                           {"channel": "platform"})).status == 200
    for item in served:
        assert (await record(api, aid, token, item)).status == 200
    desk = await signed_in(browser, client.server, demo["handler"].phone,
                           f"/console/activities/{aid}/fees")
    said: list[str] = []

    async def accept(dialog: Any) -> None:
        said.append(dialog.message)
        await dialog.accept()
    desk.on("dialog", accept)
    await desk.get_by_test_id("pay-funding").click()
    await expect(desk.get_by_test_id("pay-qr")).to_be_visible()
    assert "800.00元" in said[-1]
    card = desk.get_by_test_id("fee-pay")
    await expect(card).to_contain_text("应付 800.00元")
    await screenshot(desk, "var/console-fee-pay.png")
    found = re.search(r"商户订单号 (\w+)", await card.inner_text())
    assert found
    await pay_gateway.scan_and_pay(found.group(1))  # the handler's phone scans it
    await desk.get_by_test_id("back-to-fees").click()
    funding = desk.get_by_test_id("funding")
    for _ in range(20):  # the notification settles it in the background
        if "待财务确认到账并批准" in await funding.inner_text():
            break
        await desk.wait_for_timeout(250)
        await reload(desk)
        funding = desk.get_by_test_id("funding")
    await expect(funding).to_contain_text("待财务确认到账并批准")
    await expect(funding).to_contain_text("微信支付")
