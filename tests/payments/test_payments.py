"""Fees paid by WeChat Pay against the fake gateway (its own RSA key, signed and encrypted
notifications): nothing lost, nothing charged twice, nothing credited on a bad notification."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestClient
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.hashes import SHA256
from wechatpayv3.utils import load_private_key

from models.applications import Application, AppStatus, Batch
from models.learning.education import Enrollment
from models.money.payments import OrderStatus, Payable, PayOrder
from models.notifications import Notification
from models.people import Person, phone_is
from sandbox.pay.gateway import FakeOrder, PayGateway
from sandbox.platform import Platform
from services.common.clock import CHINA
from services.common.errors import DomainError
from tests.support.access import exact_access
from tests.support.api import Api
from tests.support.helpers import eventually, said
from tests.support.payments import course_fee, due, payments
from tests.support.wechat import Chat
from web.context import DOMAIN


async def pay_silently(gateway: PayGateway, out_trade_no: str) -> FakeOrder:
    """The payer pays, and WeChat Pay's notification is lost."""
    gateway.drop_notifications += 1
    return await gateway.scan_and_pay(out_trade_no)


async def paid_unannounced(client: TestClient, api: Api, demo: dict,
                           gateway: PayGateway) -> tuple[int, FakeOrder]:
    """A course fee ordered now and paid, its notification lost: (enrolment id, order)."""
    enrollment_id, _ = await course_fee(api, demo)
    person_id, item = await due(client, demo)
    checkout = await payments(client).checkout(person_id, item, datetime.now(UTC))
    return enrollment_id, await pay_silently(gateway, checkout.order.out_trade_no)


async def post_notification(client: TestClient, headers: dict[str, str], body: str) -> int:
    resp = await client.post("/pay/notify", data=body.encode(), headers=headers)
    await resp.read()
    return resp.status


async def credited(enrollment_id: int) -> tuple[int, int, int]:
    """(paid orders, payment receipts, course openings) for the enrolment's fee."""
    return (await PayOrder.filter(status=OrderStatus.PAID).count(),
            await Notification.filter(kind="payment.paid").count(),
            await Notification.filter(kind="course.paid").count())


async def test_pay_by_chat_from_qr_to_receipt(chat: Chat, client: TestClient, api: Api,
                                              demo: dict, platform: Platform,
                                              pay_gateway: PayGateway) -> None:
    enrollment_id, _ = await course_fee(api, demo)
    openid = demo["expert"].openid
    platform.interact(openid)  # WeChat sees the message too: the 48 h window is open
    answer = await chat.say(openid, "缴费")
    assert "2026年度评标专家继续教育 课程费" in answer.text and "200.00元" in answer.text
    assert "有效至" in answer.text and "/pay/course/" in answer.text
    # the QR image follows as a customer-service image, made from this person's own order
    await eventually(lambda: platform.sent_to(openid, "custom_image"), timeout=15)
    order = await PayOrder.get(status=OrderStatus.OPEN)
    assert order.code_url and pay_gateway.orders[order.out_trade_no].total == 20000
    # asking again within 110 minutes shows the same order
    await chat.say(openid, "缴费")
    assert await PayOrder.all().count() == 1
    await pay_gateway.scan_and_pay(order.code_url)
    await eventually(lambda: Payable.exists(paid_at__not_isnull=True))
    # the fee is credited inside the notification's handling, before its 204 reaches the
    # gateway: the gateway's record of the answer is waited for, not assumed
    await eventually(lambda: pay_gateway.notified == [(order.out_trade_no, 204)])
    payable = await Payable.get()
    assert payable.order_no == order.out_trade_no
    assert payable.invoice_email == (await Person.get(phone_is(demo["expert"].phone))).email
    enrollment = await Enrollment.get(id=enrollment_id)
    assert enrollment.access_from - enrollment.paid_at == timedelta(days=2)
    receipt = await Notification.get(kind="payment.paid")
    assert receipt.params["amount"] == "200.00元" and receipt.params["order_no"] == \
        order.out_trade_no
    again = await chat.say(openid, "缴费")
    assert "无需再缴" in again.text


