"""The invoice desk and the payer's mailbox in headless Chromium, on the service as `make run`
starts it (sandbox mode: WeChat Pay's 电子发票 on the fake gateway, the SMTP catcher shown in
the simulator). A course fee is paid by scanning its QR code; the invoice issues by itself
(INVOICE_ISSUE=auto) to the unit he chose as its title, finance sees it 已开具 to that unit
and mailed, downloads it, and the payer finds
the mail with the PDF attached in the simulator. XJ-SIGNUP: 培训费发票将发送到此邮箱."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from models.learning.education import Course, Enrollment
from models.money.payments import EInvoice
from models.people import Person, phone_is
from services.payments.invoicing import InvoiceTitle
from tests.support.browser import reload, screenshot, signed_in
from tests.support.helpers import eventually
from web.context import DOMAIN


async def test_finance_sees_the_invoice_issued_and_the_payer_finds_it_in_the_mail(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    domain = sandbox.app[DOMAIN]
    now = datetime.now(UTC)
    expert = await Person.get(phone_is("13800000002"))  # 李建国, o_demo_expert
    await Person.filter(id=expert.id).update(email="lijianguo@example.cn")
    await Enrollment.filter(person_id=expert.id).delete()
    course = await Course.create(title="2026年度评标专家继续教育", year=2026, hours=24,
                                 study_from=now - timedelta(days=1),
                                 study_until=now + timedelta(days=60), fee_fen=20000)
    await domain.education.enroll(expert, course.id, now)
    now = datetime.now(UTC)
    fee = await domain.payments.due(expert.id, now)
    # his unit reimburses the course: the invoice is made out to it
    await domain.invoices.set_title(expert.id, fee, InvoiceTitle.parse(
        "unit", "广州市示例建设工程有限公司", "91440101MA5D00007U"))
    checkout = await domain.payments.checkout(expert.id, fee, now)
    async with aiohttp.ClientSession() as http:
        scanned = await http.post(sandbox.make_url("/sandbox/api/pay-scan"), json={
            "out_trade_no": checkout.order.out_trade_no, "openid": "o_demo_expert"})
        assert scanned.status == 200

    async def invoiced() -> bool:  # the worker's sweep, run now rather than in 30 s
        await domain.einvoices.sweep(datetime.now(UTC))
        return await EInvoice.exists(told_at__not_isnull=True)

    await eventually(invoiced, timeout=15)
    desk = await signed_in(browser, sandbox, "13800000014", "/console/invoices?issued=1")
    row = desk.locator("[data-testid^=invoice-]").first
    await expect(row).to_contain_text("已开具")
    await expect(row).to_contain_text("已发邮件")
    title = row.locator("[data-testid^=title-]")
    await expect(title).to_contain_text("单位：广州市示例建设工程有限公司")
    await expect(title).to_contain_text("统一社会信用代码 91440101MA5D00007U")
    async with desk.expect_download() as got:
        await row.get_by_role("link", name="下载发票（PDF）").click()
    assert (await (await got.value).path()).read_bytes().startswith(b"%PDF-")
    await screenshot(desk, "var/console-invoices.png")
    sim = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
    await sim.goto(str(sandbox.make_url("/sandbox/")))
    await sim.get_by_test_id("user-o_demo_expert").click()
    mail = sim.get_by_test_id("inbox-mail").first
    await expect(mail).to_contain_text("电子发票")
    await expect(mail.get_by_test_id("mail-file")).to_contain_text(".pdf")
    await screenshot(sim, "var/simulator-invoice-mail.png")
    # the fee is refunded: finance reverses the invoice, picking the reason by its words
    await row.get_by_text("冲红（作废）").click()
    await row.get_by_label("冲红原因").select_option(label="销货退回（退款）")
    await screenshot(desk, "var/console-invoice-reverse.png")
    await row.get_by_role("button", name="开具红字发票").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已提交冲红")
    await eventually(lambda: EInvoice.exists(state="reversed"), timeout=10)
    await reload(desk)
    await expect(desk.locator("[data-testid^=invoice-]").first).to_contain_text("已冲红")
