"""The training after payment (XJ-SIGNUP: "报名成功并完成缴费的专家随时…查看培训及测试事项,
并按照规定时间参加培训、测试,逾期未参加的,不予退费"): the administrator schedules a session
(time, place or online link), the paid applicants are told, attendance is recorded, and a
no-show asking for the fee back is refused, in words saying why, while an attendee goes on to
the exam as before; before the training begins the fee is refunded in full."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from models.applications import Application, AppStatus, Batch
from models.learning.exams import Exam
from models.learning.training import TrainingSession
from models.money.payments import OrderStatus, Payable, PayOrder
from models.notifications import Notification
from models.people import Person, phone_is
from sandbox.pay.gateway import PayGateway
from services.common.errors import DomainError
from services.demo import EXAM_QUESTIONS
from tests.support.api import Api
from tests.support.browser import reload, screenshot, signed_in
from tests.support.helpers import eventually, said
from tests.support.wechat import Chat
from web.context import DOMAIN

PLACE = "乌鲁木齐市天山区新华北路165号 自治区建设工程招标投标协会三楼培训室"


async def _approved(key: str, demo: dict, batch: Batch) -> tuple[Person, Application]:
    person = await Person.get(phone_is(demo[key].phone))
    await Application.filter(person_id=person.id).delete()
    app = await Application.create(person_id=person.id, batch=batch, kind="new",
                                   status=AppStatus.APPROVED, data={}, region="4401",
                                   decided_at=datetime.now(UTC) - timedelta(days=6))
    return person, app


async def _world(client: TestClient, chat: Chat, demo: dict, pay_gateway: PayGateway
                 ) -> tuple[Batch, dict[str, tuple[Person, Application]]]:
    """A batch with the 350-yuan fee required before the exam, two approved applicants who
    paid it by scanning the QR code chat gives."""
    now = datetime.now(UTC)
    batch = await Batch.create(name="2024年全区第二批评标专家", province="44",
                               stages=[{"key": "final", "title": "终审", "level": "province"}],
                               apply_from=now - timedelta(days=30),
                               apply_until=now - timedelta(days=10),
                               review_until=now - timedelta(days=7),
                               pay_until=now + timedelta(days=3), fee_fen=35000,
                               exam_requires_payment=True)
    people = {key: await _approved(key, demo, batch) for key in ("applicant", "reviewer_final")}
    for key in people:
        assert "350.00元" in (await chat.say(demo[key].openid, "缴费")).text
        order = await PayOrder.filter(status=OrderStatus.OPEN).order_by("-id").first()
        assert order is not None
        await pay_gateway.scan_and_pay(order.out_trade_no)
        await eventually(lambda o=order: PayOrder.exists(id=o.id, status=OrderStatus.PAID))
    return batch, people


async def test_a_no_show_is_refused_a_refund_and_an_attendee_goes_on(
        client: TestClient, api: Api, chat: Chat, demo: dict,
        pay_gateway: PayGateway) -> None:
    batch, people = await _world(client, chat, demo, pay_gateway)
    (absent, absent_app), (attendee, _) = people["applicant"], people["reviewer_final"]
    admin = await api.login(demo["admin"].mp_openid)
    now = datetime.now(UTC)
    made = await api.call("POST", f"/admin/batches/{batch.id}/training-sessions", admin, {
        "title": "评标专家岗前培训", "starts_at": (now + timedelta(hours=2)).isoformat(),
        "ends_at": (now + timedelta(hours=5)).isoformat(), "place": PLACE,
        "note": "请携带身份证"})
    assert made.status == 200, made.data
    # both who paid are told when and where, and 培训 in chat says it again
    told = await Notification.filter(kind="training.scheduled").values_list("person_id",
                                                                            flat=True)
    assert sorted(told) == sorted([absent.id, attendee.id])
    shown = await chat.say(demo["applicant"].openid, "培训")
    assert "评标专家岗前培训" in shown.text and PLACE in shown.text
    assert "逾期未参加培训的，培训费不予退还" in shown.text
    # before it begins, 退费 says the fee can still be refunded
    before = await chat.say(demo["applicant"].openid, "退费")
    assert "可以申请退还" in before.text and "350.00元" in before.text
    # the training takes place; the desk records who came
    await TrainingSession.filter(id=made.data["id"]).update(
        starts_at=now - timedelta(hours=5), ends_at=now - timedelta(hours=2))
    recorded = await api.call("POST", f"/admin/training-sessions/{made.data['id']}/attendance",
                              admin, {"present": [attendee.id]})
    assert recorded.status == 200, recorded.data
    marks = {a["person_id"]: a["attended"]
             for a in recorded.data["sessions"][0]["attendees"]}
    assert marks == {absent.id: False, attendee.id: True}
    # the no-show asks for the fee back: refused, saying why, in the mini-program and chat
    token = await api.login(demo["applicant"].mp_openid)
    refused = await api.call("POST", f"/payments/fees/training/{absent_app.id}/refund", token)
    assert refused.status == 409, refused.data
    assert "您未参加" in refused.message and "「评标专家岗前培训」" in refused.message
    assert "逾期未参加培训的，培训费不予退还" in refused.message
    assert "反馈" in refused.message  # what to do if the record is wrong
    in_chat = await chat.say(demo["applicant"].openid, "退费")
    assert "逾期未参加培训的，培训费不予退还" in in_chat.text
    assert (await Payable.get(ref_id=absent_app.id)).refunded_at is None
    assert pay_gateway.orders and all(not o.refunds for o in pay_gateway.orders.values())
    # the attendee's path is unchanged: their sessions say so, and the exam starts
    other = await api.login(demo["reviewer_final"].mp_openid)
    mine = await api.call("GET", "/training/sessions", other)
    assert mine.data["sessions"][0]["attended_title"] == "已参加"
    exam = await Exam.create(batch_id=batch.id, title="入库考试", opens_at=now - timedelta(
        hours=1), closes_at=now + timedelta(days=1), duration_minutes=60, pass_score=60,
        questions=EXAM_QUESTIONS)
    attempt = await client.app[DOMAIN].exams.start(exam, attendee.id, datetime.now(UTC))
    assert attempt.submitted_at is None


async def test_before_the_training_the_fee_is_refunded_in_full(
        client: TestClient, api: Api, chat: Chat, demo: dict,
        pay_gateway: PayGateway) -> None:
    batch, people = await _world(client, chat, demo, pay_gateway)
    person, app = people["applicant"]
    admin = await api.login(demo["admin"].mp_openid)
    now = datetime.now(UTC)
    made = await api.call("POST", f"/admin/batches/{batch.id}/training-sessions", admin, {
        "starts_at": (now + timedelta(days=2)).isoformat(),
        "ends_at": (now + timedelta(days=2, hours=3)).isoformat(),
        "online_url": "https://meeting.example.cn/j/123456"})
    assert made.status == 200 and made.data["title"] == "2024年全区第二批评标专家"
    # recording attendance before it begins is refused, saying when it begins
    early = await api.call("POST", f"/admin/training-sessions/{made.data['id']}/attendance",
                           admin, {"present": [person.id]})
    assert early.status == 400 and "开始后才能登记出勤" in early.message
    token = await api.login(demo["applicant"].mp_openid)
    refunded = await api.call("POST", f"/payments/fees/training/{app.id}/refund", token)
    assert refunded.status == 200 and refunded.data["amount_yuan"] == 350.0, refunded.data
    order = await PayOrder.get(payable__ref_id=app.id, status=OrderStatus.REFUNDED)
    assert pay_gateway.orders[order.out_trade_no].refunded_fen == 35000
    assert await Notification.exists(person_id=person.id, kind="payment.refunded")
    history = await chat.say(demo["applicant"].openid, "缴费记录")
    assert "退还" in history.text
    twice = await api.call("POST", f"/payments/fees/training/{app.id}/refund", token)
    assert twice.status == 409 and "已于" in twice.message
    # the refunded applicant's training and exam are no longer kept
    assert (await api.call("GET", "/training/sessions", token)).data["sessions"] == []
    exam = await Exam.create(batch_id=batch.id, title="入库考试", opens_at=now - timedelta(
        hours=1), closes_at=now + timedelta(days=1), duration_minutes=60, pass_score=60,
        questions=EXAM_QUESTIONS)
    try:
        await client.app[DOMAIN].exams.start(exam, person.id, datetime.now(UTC))
    except DomainError as exc:
        assert "先缴纳培训费" in said(exc)
    else:
        raise AssertionError("the exam started after the fee was refunded")


async def test_the_desk_schedules_a_training_and_records_attendance(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    batch = await Batch.filter(name__contains="征集").first()
    assert batch is not None
    person = await Person.get(phone_is("13800000001"))
    app = await Application.get(person_id=person.id, batch_id=batch.id)
    await Payable.create(person_id=person.id, kind="training", ref_id=app.id,
                         title=f"{batch.name} 培训费", amount_fen=35000,
                         paid_at=datetime.now(UTC), order_no="EBTEST0001")
    admin = await signed_in(browser, sandbox, "13800000007",
                            f"/console/batches/{batch.id}/training")
    await expect(admin.get_by_test_id("no-sessions")).to_be_visible()
    start = datetime.now(UTC) + timedelta(days=1)
    await admin.get_by_label("培训名称（不填用批次名称）").fill("评标专家岗前培训")
    await admin.get_by_label("开始").fill(f"{start.astimezone():%Y-%m-%dT09:00}")
    await admin.get_by_label("结束").fill(f"{start.astimezone():%Y-%m-%dT12:00}")
    await admin.get_by_label("培训地点").fill(PLACE)
    await admin.get_by_test_id("schedule-training").click()
    await expect(admin.get_by_test_id("flash")).to_contain_text("培训「评标专家岗前培训」已安排")
    session = await TrainingSession.get(title="评标专家岗前培训")
    table = admin.get_by_test_id(f"attendance-{session.id}")
    await expect(table).to_contain_text("未登记")
    assert await Notification.exists(person_id=person.id, kind="training.scheduled")
    # the session took place: the desk ticks nobody, and the applicant is recorded absent
    await TrainingSession.filter(id=session.id).update(
        starts_at=datetime.now(UTC) - timedelta(hours=3),
        ends_at=datetime.now(UTC) - timedelta(hours=1))
    await reload(admin)
    await admin.get_by_test_id(f"record-{session.id}").click()
    await expect(admin.get_by_test_id("flash")).to_contain_text("出勤已登记")
    await expect(admin.get_by_test_id(f"attendance-{session.id}")).to_contain_text("未参加")
    await screenshot(admin, "var/console-training-sessions.png")