async def test_the_same_notification_100_times_is_one_payment(
        client: TestClient, api: Api, demo: dict, pay_gateway: PayGateway) -> None:
    enrollment_id, order = await paid_unannounced(client, api, demo, pay_gateway)
    headers, body = pay_gateway.notification(order)
    statuses: list[int] = []
    for _ in range(5):  # 100 deliveries, 20 at a time
        statuses += await asyncio.gather(*(post_notification(client, headers, body)
                                           for _ in range(20)))
    assert statuses == [204] * 100
    assert await credited(enrollment_id) == (1, 1, 1)


async def test_bad_notifications_are_refused_and_credit_nothing(
        client: TestClient, api: Api, demo: dict, pay_gateway: PayGateway) -> None:
    enrollment_id, order = await paid_unannounced(client, api, demo, pay_gateway)
    headers, body = pay_gateway.notification(order)
    # a forged signature: the right serial, someone else's key
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = pay_gateway.sign_headers(body, key=stranger)
    # WeChat Pay's probe
    probe = {**headers, "Wechatpay-Signature": "WECHATPAY/SIGNTEST/" + headers[
        "Wechatpay-Signature"]}
    # correctly signed, but not what we ordered
    cheap = pay_gateway.notification(order, resource={**order.as_transaction(),
                                                      "amount": {"total": 1, "currency": "CNY"}})
    other_merchant = pay_gateway.notification(order, resource={**order.as_transaction(),
                                                               "mchid": "1900000001"})
    stale = pay_gateway.notification(order, timestamp=int(datetime.now(UTC).timestamp()) - 301)
    # a body changed after signing
    tampered = body.replace('"TRANSACTION.SUCCESS"', '"TRANSACTION.SUCCESS" ')
    for bad_headers, bad_body in ((forged, body), (probe, body), cheap, other_merchant, stale,
                                  (headers, tampered)):
        assert 400 <= await post_notification(client, bad_headers, bad_body) < 500
    assert await credited(enrollment_id) == (0, 0, 0)
    assert not await Payable.exists(paid_at__not_isnull=True)
    # the genuine one still works
    assert await post_notification(client, headers, body) == 204
    assert await credited(enrollment_id) == (1, 1, 1)


async def test_a_lost_notification_is_found_by_the_reconciler(
        client: TestClient, api: Api, demo: dict, pay_gateway: PayGateway) -> None:
    enrollment_id, _ = await course_fee(api, demo)
    person_id, item = await due(client, demo)
    now = datetime.now(UTC)
    checkout = await payments(client).checkout(person_id, item, now)
    await pay_silently(pay_gateway, checkout.order.out_trade_no)
    # too early: the notification may still come
    assert not (await payments(client).reconcile(now + timedelta(seconds=30)))
    counts = await payments(client).reconcile(now + timedelta(minutes=2))
    assert counts["paid"] == 1
    order = await PayOrder.get(out_trade_no=checkout.order.out_trade_no)
    assert order.status == OrderStatus.PAID and order.settled_by == "reconcile"
    assert await credited(enrollment_id) == (1, 1, 1)
    # the notification arriving after all changes nothing
    headers, body = pay_gateway.notification(pay_gateway.orders[order.out_trade_no])
    assert await post_notification(client, headers, body) == 204
    assert await credited(enrollment_id) == (1, 1, 1)


async def test_an_expired_code_url_gets_a_new_order_and_the_old_one_is_closed(
        client: TestClient, api: Api, demo: dict, pay_gateway: PayGateway) -> None:
    await course_fee(api, demo)
    person_id, item = await due(client, demo)
    now = datetime.now(UTC)
    first = await payments(client).checkout(person_id, item, now)
    same = await payments(client).checkout(person_id, item, now + timedelta(minutes=109))
    assert same.order.out_trade_no == first.order.out_trade_no and same.reused
    later = await payments(client).checkout(person_id, item, now + timedelta(minutes=111))
    assert later.order.out_trade_no != first.order.out_trade_no
    assert later.order.code_url != first.order.code_url
    assert pay_gateway.orders[first.order.out_trade_no].state == "CLOSED"
    assert (await PayOrder.get(out_trade_no=first.order.out_trade_no)).status == \
        OrderStatus.CLOSED
    # the old QR cannot be paid any more; the new one can
    with pytest.raises(LookupError, match="已关闭"):
        await pay_gateway.scan_and_pay(first.order.code_url or "")
    await pay_gateway.scan_and_pay(later.order.code_url or "")
    assert pay_gateway.orders[later.order.out_trade_no].state == "SUCCESS"


