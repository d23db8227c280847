"""Invoices that arrive (XJ-SIGNUP: "请准确填写邮箱号，培训费发票将发送到此邮箱"), through WeChat
Pay's 电子发票 API on the fake gateway and a real SMTP server on loopback (the sandbox's
catcher): a fee paid is invoiced by itself, the invoice's PDF kept, mailed with the PDF
attached (it opens), the payer told with a link to it; the refund's 冲红 cancels it with a
red invoice and the payer is told. An address the mail server refuses: the push never says
the invoice was sent, and the desk sees why."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from aiohttp.test_utils import TestClient
from pypdf import PdfReader

from config.invoicing import MAIL_CATCHER
from models.money.payments import EInvoice, Payable
from models.notifications import Notification
from models.people import Person, phone_is
from sandbox.pay.gateway import PayGateway
from tests.support.api import Api
from tests.support.helpers import eventually
from tests.support.payments import course_fee, due, payments
from tests.support.wechat import Chat
from web.context import DOMAIN


@pytest.fixture(autouse=True)
def invoicing_env(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    monkeypatch.setenv("FAPIAO_PROVIDER", "wechatpay")
    monkeypatch.setenv("MAIL_PROVIDER", "sandbox")
    monkeypatch.setenv("INVOICE_ISSUE", "manual" if "manual" in request.node.name else "auto")


async def paid(client: TestClient, api: Api, demo: dict, gateway: PayGateway,
               email: str) -> Payable:
    """The demo expert, whose invoices go to `email`, pays a 200-yuan course fee."""
    await Person.filter(phone_is(demo["expert"].phone)).update(email=email)
    await course_fee(api, demo)
    person_id, item = await due(client, demo)
    checkout = await payments(client).checkout(person_id, item, datetime.now(UTC))
    await gateway.scan_and_pay(checkout.order.out_trade_no)
    await eventually(lambda: Payable.exists(paid_at__not_isnull=True))
    return await Payable.get(paid_at__not_isnull=True)


async def test_a_paid_fee_is_invoiced_mailed_linked_and_reversed_after_a_refund(
        client: TestClient, api: Api, chat: Chat, demo: dict, pay_gateway: PayGateway) -> None:
    payable = await paid(client, api, demo, pay_gateway, "lijianguo@example.cn")
    einvoices = client.app[DOMAIN].einvoices
    # INVOICE_ISSUE=auto: the sweep issues it (or the worker's own run of it did already)
    await einvoices.sweep(datetime.now(UTC))
    assert await EInvoice.filter(payable_id=payable.id).count() == 1
    # the provider completes it and calls back; the service follows at once
    await eventually(lambda: EInvoice.exists(payable_id=payable.id, told_at__not_isnull=True))
    item = await EInvoice.get(payable_id=payable.id)
    assert item.state == "issued" and item.number and len(item.number) == 20
    assert (await Payable.get(id=payable.id)).invoice_no == item.number
    # mailed, the PDF attached, and it opens
    (mail,) = client.app[MAIL_CATCHER].to("lijianguo@example.cn")  # type: ignore[attr-defined]
    assert "电子发票" in mail.subject and item.number in mail.text
    (name, kind, pdf), = mail.attachments
    assert kind == "application/pdf" and name.endswith(".pdf")
    assert item.number in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    # the push says it was sent (masked address) and links the file, which opens for them
    (told,) = await Notification.filter(kind="payment.invoiced")
    assert told.params["email"] == "l***@example.cn" and told.params["invoice_no"] == item.number
    link = told.params["link"]
    fetched = await client.get(link[link.index("/invoices/"):])
    assert fetched.status == 200 and (await fetched.read()) == pdf
    forged = await client.get(link[link.index("/invoices/"):].replace("t=", "t=1"))
    assert forged.status == 403
    # the payer finds it again in chat (发票) and in the mini-program
    history = await chat.say(demo["expert"].openid, "发票")
    assert item.number in history.text and "/invoices/FP" in history.text
    token = await api.login(demo["expert"].mp_openid)
    mine = await api.call("GET", "/payments/invoices", token)
    assert mine.status == 200 and mine.data["invoices"][0]["state_title"] == "已开具"
    assert "/invoices/FP" in mine.data["invoices"][0]["url"]
    # a second sweep and a repeated notification change nothing
    await einvoices.sweep(datetime.now(UTC))
    assert await einvoices.notified(item.apply_id, datetime.now(UTC))
    assert len(client.app[MAIL_CATCHER].to("lijianguo@example.cn")) == 1  # type: ignore[attr-defined]
    assert await Notification.filter(kind="payment.invoiced").count() == 1
    # the fee is refunded: finance reverses the invoice (冲红) with a red one
    admin = await api.login(demo["finance"].mp_openid)
    reversed_ = await api.call("POST", f"/admin/invoices/{payable.id}/reverse", admin,
                               {"reason": "SALES_RETURN"})
    # the answer is the row as it stands: 冲红中, or already 已冲红 when the provider's
    # callback (on loopback) came before the row was read back
    assert reversed_.status == 200 and reversed_.data["state"] in ("reversing", "reversed")
    await eventually(lambda: Notification.exists(kind="payment.invoice_reversed"))
    red = await EInvoice.get(id=item.id)
    assert red.state == "reversed" and red.red_number and red.red_number != item.number
    again = await api.call("POST", f"/admin/invoices/{payable.id}/reverse", admin,
                           {"reason": "SALES_RETURN"})
    assert again.status == 409 and "不能冲红" in again.message
    listed = await api.call("GET", "/admin/invoices?issued=true", admin)
    (row,) = listed.data["invoices"]
    assert row["state_title"] == "已冲红" and row["red_no"] == red.red_number


async def test_manual_issue_to_an_address_the_server_refuses_never_says_sent(
        client: TestClient, api: Api, demo: dict, pay_gateway: PayGateway) -> None:
    payable = await paid(client, api, demo, pay_gateway, "nobody@refused.invalid")
    einvoices = client.app[DOMAIN].einvoices
    await einvoices.sweep(datetime.now(UTC))
    assert not await EInvoice.exists()  # INVOICE_ISSUE=manual: the desk issues
    admin = await api.login(demo["finance"].mp_openid)
    pay_gateway.fapiao_refuse = "NO_AUTH"  # the merchant's e-invoicing is not ready yet
    refused = await api.call("POST", f"/admin/invoices/{payable.id}/issue", admin)
    assert refused.status == 503 and "稍后再试" in refused.message
    assert (await EInvoice.get(payable_id=payable.id)).state == "failed"
    bulk = await api.call("POST", "/admin/invoices/issue", admin,
                          {"payable_ids": [payable.id, 999999]})
    assert bulk.status == 200 and bulk.data["asked"] == 1
    assert "没有这笔待开票的缴费" in bulk.data["refused"]["999999"]
    await eventually(lambda: EInvoice.exists(payable_id=payable.id, told_at__not_isnull=True))
    item = await EInvoice.get(payable_id=payable.id)
    assert item.emailed_at is None and item.error and "拒收" in item.error
    (told,) = await Notification.filter(kind="payment.invoiced")
    assert told.params["email"] == ""  # the push does not claim a mail that never went
    listed = await api.call("GET", "/admin/invoices?issued=true", admin)
    (row,) = listed.data["invoices"]
    assert row["state_title"] == "已开具" and "拒收" in row["error"] and row["file_type"] == "pdf"
    download = await api.call("GET", f"/admin/invoices/{payable.id}/file", admin)
    assert download.status == 200 and download.data["body"].startswith(b"%PDF-")
