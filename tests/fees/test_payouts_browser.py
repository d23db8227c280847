"""The agency pays experts' fees through WeChat Pay at its desk, in Chromium: the activity
switched to 通过微信支付发放, a recorded fee sent, withdrawn, sent again, and shown paid once
the expert confirms (the fake gateway stands in for WeChat Pay and the expert's phone).
The issue: "The agency or the centre chooses per activity whether fees are paid through the
platform or recorded as paid elsewhere"; GD-DRAW: the agency records 专家酬劳支付情况."""

from __future__ import annotations

import re
from typing import Any

from aiohttp.test_utils import TestClient

from models.draws import Invitation
from models.money.payouts import Payout
from models.people import Person
from sandbox.pay.gateway import PayGateway
from sandbox.pay.transfer import TransferDesk
from tests.support.api import Api
from tests.support.browser import reload, screenshot, signed_in
from tests.support.helpers import eventually
from tests.support.payouts import bill_of, fees_ready, record
from tests.support.wechat import Chat


async def test_the_agency_sends_withdraws_and_sees_a_fee_paid(
        api: Api, chat: Chat, client: TestClient, demo: dict, browser: Any,
        pay_gateway: PayGateway) -> None:
    from playwright.async_api import expect

    aid, token, (item, other) = await fees_ready(api, chat, client, demo)
    desk = await signed_in(browser, client.server, demo["handler"].phone,
                           f"/console/activities/{aid}/fees")
    channel = desk.get_by_test_id("fee-channel")
    await expect(channel).to_contain_text("线下支付并登记")
    await channel.get_by_role("button", name="改为通过微信支付发放").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("专家在小程序中确认收款")
    await expect(desk.get_by_test_id("fee-channel")).to_contain_text("通过微信支付发放")
    # no fee recorded yet: nothing to pay or submit, and the page says why beside the buttons
    for button in ("pay-funding", "submit-funding"):
        await expect(desk.get_by_test_id(button)).to_be_disabled()
        await expect(desk.get_by_test_id(f"why-{button}")).to_have_text(
            "还有 2 位专家的酬劳没有登记，请全部登记并保存后再付款或提交")
    for expert in (item, other):
        assert (await record(api, aid, token, expert)).status == 200
    await reload(desk)
    for button in ("pay-funding", "submit-funding"):
        await expect(desk.get_by_test_id(button)).to_be_enabled()
        await expect(desk.get_by_test_id(f"why-{button}")).to_have_count(0)
    # nothing leaves the centre's account before the sheet is funded and approved
    row = desk.get_by_test_id("fees").locator("tr", has_text="已登记 400.00元").first
    await expect(row.get_by_role("button", name="发放 400.00元")).to_be_disabled()
    await expect(row.get_by_text("专家费清单经财务批准后才能发放")).to_be_visible()  # why, in words
    await screenshot(desk, "var/console-fees-before-approval.png")
    said: list[str] = []

    async def accept(dialog: Any) -> None:  # each action that moves money asks first
        said.append(dialog.message)
        await dialog.accept()
    desk.on("dialog", accept)
    await desk.get_by_label("银行转账凭证号（合计 800.00元）").fill("HX20261125001")
    await desk.get_by_test_id("submit-funding").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已提交给财务")
    assert "800.00元" in said[-1] and "转入交易中心账户" in said[-1]
    await expect(desk.get_by_test_id("funding")).to_contain_text("待财务确认到账并批准")
    await expect(desk.get_by_test_id(f"locked-{other.id}")).to_have_text(
        "清单已提交财务，如需修改请财务退回清单")
    # finance, at its own desk: the sheet, each fee beside the standard's, approved
    money = await signed_in(browser, client.server, demo["finance"].phone,
                            "/console/fee-sheets")
    money.on("dialog", accept)
    sheet = money.get_by_test_id(f"sheet-{aid}")
    await expect(sheet).to_contain_text("HX20261125001")
    await expect(sheet).to_contain_text("800.00元")
    for expert in (item, other):  # both use the mini-program
        await expect(sheet.get_by_test_id(f"way-{expert.id}")).to_contain_text(
            "由代理机构通过微信支付发放")
    await screenshot(money, "var/console-fee-sheets.png")
    await sheet.get_by_test_id(f"approve-{aid}").click()
    await expect(money.get_by_test_id("flash")).to_contain_text("已批准")
    names = [r.name for r in await Person.filter(id__in=[item.person_id, other.person_id])]
    assert all(f"{n} 400.00元" in said[-1] for n in names) and "800.00元" in said[-1], said
    await reload(desk)
    await expect(desk.get_by_test_id("funding")).to_contain_text("财务已批准")
    # the approved sheet holds its amounts: no field to change them, the reason instead
    await expect(desk.get_by_test_id(f"locked-{other.id}")).to_have_text(
        "清单已经财务批准，如需修改请财务退回清单")
    row = desk.get_by_test_id("fees").locator("tr", has_text="已登记 400.00元").first
    await row.get_by_role("button", name="发放 400.00元").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("24小时内")
    assert "应发 400.00元" in said[-1] and "确认发放" in said[-1]
    row = desk.get_by_test_id("fees").locator("tr", has_text="已登记 400.00元").first
    await expect(row.get_by_test_id("payout")).to_contain_text("待专家确认收款")
    await row.get_by_role("button", name="撤销转账").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已撤销")

    async def cancelled() -> bool:
        return await Payout.filter(invitation_id=item.id, state="cancelled").exists()
    await eventually(cancelled, timeout=10)
    await reload(desk)
    row = desk.get_by_test_id("fees").locator("tr", has_text="已登记 400.00元").first
    await expect(row.get_by_test_id("payout")).to_contain_text("已撤销")
    await row.get_by_role("button", name="重新发放 400.00元").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("24小时内")
    bill = bill_of(pay_gateway, item)
    TransferDesk(pay_gateway).confirm(bill.package_info, bill.openid)

    async def paid() -> bool:
        return (await Invitation.get(id=item.id)).fee_paid
    await eventually(paid, timeout=10)
    await reload(desk)
    row = desk.get_by_test_id("fees").locator("tr", has_text="已登记 400.00元").first
    await expect(row.get_by_test_id("payout")).to_contain_text("已到账")
    await expect(row).to_contain_text("是")
    await expect(row.get_by_role("button", name="撤销转账")).to_have_count(0)
    # paid: the amount is no longer a field, and the row says why
    await expect(row.get_by_test_id(f"locked-{item.id}")).to_have_text("已支付，金额不能再修改")
    await expect(row.get_by_role("button", name="保存")).to_have_count(0)
    await expect(row.get_by_label(re.compile("的专家费"))).to_have_count(0)
    await screenshot(desk, "var/console-payouts.png")
    # finance's month: the transfer on the withholding declaration, the tax beside it
    await money.goto(str(client.make_url("/console/withholding")))
    await expect(money.get_by_test_id("withholding")).to_contain_text("400.00")
    await expect(money.get_by_test_id("withholding-totals")).to_contain_text("1")
    await expect(money.get_by_test_id("export")).to_be_visible()
    await screenshot(money, "var/console-withholding.png")
    # and every transfer, across agencies, on finance's list
    await money.goto(str(client.make_url("/console/transfers?state=paid")))
    await expect(money.get_by_test_id("transfers")).to_contain_text("已到账")
    await expect(money.get_by_test_id("transfers")).to_contain_text("400.00元")
    await screenshot(money, "var/console-transfers.png")
    # the month's ledger of the agency: the sheet funded, the fee paid, the totals
    await money.goto(str(client.make_url("/console/fee-ledger")))
    ledger = money.locator("[data-testid^=ledger-]").first
    await expect(ledger).to_contain_text("HX20261125001")
    await expect(ledger).to_contain_text("400.00")
    await expect(money.get_by_test_id("export")).to_be_visible()
    await screenshot(money, "var/console-fee-ledger.png")