async def test_a_notification_racing_the_reconciler_credits_once(
        client: TestClient, api: Api, demo: dict, pay_gateway: PayGateway) -> None:
    enrollment_id, _ = await course_fee(api, demo)
    person_id, item = await due(client, demo)
    now = datetime.now(UTC)
    checkout = await payments(client).checkout(person_id, item, now)
    order = await pay_silently(pay_gateway, checkout.order.out_trade_no)
    headers, body = pay_gateway.notification(order)
    status, _, *more = await asyncio.gather(
        post_notification(client, headers, body),
        payments(client).reconcile(now + timedelta(minutes=2)),
        post_notification(client, headers, body),
        payments(client).reconcile(now + timedelta(minutes=3)))
    assert status == 204 and more[0] == 204
    assert await credited(enrollment_id) == (1, 1, 1)


async def approved_with_fee(demo: dict, approved_days_ago: float,
                            **batch: object) -> tuple[Person, Batch, Application]:
    """The demo applicant, approved `approved_days_ago` days ago in a batch with a 350-yuan
    training fee payable until 3 days from now."""
    applicant = await Person.get(phone_is(demo["applicant"].phone))
    now = datetime.now(UTC)
    made = await Batch.create(name="2026年第三批评标专家征集", province="44",
                              stages=[{"key": "final", "title": "终审", "level": "province"}],
                              apply_from=now - timedelta(days=30),
                              apply_until=now - timedelta(days=10),
                              review_until=now - timedelta(days=7),
                              pay_until=now + timedelta(days=3), fee_fen=35000, **batch)
    app = await Application.create(person_id=applicant.id, batch=made, kind="new",
                                   status=AppStatus.APPROVED,
                                   decided_at=now - timedelta(days=approved_days_ago),
                                   data={}, region="4401")
    return applicant, made, app


async def test_the_training_fee_window(client: TestClient, chat: Chat, demo: dict,
                                       pay_gateway: PayGateway) -> None:
    now = datetime.now(UTC)
    _, batch, app = await approved_with_fee(demo, 4)
    early = await chat.say(demo["applicant"].openid, "缴费")
    opens = now - timedelta(days=4) + timedelta(days=5)
    assert "开放缴费" in early.text and f"{opens.astimezone(CHINA):%m月%d日}" in early.text
    await Application.filter(id=app.id).update(decided_at=now - timedelta(days=5, minutes=1))
    open_now = await chat.say(demo["applicant"].openid, "缴费")
    assert "培训费" in open_now.text and "350.00元" in open_now.text
    await Batch.filter(id=batch.id).update(pay_until=now - timedelta(minutes=1))
    closed = await chat.say(demo["applicant"].openid, "缴费")
    assert "截止" in closed.text and "350.00元" not in closed.text


