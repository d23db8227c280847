"""Finance runs a day's reconciliation from its desk, in Chromium: the button asks first,
then the payments' and the transfers' results, a transfer missing from WeChat Pay's fund-flow
bill shown beside the payment findings (the fake gateway stands in for WeChat Pay)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from sandbox.pay.gateway import PayGateway
from tests.support.api import Api
from tests.support.browser import screenshot, signed_in
from tests.support.payments import bills_out_from_ten
from tests.support.transfer_bill import days_back, paid_fees
from tests.support.wechat import Chat


async def test_finance_runs_a_day_and_sees_the_transfer_findings(
        api: Api, chat: Chat, client: TestClient, demo: dict, browser: Any,
        pay_gateway: PayGateway) -> None:
    from playwright.async_api import expect

    _, (dropped, altered) = await paid_fees(api, chat, client, demo, pay_gateway)
    day = await days_back(pay_gateway, [dropped, altered], 1)
    bills_out_from_ten(pay_gateway)  # yesterday's bills out, whatever the hour
    pay_gateway.fundflow_dropped.add(dropped.out_bill_no)
    pay_gateway.fundflow_amount_override[altered.out_bill_no] = 39000
    desk = await signed_in(browser, client.server, demo["finance"].phone, "/console/payments")
    said: list[str] = []

    async def accept(dialog: Any) -> None:
        said.append(dialog.message)
        await dialog.accept()
    desk.on("dialog", accept)
    form = desk.get_by_test_id("reconcile-now")
    # today (China's) is offered first; finance picks yesterday
    await expect(form.get_by_label("核对日期")).to_have_value(
        f"{day + timedelta(days=1):%Y-%m-%d}")
    await form.get_by_label("核对日期").fill(f"{day:%Y-%m-%d}")
    await form.get_by_role("button", name="立即核对").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("（资金账单）有差异（2处）")
    assert "交易账单和资金账单" in said[-1]
    runs = desk.get_by_test_id(f"transfer-run-{day:%Y-%m-%d}")
    await expect(runs).to_contain_text("有差异")
    found = desk.get_by_test_id("transfer-mismatches")
    await expect(found).to_contain_text("本系统已发放，资金账单中没有")
    await expect(found).to_contain_text(dropped.out_bill_no)
    await expect(found.locator("tr", has_text=altered.out_bill_no)).to_contain_text("390.00")
    await screenshot(desk, "var/console-transfer-reconciliation.png")
    home = await signed_in(browser, client.server, demo["finance"].phone, "/console/home")
    await expect(home.get_by_test_id("transfer-differences")).to_contain_text("1")
