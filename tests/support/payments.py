"""A fee to pay: the course fee ordered by the payer, and the payments service."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from aiohttp.test_utils import TestClient

from models.learning.education import Course, Enrollment
from models.money.payments import OrderStatus, PayOrder
from models.people import Person, phone_is
from sandbox.pay.gateway import PayGateway
from services.common.clock import CHINA
from services.payments.fee_items import FeeItem
from services.payments.orders import Payments
from tests.support.api import Api
from tests.support.helpers import eventually
from web.context import DOMAIN


async def course_fee(api: Api, demo: dict, fee_fen: int = 20000) -> tuple[int, str]:
    """The demo expert enrols in a paid course; returns the enrolment id and an API token."""
    now = datetime.now(UTC)
    expert = await Person.get(phone_is(demo["expert"].phone))
    await Enrollment.filter(person_id=expert.id).delete()  # the demo's own course fee
    course = await Course.create(title="2026年度评标专家继续教育", year=2026, hours=24,
                                 study_from=now - timedelta(days=1),
                                 study_until=now + timedelta(days=60), fee_fen=fee_fen)
    token = await api.login(demo["expert"].mp_openid)
    enrolled = await api.call("POST", f"/education/courses/{course.id}/enroll", token)
    assert enrolled.status == 200
    return enrolled.data["id"], token


def payments(client: TestClient) -> Payments:
    return client.app[DOMAIN].payments


async def due(client: TestClient, demo: dict) -> tuple[int, FeeItem]:
    person = await Person.get(phone_is(demo["expert"].phone))
    return person.id, await payments(client).due(person.id, datetime.now(UTC))


def bills_out_from_ten(gateway: PayGateway) -> None:
    """The fake gateway asked for bills at 10:00 China time or later, so that yesterday's
    are out whatever the hour the test runs at (sandbox/pay/bill.py `not_out`)."""
    def later() -> datetime:
        now = datetime.now(CHINA)
        return max(now, datetime.combine(now.date(), time(10, 1), tzinfo=CHINA))
    gateway.bill_clock = later


def china_at(day: date, hour: int, minute: int = 0) -> datetime:
    """A China time of day."""
    return datetime.combine(day, time(hour, minute), tzinfo=CHINA)


async def pay_fee(api: Api, demo: dict, gateway: PayGateway, fee_fen: int = 20000,
                  notify: bool = True, scan: bool = True) -> PayOrder:
    """A course fee ordered in the mini-program and paid by scanning its QR code; the signed
    notification settles it (or is lost, with `notify=False`; or the code is never scanned,
    with `scan=False`)."""
    _, token = await course_fee(api, demo, fee_fen)
    fee = (await api.call("GET", "/payments/fees", token)).data["fees"][0]
    out = await api.call("POST", f"/payments/fees/{fee['kind']}/{fee['ref_id']}/checkout",
                         token)
    assert out.status == 200, out.data
    no = out.data["out_trade_no"]
    if not scan:
        return await PayOrder.get(out_trade_no=no)
    if not notify:
        gateway.drop_notifications += 1
    await gateway.scan_and_pay(out.data["code_url"])
    if notify:
        await eventually(lambda: PayOrder.exists(out_trade_no=no, status=OrderStatus.PAID))
    return await PayOrder.get(out_trade_no=no)


async def days_ago(gateway: PayGateway, order: PayOrder, days: int) -> date:
    """Move the payment `days` back, at WeChat Pay and here alike (the bill's day is the day
    of WeChat Pay's success time, which is our paid_at); returns its new China day."""
    fake = gateway.orders[order.out_trade_no]
    moved = datetime.fromisoformat(fake.success_time) - timedelta(days=days)
    fake.success_time = moved.isoformat(timespec="seconds")
    if order.paid_at is not None:
        await PayOrder.filter(id=order.id).update(paid_at=order.paid_at - timedelta(days=days))
    return moved.astimezone(CHINA).date()