async def test_in_the_mini_program_qr_and_jsapi_and_a_double_payment_is_refunded(
        client: TestClient, api: Api, demo: dict, pay_gateway: PayGateway,
        pay_secrets: dict[str, str]) -> None:
    enrollment_id, token = await course_fee(api, demo)
    fees = await api.call("GET", "/payments/fees", token)
    assert fees.data["enabled"] and fees.data["fees"][0]["state"] == "open"
    fee = fees.data["fees"][0]
    out = await api.call("POST", f"/payments/fees/{fee['kind']}/{fee['ref_id']}/checkout", token)
    assert out.status == 200 and out.data["qr_png"].startswith("data:image/png;base64,")
    jsapi = out.data["jsapi"]
    # the paySign is the merchant's signature over appId, timeStamp, nonceStr and package
    merchant = load_private_key(pay_secrets["WECHATPAY_PRIVATE_KEY"]).public_key()
    message = f"{jsapi['appId']}\n{jsapi['timeStamp']}\n{jsapi['nonceStr']}\n{jsapi['package']}\n"
    merchant.verify(base64.b64decode(jsapi["paySign"]), message.encode(), padding.PKCS1v15(),
                    SHA256())
    prepay = jsapi["package"].removeprefix("prepay_id=")
    assert pay_gateway.find(prepay).payer_openid == demo["expert"].mp_openid
    # paid in the mini-program and on the PC at the same moment
    await asyncio.gather(pay_gateway.scan_and_pay(prepay),
                         pay_gateway.scan_and_pay(out.data["code_url"]))
    await eventually(_two_settled)
    assert await credited(enrollment_id) == (1, 1, 1)
    assert await Notification.filter(kind="payment.duplicate").count() == 1
    counts = await payments(client).reconcile(datetime.now(UTC) + timedelta(minutes=2))
    assert counts["refunded"] == 1
    refunded = await PayOrder.get(status=OrderStatus.REFUNDED)
    assert pay_gateway.orders[refunded.out_trade_no].state == "REFUND"
    orders = await api.call("GET", "/payments/orders", token)
    assert sorted(o["status"] for o in orders.data["orders"]) == ["paid", "refunded"]
    # someone else's fee is not theirs to pay
    other = await api.login(demo["applicant"].mp_openid)
    stranger = await api.call("POST", f"/payments/fees/course/{enrollment_id}/checkout", other)
    assert stranger.status == 404 and "没有找到" in stranger.message


async def _two_settled() -> bool:
    return await PayOrder.filter(status__in=[OrderStatus.PAID, OrderStatus.DUPLICATE]
                                 ).count() == 2


async def test_the_pc_page_shows_the_qr_and_then_the_result(
        chat: Chat, client: TestClient, api: Api, demo: dict,
        pay_gateway: PayGateway) -> None:
    await course_fee(api, demo)
    answer = await chat.say(demo["expert"].openid, "缴费")
    link = re.search(r"https?://\S+/pay/course/\S+", answer.text).group(0)  # type: ignore[union-attr]
    parts = urlsplit(link)
    path = f"{parts.path}?{parts.query}"
    page = await client.get(path)
    html = await page.text()
    assert page.status == 200 and "<svg" in html and "200.00元" in html
    status = await client.get(f"{parts.path}/status?{parts.query}")
    assert (await status.json())["paid"] is False
    order = await PayOrder.get(status=OrderStatus.OPEN)
    await pay_gateway.scan_and_pay(order.out_trade_no)
    await eventually(lambda: Payable.exists(paid_at__not_isnull=True))
    assert (await (await client.get(f"{parts.path}/status?{parts.query}")).json())["paid"]
    assert "已缴费" in await (await client.get(path)).text()
    forged = await client.get(path[:-2] + ("AA" if not path.endswith("AA") else "BB"))
    assert forged.status == 403
    assert json.loads(await (await client.get(f"{parts.path}/status?t=1.2.3")).text())["error"]


