"""Invoices to an employer (XJ-SIGNUP: the 350-yuan training fee, whose invoice goes to the
form's email; a unit that reimburses it needs its own title and tax number): the applicant
asks for a unit title (name and unified social credit code, GB-32100 checked) in the
mini-program; WeChat Pay's 电子发票 on the fake gateway issues it to an ORGANIZATION buyer
with that taxpayer_id, it is mailed, the desk sees the unit, and a refusal's re-issue and
the reversal keep the title. The receipt says what will really happen."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient
from pypdf import PdfReader

from config.invoicing import MAIL_CATCHER
from models.applications import Application, AppStatus, Batch
from models.money.payments import EInvoice, Payable
from models.notifications import Notification
from models.people import Person, phone_is
from sandbox.pay.gateway import PayGateway
from services.payments.invoicing import FapiaoError, FapiaoOrder
from tests.support.api import Api
from tests.support.helpers import eventually
from tests.support.payments import payments
from web.context import DOMAIN

UNIT = "广州市示例建设工程有限公司"
CODE = "91440101MA5D00007U"  # a valid GB-32100 check character (services/demo.py's pattern)
FORM_MAIL = "wang.xiaoming@example.cn"


@pytest.fixture(autouse=True)
def invoicing_env(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    monkeypatch.setenv("FAPIAO_PROVIDER", "wechatpay")
    monkeypatch.setenv("MAIL_PROVIDER", "sandbox")
    monkeypatch.setenv("INVOICE_ISSUE", "manual" if "manual" in request.node.name else "auto")


async def training_fee(demo: dict) -> tuple[Person, Application]:
    """The demo applicant, approved 6 days ago in a batch with the 350-yuan training fee;
    the form's email is where the invoice goes."""
    applicant = await Person.get(phone_is(demo["applicant"].phone))
    now = datetime.now(UTC)
    batch = await Batch.create(name="2026年第三批评标专家征集", province="44",
                               stages=[{"key": "final", "title": "终审", "level": "province"}],
                               apply_from=now - timedelta(days=30),
                               apply_until=now - timedelta(days=10),
                               review_until=now - timedelta(days=7),
                               pay_until=now + timedelta(days=3), fee_fen=35000)
    app = await Application.create(person_id=applicant.id, batch=batch, kind="new",
                                   status=AppStatus.APPROVED,
                                   decided_at=now - timedelta(days=6),
                                   data={"email": FORM_MAIL}, region="4401")
    return applicant, app


async def pay(client: TestClient, gateway: PayGateway, applicant: Person) -> Payable:
    item = await payments(client).due(applicant.id, datetime.now(UTC))
    checkout = await payments(client).checkout(applicant.id, item, datetime.now(UTC))
    await gateway.scan_and_pay(checkout.order.out_trade_no)
    await eventually(lambda: Payable.exists(person_id=applicant.id, paid_at__not_isnull=True))
    return await Payable.get(person_id=applicant.id)


