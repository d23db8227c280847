"""个人信息访问记录 in Chromium, as the audit administrator reads it: finance opens an
expert's whole bank account number to transfer the fee, then exports the month's
withholding declaration; the record says for each whose data, which kinds in full and why
— the declaration with names and ID numbers in full and no phone, the account number with
the expert it belongs to."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from models.draws import DrawActivity, Project
from sandbox.pay.gateway import PayGateway
from sandbox.platform import Platform
from services.common.clock import CHINA
from services.common.pii import mask_name
from services.draws.news.views import Views
from tests.support.access import bank_account_given
from tests.support.api import Api
from tests.support.browser import screenshot, signed_in
from tests.support.console import book
from tests.support.wechat import Chat
from web.context import DOMAIN


async def test_the_auditor_reads_what_finance_took_and_why(
        api: Api, chat: Chat, client: TestClient, demo: dict, browser: Any,
        pay_gateway: PayGateway, platform: Platform) -> None:
    from playwright.async_api import expect

    aid, item, person = await bank_account_given(api, chat, client, demo, platform)
    project = await Project.get(id=(await DrawActivity.get(id=aid)).project_id)
    money = await signed_in(browser, client.server, demo["finance"].phone,
                            "/console/fee-sheets?state=approved")
    money.on("dialog", lambda dialog: dialog.accept())  # the payer is asked first
    due = money.get_by_test_id(f"account-{item.id}")
    await due.get_by_role("button", name="查看完整账号").click()
    await expect(money.get_by_test_id("number")).to_have_text("6222021234567890123")
    await expect(money.get_by_test_id("account-number").locator("..")).to_contain_text(
        "个人信息访问记录")
    await screenshot(money, "var/console-payout-account-recorded.png")
    await money.get_by_role("link", name="返回专家费清单").click()
    due = money.get_by_test_id(f"account-{item.id}")
    await due.get_by_label(f"{person.name}的转账凭证号").fill("ICBC20261125001")
    await due.get_by_role("button", name="登记已转账").click()
    await expect(money.get_by_test_id("flash")).to_contain_text("已登记银行转账")

    # the month's declaration, taken away as the file the tax declaration needs
    month = f"{datetime.now(UTC).astimezone(CHINA):%Y-%m}"
    await money.goto(str(client.server.make_url(f"/console/withholding?month={month}")))
    async with money.expect_download() as taken:
        await money.get_by_test_id("export").click()
    saved = Path(await (await taken.value).path())
    (_, declared) = book(await asyncio.to_thread(saved.read_bytes))["扣缴申报明细"]
    number = client.app[DOMAIN].people.id_number_of(person)
    assert declared[:3] == (person.name, "居民身份证", number)

    auditor = await signed_in(browser, client.server, demo["audit_admin"].phone,
                              "/console/access-log")
    log = auditor.get_by_test_id("access-log")
    exported = log.locator("tr", has_text="导出个人所得税扣缴申报明细")
    await expect(exported).to_contain_text(
        "导出个人所得税扣缴申报明细（含 1 人的完整姓名、完整身份证号、劳务报酬与代扣个税；"
        "用途：个人所得税扣缴申报）")
    await expect(exported).to_contain_text("导出或下载文件")
    await expect(exported).not_to_contain_text("手机号")
    read = log.locator("tr", has_text="查看专家的完整收款账号")
    await expect(read).to_contain_text(
        f"查看专家的完整收款账号：{project.name}（抽取活动 {Views.activity_number(aid)}），"
        f"专家 {mask_name(person.name)}（完整姓名、完整银行账号；"
        "用途：向专家的银行账户转账支付劳务费）")
    await expect(read).to_contain_text("完整读取个人信息")
    await expect(read).to_contain_text("何*")  # finance, masked
    await expect(log).not_to_contain_text("6222")
    await expect(log).not_to_contain_text(number)
    await screenshot(auditor, "var/console-access-log.png")
