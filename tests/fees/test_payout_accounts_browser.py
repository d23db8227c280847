"""An expert without the mini-program is paid into a bank account, in Chromium: the agency's
发放 asks the expert by SMS, the expert gives the account on the phone page the SMS links to,
the agency reads the whole number once to make the transfer and records it (an expert
who cannot receive a WeChat transfer is paid another way the payer records)."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from models.people import Person
from models.wechat import WeChatIdentity
from sandbox.pay.gateway import PayGateway
from sandbox.platform import Platform
from tests.support.api import Api
from tests.support.browser import reload, screenshot, signed_in
from tests.support.payouts import fees_ready, funded, record
from tests.support.sms import sms_link
from tests.support.wechat import Chat


async def test_the_agency_asks_for_an_account_reads_it_and_records_the_transfer(
        api: Api, chat: Chat, client: TestClient, demo: dict, browser: Any,
        pay_gateway: PayGateway, platform: Platform) -> None:
    from playwright.async_api import expect

    aid, token, (item, other) = await fees_ready(api, chat, client, demo)
    await WeChatIdentity.filter(person_id=item.person_id).delete()
    person = await Person.get(id=item.person_id)
    assert (await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                           {"channel": "platform"})).status == 200
    assert (await record(api, aid, token, item)).status == 200
    await funded(api, demo, aid, token)
    # finance's approved sheet says how each expert will be paid: the one with the
    # mini-program by the agency through WeChat Pay, the one without by finance's transfer
    money = await signed_in(browser, client.server, demo["finance"].phone,
                            "/console/fee-sheets?state=approved")
    await expect(money.get_by_test_id(f"way-{other.id}")).to_contain_text(
        "由代理机构通过微信支付发放")
    way = money.get_by_test_id(f"way-{item.id}")
    await expect(way).to_contain_text("专家未使用小程序：代理机构发放时短信请其提供本人银行账户")
    await expect(way).not_to_contain_text("微信支付")
    desk = await signed_in(browser, client.server, demo["handler"].phone,
                           f"/console/activities/{aid}/fees")
    said: list[str] = []

    async def accept(dialog: Any) -> None:  # the payer is asked first, told to whom
        said.append(dialog.message)
        await dialog.accept()
    desk.on("dialog", accept)
    row = desk.get_by_test_id("fees").locator("tr", has_text=person.name).first
    await row.get_by_role("button", name="发放 400.00元").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("短信请专家填写本人银行收款账户")
    # the handler is told what happens next, not to press a button only finance has
    await expect(desk.get_by_test_id("flash")).to_contain_text("由交易中心财务从已批准的清单转账")
    await expect(desk.get_by_test_id("flash")).not_to_contain_text("登记已转账")
    assert said and person.name in said[0] and "应发 400.00元" in said[0]
    row = desk.get_by_test_id("fees").locator("tr", has_text=person.name).first
    await expect(row.get_by_test_id("account")).to_contain_text("待专家提供银行账户")
    await expect(row.get_by_role("button", name="再次短信提醒专家")).to_be_visible()
    await reload(money)
    await expect(money.get_by_test_id(f"way-{item.id}")).to_contain_text("待专家提供银行账户")
    await screenshot(desk, "var/console-payout-account-asked.png")

    # the expert, on a phone, from the SMS
    link = await sms_link(platform, person.phone or "", "/f/")
    phone = await (await browser.new_context(viewport={"width": 390, "height": 844})
                   ).new_page()
    await phone.goto(str(client.server.make_url(link)))
    await phone.get_by_label("户名（须为本人姓名）").fill(person.name)
    await phone.get_by_label("开户银行（含支行）").fill("中国工商银行广州天河支行")
    await phone.get_by_label("银行账号").fill("6222 0212 3456 7890 123")
    await phone.get_by_test_id("give").click()
    await expect(phone.get_by_test_id("said")).to_contain_text("收款账户已提交")
    await expect(phone.get_by_test_id("account")).to_contain_text("**** **** 0123")
    await screenshot(phone, "var/phone-payout-account.png")

    # the agency sees it masked; finance, at the centre that holds the funded money, reads
    # the number to transfer to, then records the transfer of the fee less its tax
    await reload(desk)
    row = desk.get_by_test_id("fees").locator("tr", has_text=person.name).first
    await expect(row.get_by_test_id("account")).to_contain_text("**** **** 0123")
    await expect(row.get_by_test_id("account")).to_contain_text("由交易中心财务")
    await expect(row).not_to_contain_text("6222021234567890123")
    # the account is given: no SMS to ask for it again
    await expect(row.get_by_role("button")).to_have_count(0)
    # finance's home counts the transfer waiting for it and leads to where it is recorded
    await money.goto(str(client.make_url("/console/home")))
    await expect(money.get_by_test_id("bank-due")).to_contain_text("1待财务银行转账的专家费")
    await money.get_by_test_id("bank-due").click()
    money.on("dialog", accept)
    due = money.get_by_test_id(f"account-{item.id}")
    await expect(due).to_contain_text("**** **** 0123")
    await due.get_by_role("button", name="查看完整账号").click()
    await expect(money.get_by_test_id("number")).to_have_text("6222021234567890123")
    await screenshot(money, "var/console-payout-account-number.png")
    await money.get_by_role("link", name="返回专家费清单").click()
    due = money.get_by_test_id(f"account-{item.id}")
    await due.get_by_label(f"{person.name}的转账凭证号").fill("ICBC20261125001")
    await due.get_by_role("button", name="登记已转账").click()
    await expect(money.get_by_test_id("flash")).to_contain_text("已登记银行转账")
    assert person.name in said[-1] and "400.00元" in said[-1] and "**** **** 0123" in said[-1]
    await expect(money.get_by_test_id(f"row-{item.id}")).to_contain_text("ICBC20261125001")
    await screenshot(money, "var/console-fee-sheet-paid.png")
    await money.goto(str(client.make_url("/console/home")))
    await expect(money.get_by_test_id("bank-due")).to_contain_text("0待财务银行转账的专家费")
    await reload(desk)
    row = desk.get_by_test_id("fees").locator("tr", has_text=person.name).first
    await expect(row.get_by_test_id("account")).to_contain_text("已银行转账")
    await expect(row.get_by_test_id("account")).to_contain_text("ICBC20261125001")
    await expect(row).to_contain_text("是")
    await screenshot(desk, "var/console-payout-account-paid.png")