async def test_a_unit_title_invoice_is_issued_to_the_unit_mailed_and_reversed_with_it(
        client: TestClient, api: Api, demo: dict, pay_gateway: PayGateway) -> None:
    applicant, app = await training_fee(demo)
    token = await api.login(demo["applicant"].mp_openid)
    path = f"/payments/fees/training/{app.id}/invoice-title"
    shown = await api.call("GET", path, token)
    assert shown.status == 200 and shown.data["title_type_title"] == "个人"
    # a wrong code is refused in words naming the field, and nothing is stored
    wrong = await api.call("PUT", path, token, {"title_type": "unit", "unit_name": UNIT,
                                                "credit_code": CODE[:-1] + "Y"})
    assert wrong.status == 400 and "统一社会信用代码校验位不正确" in wrong.message
    short = await api.call("PUT", path, token, {"title_type": "unit", "unit_name": UNIT,
                                                "credit_code": "9144010"})
    assert short.status == 400 and "统一社会信用代码应为18位" in short.message
    nameless = await api.call("PUT", path, token, {"title_type": "unit", "credit_code": CODE})
    assert nameless.status == 400 and "单位名称" in nameless.message
    assert not await Payable.exists(person_id=applicant.id)
    others = await api.call("PUT", "/payments/fees/training/999999/invoice-title", token,
                            {"title_type": "person"})
    assert others.status == 404
    # the unit's title, typed in lower case and spaced as people do
    chosen = await api.call("PUT", path, token, {"title_type": "unit",
                                                 "unit_name": f" {UNIT} ",
                                                 "credit_code": CODE.lower()})
    assert chosen.status == 200, chosen.message
    assert chosen.data == {"title_type": "unit", "title_type_title": "单位",
                           "unit_name": UNIT, "credit_code": CODE}
    payable = await pay(client, pay_gateway, applicant)
    assert payable.amount_fen == 35000 and payable.invoice_email == FORM_MAIL
    # the receipt says what will happen: issued by itself, to the unit, mailed
    receipt = await Notification.get(kind="payment.paid", person_id=applicant.id)
    words = receipt.params["invoice"]
    assert UNIT in words and CODE in words and "自动开具" in words
    assert "财务人员" not in words and "w***@example.cn" in words
    einvoices = client.app[DOMAIN].einvoices
    await einvoices.sweep(datetime.now(UTC))  # or the worker's own run of it did already
    assert await EInvoice.filter(payable_id=payable.id).count() == 1
    await eventually(lambda: EInvoice.exists(payable_id=payable.id, told_at__not_isnull=True))
    item = await EInvoice.get(payable_id=payable.id)
    fake = pay_gateway.fapiaos[item.fapiao_id]
    assert (fake.buyer_type, fake.buyer, fake.taxpayer_id) == ("ORGANIZATION", UNIT, CODE)
    # mailed to the form's address, the PDF made out to the unit
    (mail,) = client.app[MAIL_CATCHER].to(FORM_MAIL)  # type: ignore[attr-defined]
    (_, _, pdf), = mail.attachments
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert UNIT in text and CODE in text and item.number and item.number in text
    mine = await api.call("GET", "/payments/invoices", token)
    assert mine.data["invoices"][0]["buyer"] == UNIT
    # issued: the title is fixed
    late = await api.call("PUT", path, token, {"title_type": "person"})
    assert late.status == 409 and "不能再改" in late.message
    # finance's desk sees the unit, by name and code, in words
    admin = await api.login(demo["finance"].mp_openid)
    (row,) = (await api.call("GET", "/admin/invoices?issued=true", admin)).data["invoices"]
    assert (row["buyer_type_title"], row["buyer"], row["buyer_code"]) == ("单位", UNIT, CODE)
    export = await api.client.get("/miniapp/v1/admin/invoices.csv?issued=true",
                                  headers={"Authorization": f"Bearer {admin}"})
    body = await export.text()
    assert "发票抬头" in body and f"单位,{UNIT},{CODE}" in body
    # reversed (冲红): the red invoice cancels the unit's, and the title stays
    reversed_ = await api.call("POST", f"/admin/invoices/{payable.id}/reverse", admin,
                               {"reason": "SALES_RETURN"})
    assert reversed_.status == 200 and reversed_.data["buyer"] == UNIT
    await eventually(lambda: EInvoice.exists(id=item.id, state="reversed"))
    assert (fake.status, fake.buyer_type, fake.taxpayer_id) == ("REVERSED", "ORGANIZATION", CODE)
    (row,) = (await api.call("GET", "/admin/invoices?issued=true", admin)).data["invoices"]
    assert row["state_title"] == "已冲红" and row["buyer"] == UNIT and row["buyer_code"] == CODE


async def test_manual_a_refused_unit_invoice_is_issued_again_to_the_unit(
        client: TestClient, api: Api, demo: dict, pay_gateway: PayGateway) -> None:
    applicant, app = await training_fee(demo)
    token = await api.login(demo["applicant"].mp_openid)
    payable = await pay(client, pay_gateway, applicant)
    receipt = await Notification.get(kind="payment.paid", person_id=applicant.id)
    words = receipt.params["invoice"]  # INVOICE_ISSUE=manual: the desk issues it
    assert "财务人员开具电子发票后" in words and "自动" not in words and "单位名义" in words
    # paid, not yet issued: the unit's title may still be chosen
    chosen = await api.call("PUT", f"/payments/fees/training/{app.id}/invoice-title", token,
                            {"title_type": "unit", "unit_name": UNIT, "credit_code": CODE})
    assert chosen.status == 200
    admin = await api.login(demo["finance"].mp_openid)
    (row,) = (await api.call("GET", "/admin/invoices", admin)).data["invoices"]
    assert row["buyer"] == UNIT and row["buyer_code"] == CODE
    pay_gateway.fapiao_refuse = "NO_AUTH"
    refused = await api.call("POST", f"/admin/invoices/{payable.id}/issue", admin)
    assert refused.status == 503
    again = await api.call("POST", f"/admin/invoices/{payable.id}/issue", admin)
    assert again.status == 200 and again.data["buyer"] == UNIT
    await eventually(lambda: EInvoice.exists(payable_id=payable.id, told_at__not_isnull=True))
    item = await EInvoice.get(payable_id=payable.id)
    fake = pay_gateway.fapiaos[item.fapiao_id]
    assert (fake.buyer_type, fake.buyer, fake.taxpayer_id) == ("ORGANIZATION", UNIT, CODE)
    assert client.app[MAIL_CATCHER].to(FORM_MAIL)  # type: ignore[attr-defined]


async def test_the_fake_refuses_an_organization_without_its_taxpayer_id(
        client: TestClient, demo: dict, pay_gateway: PayGateway) -> None:
    """As WeChat Pay documents it: taxpayer_id 购买方类型为ORGANIZATION时必填."""
    applicant, _ = await training_fee(demo)
    await pay(client, pay_gateway, applicant)
    transaction = next(o.transaction_id for o in pay_gateway.orders.values()
                       if o.transaction_id)
    provider = client.app[DOMAIN].einvoices.provider
    assert provider is not None
    with pytest.raises(FapiaoError) as refused:
        await provider.issue(FapiaoOrder(transaction, "FP-NO-TAX-ID", UNIT, "培训费", 35000,
                                         "ORGANIZATION", None))
    assert refused.value.code == "PARAM_ERROR"
    assert "FP-NO-TAX-ID" not in pay_gateway.fapiaos