def test_a_platform_certificate_is_accepted_during_a_switch(tmp_path, pay_secrets: dict) -> None:
    """Notifications signed under a platform certificate's serial verify too, while WeChat Pay
    moves a merchant from certificates to its public key; an unknown serial does not."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509.oid import NameOID

    from bot.providers.pay.client import NotificationVerifier
    from services.payments.gateway import NotificationRejected

    platform_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(platform_key.public_key()).serial_number(0x5157F09EFDC096DE15EBE81A47057A72)
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=365))
            .sign(platform_key, SHA256()))
    (tmp_path / "platform.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    verifier = NotificationVerifier(pay_secrets["WECHATPAY_APIV3_KEY"],
                                    pay_secrets["WECHATPAY_PUBLIC_KEY"],
                                    pay_secrets["WECHATPAY_PUBLIC_KEY_ID"], str(tmp_path))
    gateway = PayGateway(mchid=pay_secrets["WECHATPAY_MCHID"],
                         apiv3_key=pay_secrets["WECHATPAY_APIV3_KEY"],
                         merchant_private_key=pay_secrets["WECHATPAY_PRIVATE_KEY"],
                         gateway_private_key=pay_secrets["SANDBOX_WECHATPAY_PRIVATE_KEY"],
                         public_key_id=pay_secrets["WECHATPAY_PUBLIC_KEY_ID"])
    order = FakeOrder("EB0000000001", "wxapp", gateway.mchid, "课程费", 100, "https://x/pay",
                      "NATIVE", {}, state="SUCCESS", transaction_id="4200001")
    _, body = gateway.notification(order)
    stamp = int(now.timestamp())
    by_cert = gateway.sign_headers(body, timestamp=stamp, key=platform_key,
                                   serial="5157F09EFDC096DE15EBE81A47057A72")
    assert verifier.open(by_cert, body, stamp)["out_trade_no"] == "EB0000000001"
    by_key = gateway.sign_headers(body, timestamp=stamp)
    assert verifier.open(by_key, body, stamp)["trade_state"] == "SUCCESS"
    unknown = gateway.sign_headers(body, timestamp=stamp, key=platform_key, serial="0ABC")
    try:
        verifier.open(unknown, body, stamp)
    except NotificationRejected:
        pass
    else:
        raise AssertionError("an unknown serial was accepted")


async def test_a_batch_can_require_the_training_fee_before_the_exam(
        client: TestClient, chat: Chat, demo: dict, pay_gateway: PayGateway) -> None:
    from models.learning.exams import Exam
    from services.demo import EXAM_QUESTIONS

    now = datetime.now(UTC)
    applicant, batch, _ = await approved_with_fee(demo, 6, exam_requires_payment=True)
    exam = await Exam.create(batch_id=batch.id, title="入库考试", opens_at=now - timedelta(hours=1),
                             closes_at=now + timedelta(days=1), duration_minutes=60,
                             pass_score=60, questions=EXAM_QUESTIONS)
    exams = client.app[DOMAIN].exams
    try:
        await exams.start(exam, applicant.id, now)
    except DomainError as exc:
        assert "先缴纳培训费" in said(exc)
    else:
        raise AssertionError("the exam started before the fee was paid")
    assert "350.00元" in (await chat.say(demo["applicant"].openid, "缴费")).text
    order = await PayOrder.get(status=OrderStatus.OPEN)
    await pay_gateway.scan_and_pay(order.out_trade_no)
    await eventually(lambda: Payable.exists(paid_at__not_isnull=True))
    attempt = await exams.start(exam, applicant.id, datetime.now(UTC))
    assert attempt.deadline > now


async def test_an_invoice_request_is_followed_to_the_push(chat: Chat, client: TestClient,
                                                          api: Api, demo: dict,
                                                          platform: Platform,
                                                          pay_gateway: PayGateway) -> None:
    """The receipt promised an e-invoice nothing issued. Now it says what happens
    next; the request reaches the finance staff (list and export); the invoice number they
    record is pushed to the payer, once."""
    enrollment_id, _ = await course_fee(api, demo)
    person_id, item = await due(client, demo)
    checkout = await payments(client).checkout(person_id, item, datetime.now(UTC))
    await pay_gateway.scan_and_pay(checkout.order.out_trade_no)
    await eventually(lambda: Payable.exists(paid_at__not_isnull=True))
    receipt = await Notification.get(kind="payment.paid")
    assert "财务人员开具后" in receipt.params["invoice"]
    admin = await api.login(demo["finance"].mp_openid)
    waiting = await api.call("GET", "/admin/invoices", admin)
    (row,) = waiting.data["invoices"]
    assert row["amount_yuan"] == "200.00" and row["email"] and row["invoice_no"] is None
    sheets, exported = await exact_access(api.client, "/miniapp/v1/admin/invoices.csv",
                                          token=admin)
    body = str(sheets)
    assert "发票号码" in body and row["order_no"] in body
    assert ["email", "full"] in exported.detail["held"]
    # only the finance staff (administrators)
    expert = await api.login(demo["expert"].mp_openid)
    assert (await api.call("GET", "/admin/invoices", expert)).status == 403
    recorded = await api.call("POST", f"/admin/invoices/{row['payable_id']}", admin,
                              {"invoice_no": "25442000000123456789"})
    assert recorded.status == 200 and recorded.data["invoice_no"] == "25442000000123456789"
    twice = await api.call("POST", f"/admin/invoices/{row['payable_id']}", admin,
                           {"invoice_no": "25442000000999999999"})
    assert twice.status == 409 and "不能重复登记" in twice.message
    told = await Notification.filter(kind="payment.invoiced", person_id=person_id)
    assert len(told) == 1 and told[0].params["invoice_no"] == "25442000000123456789"
    assert (await api.call("GET", "/admin/invoices", admin)).data["invoices"] == []
    history = await chat.say(demo["expert"].openid, "缴费记录")
    assert "发票号码 25442000000123456789" in history.text
    assert enrollment_id


async def test_the_training_fee_invoice_goes_to_the_forms_email_or_to_one_given_later(
        client: TestClient, api: Api, demo: dict, pay_gateway: PayGateway) -> None:
    """XJ-SIGNUP's form: "请准确填写邮箱号，培训费发票将发送到此邮箱" — the training fee's
    invoice goes to the form's 电子邮箱, not the registration one; a payer with no email is
    told where to give one, and the invoice still waiting goes there."""
    applicant, _, app = await approved_with_fee(demo, 6)
    await Application.filter(id=app.id).update(data={"email": "form-mail@example.cn"})
    await Person.filter(id=applicant.id).update(email="login-mail@example.cn")
    item = await payments(client).due(applicant.id, datetime.now(UTC))
    checkout = await payments(client).checkout(applicant.id, item, datetime.now(UTC))
    await pay_gateway.scan_and_pay(checkout.order.out_trade_no)
    await eventually(lambda: Payable.exists(person_id=applicant.id, paid_at__not_isnull=True))
    paid = await Payable.get(person_id=applicant.id)
    assert paid.invoice_email == "form-mail@example.cn"
    receipt = await Notification.get(kind="payment.paid", person_id=applicant.id)
    assert "f***@example.cn" in receipt.params["invoice"]
    # a payer with no email anywhere: the receipt says where to give one, and it is used
    await course_fee(api, demo)
    expert_id = (await Person.get(phone_is(demo["expert"].phone))).id
    await Person.filter(id=expert_id).update(email=None)
    course_item = await payments(client).due(expert_id, datetime.now(UTC))
    order = await payments(client).checkout(expert_id, course_item, datetime.now(UTC))
    await pay_gateway.scan_and_pay(order.order.out_trade_no)
    await eventually(lambda: Payable.exists(person_id=expert_id, paid_at__not_isnull=True))
    told = await Notification.get(kind="payment.paid", person_id=expert_id)
    assert "请在小程序「我的」中填写邮箱" in told.params["invoice"]
    token = await api.login(demo["expert"].mp_openid)
    given = await api.call("PUT", "/me/email", token, {"email": "li.jianguo@example.cn"})
    assert given.status == 200 and given.data["email"] == "l***@example.cn"
    assert (await Payable.get(person_id=expert_id)).invoice_email == "li.jianguo@example.cn"
    bad = await api.call("PUT", "/me/email", token, {"email": "不是邮箱"})
    assert bad.status == 422


def test_each_client_of_a_process_signs_with_the_key_parsed_once(
        pay_secrets: dict[str, str]) -> None:
    """Every runtime a process opens makes a WeChat Pay client: the merchant's key is parsed
    (and its RSA check run) at the first, and the next one signs with the same key object."""
    from bot.providers.pay.client import WeChatPayClient

    def client() -> WeChatPayClient:
        return WeChatPayClient(
            base="http://127.0.0.1:9", mchid=pay_secrets["WECHATPAY_MCHID"],
            private_key=pay_secrets["WECHATPAY_PRIVATE_KEY"], cert_serial="1",
            apiv3_key=pay_secrets["WECHATPAY_APIV3_KEY"],
            public_key=pay_secrets["WECHATPAY_PUBLIC_KEY"],
            public_key_id=pay_secrets["WECHATPAY_PUBLIC_KEY_ID"], appid="wx1",
            miniapp_appid="wx2", notify_url="http://127.0.0.1:9/pay/notify")

    first, second = client(), client()
    assert first._pay._core._private_key is second._pay._core._private_key
