"""A transfer's electronic receipt (电子回单) in Chromium: finance downloads it from its
专家费转账 page once archived, and the expert from the page the paid notice links to, which
says it is being made until it is (WX-PAY 电子回单: a receipt per transfer, shown to finance
on the transfer and to the expert by the page their notice links)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from models.notifications import Notification
from sandbox.pay.gateway import PayGateway
from tests.support.api import Api
from tests.support.browser import reload, screenshot, signed_in
from tests.support.payouts import fees_ready, funded, paid_by_transfer
from tests.support.wechat import Chat
from web.context import DOMAIN


async def test_finance_and_the_expert_download_the_receipt_of_a_paid_transfer(
        api: Api, chat: Chat, client: TestClient, demo: dict, browser: Any,
        pay_gateway: PayGateway) -> None:
    from playwright.async_api import expect

    aid, token, (item, _) = await fees_ready(api, chat, client, demo)
    assert (await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                           {"channel": "platform"})).status == 200
    await funded(api, demo, aid, token)
    pay_gateway.receipt_pending_queries = 10_000  # WeChat Pay still making it
    paid = await paid_by_transfer(api, pay_gateway, aid, token, item)
    told = await Notification.get(kind="fee.payout_paid", person_id=item.person_id)
    link = "/w/" + told.params["link"].split("/w/", 1)[1]
    # the expert opens the paid notice's link before the receipt is made: said in words
    phone = await browser.new_page()
    await phone.goto(str(client.server.make_url(link)))
    await expect(phone.get_by_test_id("closed")).to_contain_text("已转入您的微信零钱")
    await expect(phone.get_by_test_id("receipt-pending")).to_contain_text("正在生成")
    # made and archived, its digest checked
    receipts = client.app[DOMAIN].fees.receipts
    await receipts.sweep(datetime.now(UTC))
    pay_gateway.receipts[paid.out_bill_no].waits = 0
    await receipts.sweep(datetime.now(UTC))
    announced = pay_gateway.receipts[paid.out_bill_no].file
    await reload(phone)
    await expect(phone.get_by_test_id("receipt")).to_have_text("下载电子回单（PDF）")
    await screenshot(phone, "var/page-transfer-receipt.png")
    async with phone.expect_download() as got:
        await phone.get_by_test_id("receipt").click()
    download = await got.value
    assert download.suggested_filename == f"receipt-{paid.out_bill_no}.pdf"
    assert await asyncio.to_thread(Path(await download.path()).read_bytes) == announced
    # finance: the transfer's row links the same file
    desk = await signed_in(browser, client.server, demo["finance"].phone, "/console/transfers")
    cell = desk.get_by_test_id(f"receipt-{paid.id}")
    await expect(cell.get_by_role("link", name="下载")).to_be_visible()
    await expect(desk.get_by_test_id("receipts-overdue")).to_have_count(0)
    await screenshot(desk, "var/console-transfers-receipt.png")
    async with desk.expect_download() as got:
        await cell.get_by_role("link", name="下载").click()
    saved = Path(await (await got.value).path())
    assert await asyncio.to_thread(saved.read_bytes) == announced
