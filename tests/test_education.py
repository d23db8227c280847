"""Continuing education: access 2 days after payment, lessons studied for their time as the
server measures it, hand-in, grading,
make-up, and a certificate (page, SVG, PDF) with a public check page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from aiohttp.test_utils import TestClient

from models.education import Course, Enrollment, Lesson
from models.notifications import Notification
from models.people import Person, Role, RoleGrant
from sandbox.platform import Platform
from services import courseware
from services.courseware import BEAT_EVERY
from tests.draw_world import make_experts
from tests.helpers import Api, eventually
from web.context import DOMAIN


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def _lessons(course: Course, *minutes: int) -> list[Lesson]:
    """A document lesson per entry, each to be studied for that many minutes."""
    return [await courseware.add_lesson(course.id, {
        "title": f"第{n}课", "kind": "document", "body": f"《评标专家管理办法》第{n}章",
        "minutes": m}) for n, m in enumerate(minutes, 1)]


async def _study(client: TestClient, eid: int, start: datetime) -> datetime:
    """The expert studies every lesson through, the page sending a heartbeat every 30 s as
    it does; returns the time at the end."""
    education = client.app[DOMAIN].education
    item = await Enrollment.get(id=eid).prefetch_related("course")
    at = start
    for lesson in await Lesson.filter(course_id=item.course_id).order_by("position"):
        assert (await education.open_lesson(item, lesson.id, at)).open
        while True:
            at += timedelta(seconds=BEAT_EVERY)
            if (await education.heartbeat(item, lesson.id, at)).done:
                break
    return at


async def test_a_course_from_payment_to_certificate(api: Api, client: TestClient,
                                                    demo: dict) -> None:
    now = datetime.now(UTC)
    course = await Course.create(title="2026年度评标专家继续教育", year=2026, hours=24,
                                 study_from=now - timedelta(days=1),
                                 study_until=now + timedelta(days=60), fee_fen=20000)
    first, second = await _lessons(course, 2, 2)
    token = await api.login(demo["expert"].mp_openid)
    enrolled = await api.call("POST", f"/education/courses/{course.id}/enroll", token)
    assert enrolled.status == 200 and enrolled.data["paid"] is False
    eid = enrolled.data["id"]
    lesson_path = f"/education/enrollments/{eid}/lessons/{first.id}"
    unpaid = await api.call("POST", f"{lesson_path}/open", token)
    assert unpaid.status == 409 and "请先缴纳" in unpaid.message
    # the payment hook: access opens two days after payment
    education = client.app[DOMAIN].education
    await education.on_paid(eid, now)
    early = await api.call("POST", f"{lesson_path}/open", token)
    assert early.status == 400 and "缴费2日后" in early.message
    note = await Notification.get(kind="course.paid")
    assert note.params["course"] == course.title
    await Enrollment.filter(id=eid).update(access_from=now - timedelta(minutes=1))
    opened = await api.call("POST", f"{lesson_path}/open", token)
    assert opened.status == 200 and "第1章" in opened.data["body"]
    assert opened.data["beat_every"] == 30 and opened.data["lesson"]["open"]
    # the first lesson studied through: half the course's minutes
    item = await Enrollment.get(id=eid).prefetch_related("course")
    at = now
    await education.open_lesson(item, first.id, at)
    for _ in range(4):
        at += timedelta(seconds=30)
        await education.heartbeat(item, first.id, at)
    listed = await api.call("GET", f"/education/enrollments/{eid}/lessons", token)
    assert listed.data["progress"] == 50
    assert [(x["done"], x["studied_seconds"]) for x in listed.data["lessons"]] == [
        (True, 120), (False, 0)]
    half = await api.call("POST", f"/education/enrollments/{eid}/hand-in", token)
    assert half.status == 409 and "50%" in half.message
    await education.open_lesson(item, second.id, at)
    for _ in range(4):
        at += timedelta(seconds=30)
        await education.heartbeat(item, second.id, at)
    pending = await api.call("POST", f"/education/enrollments/{eid}/hand-in", token)
    assert pending.data["grading_title"] == "待批阅" and pending.data["progress"] == 100
    admin = await api.login(demo["admin"].mp_openid)
    failed = await api.call("POST", f"/admin/enrollments/{eid}/grade", admin,
                            {"passed": False})
    assert failed.data["grading_title"] == "不合格"
    assert (await Notification.get(kind="course.failed")).params["makeups_left"] == 2
    redo = await api.call("POST", f"/education/enrollments/{eid}/makeup", token)
    assert redo.data["progress"] == 0 and redo.data["makeups"] == 1
    again = await api.call("GET", f"/education/enrollments/{eid}/lessons", token)
    assert [x["studied_seconds"] for x in again.data["lessons"]] == [0, 0]  # from the start
    await _study(client, eid, at)
    await api.call("POST", f"/education/enrollments/{eid}/hand-in", token)
    passed = await api.call("POST", f"/admin/enrollments/{eid}/grade", admin, {"passed": True})
    assert passed.data["grading_title"] == "合格" and passed.data["certificate_no"]
    cert = await api.call("GET", f"/education/enrollments/{eid}/certificate", token)
    page = await client.get(_path(cert.data["page"]))
    assert page.status == 200 and "继续教育合格证书" in await page.text()
    svg = await client.get(_path(cert.data["image"]))
    assert svg.content_type == "image/svg+xml" and "李建国" in await svg.text()
    pdf = await client.get(_path(cert.data["pdf"]))
    assert pdf.content_type == "application/pdf" and (await pdf.read()).startswith(b"%PDF")
    check = await client.get(_path(cert.data["verify"]))
    text = await check.text()
    assert check.status == 200 and "真实有效" in text and "李*国" in text and "李建国" not in text
    forged = await client.get(_path(cert.data["verify"]).replace("c=", "c=0"))
    assert forged.status == 404 and "没有查到" in await forged.text()
    stranger = await client.get(_path(cert.data["page"]).split("?")[0] + "?t=1.2.x")
    assert stranger.status == 403


async def test_a_course_cannot_be_studied_faster_than_its_lessons_time(
        api: Api, client: TestClient, demo: dict) -> None:
    """Issue 17: progress is what the server measured, not what the page says. Heartbeats
    faster than the clock add only the clock's time; a page left alone for an hour earns
    one minute at most; a second page opening another lesson stops the first one's clock;
    two heartbeats at once are counted once; no route takes a percentage any more."""
    now = datetime.now(UTC)
    course = await Course.create(title="计时课程", year=2026, hours=2,
                                 study_from=now - timedelta(days=1),
                                 study_until=now + timedelta(days=9), fee_fen=0)
    first, second = await _lessons(course, 10, 1)
    token = await api.login(demo["expert"].mp_openid)
    eid = (await api.call("POST", f"/education/courses/{course.id}/enroll", token)).data["id"]
    education = client.app[DOMAIN].education
    item = await Enrollment.get(id=eid).prefetch_related("course")
    at = datetime.now(UTC)  # a free course opens at enrolment
    await education.open_lesson(item, first.id, at)
    for _ in range(100):  # a heartbeat every second for 100 seconds: 100 s of study
        at += timedelta(seconds=1)
        state = await education.heartbeat(item, first.id, at)
    assert state.seconds == 100 and not state.done
    state = await education.heartbeat(item, first.id, at + timedelta(hours=1))
    assert state.seconds == 160  # an hour away counts as one minute at most
    at += timedelta(hours=1)
    twice = [await education.heartbeat(item, first.id, at + timedelta(seconds=30))
             for _ in range(2)]
    assert [t.seconds for t in twice] == [190, 190]
    at += timedelta(seconds=30)
    await education.open_lesson(item, second.id, at)  # another page, another lesson
    refused = await api.call("POST", f"/education/enrollments/{eid}/lessons/{first.id}"
                             "/heartbeat", token)
    assert refused.status == 409 and "重新打开本课" in refused.message
    listed = await api.call("GET", f"/education/enrollments/{eid}/lessons", token)
    assert [x["open"] for x in listed.data["lessons"]] == [False, True]
    assert listed.data["progress"] == 190 * 100 // (11 * 60)
    old = await api.call("POST", f"/education/enrollments/{eid}/progress", token,
                         {"progress": 100})
    assert old.status == 404
    hand_in = await api.call("POST", f"/education/enrollments/{eid}/hand-in", token)
    assert hand_in.status == 409 and "学完全部内容" in hand_in.message
    # lessons are the administrator's to add, at the end of the course
    lesson = {"title": "案例分析", "kind": "video", "body": "https://example.cn/v/1.mp4",
              "minutes": 5}
    path = f"/admin/courses/{course.id}/lessons"
    assert (await api.call("POST", path, token, lesson)).status == 403
    admin = await api.login(demo["admin"].mp_openid)
    added = await api.call("POST", path, admin, lesson)
    assert added.status == 200 and added.data["position"] == 3
    odd = await api.call("POST", path, admin, {**lesson, "kind": "audio"})
    assert odd.status == 400 and "document" in odd.message


async def test_a_free_course_opens_at_once_and_needs_a_formal_expert(api: Api,
                                                                     demo: dict) -> None:
    now = datetime.now(UTC)
    course = await Course.create(title="免费专题课", year=2026, hours=2,
                                 study_from=now - timedelta(days=1),
                                 study_until=now + timedelta(days=1), fee_fen=0)
    (lesson,) = await _lessons(course, 30)
    token = await api.login(demo["expert"].mp_openid)
    enrolled = await api.call("POST", f"/education/courses/{course.id}/enroll", token)
    assert enrolled.data["paid"] is True
    assert (await api.call("POST", f"/education/enrollments/{enrolled.data['id']}/lessons/"
                           f"{lesson.id}/open", token)).status == 200
    twice = await api.call("POST", f"/education/courses/{course.id}/enroll", token)
    assert twice.status == 409 and "已报名" in twice.message
    applicant = await api.login(demo["applicant"].mp_openid)
    assert (await api.call("GET", "/education/courses", applicant)).status == 403
    assert await Person.exists(phone=demo["expert"].phone)


async def test_study_window_and_the_makeup_limit(api: Api, client: TestClient,
                                                 demo: dict) -> None:
    now = datetime.now(UTC)
    over = await Course.create(title="已结束的课程", year=2026, hours=2,
                               study_from=now - timedelta(days=9),
                               study_until=now - timedelta(days=1), fee_fen=0)
    token = await api.login(demo["expert"].mp_openid)
    late = await api.call("POST", f"/education/courses/{over.id}/enroll", token)
    assert late.status == 400 and "学习时间已经结束" in late.message
    course = await Course.create(title="补学上限", year=2026, hours=2,
                                 study_from=now - timedelta(days=1),
                                 study_until=now + timedelta(days=9), fee_fen=0)
    (lesson,) = await _lessons(course, 1)
    eid = (await api.call("POST", f"/education/courses/{course.id}/enroll", token)).data["id"]
    admin = await api.login(demo["admin"].mp_openid)
    at = datetime.now(UTC)
    for attempt in range(3):
        at = await _study(client, eid, at)
        assert (await api.call("POST", f"/education/enrollments/{eid}/hand-in", token)
                ).data["grading_title"] == "待批阅"
        await api.call("POST", f"/admin/enrollments/{eid}/grade", admin, {"passed": False})
        redo = await api.call("POST", f"/education/enrollments/{eid}/makeup", token)
        if attempt < 2:
            assert redo.status == 200 and redo.data["makeups"] == attempt + 1
    assert redo.status == 409 and "补学次数已用完" in redo.message
    # the window closing stops study with the window in the reply
    await Course.filter(id=course.id).update(study_until=now - timedelta(minutes=1))
    closed = await api.call("POST", f"/education/enrollments/{eid}/lessons/{lesson.id}/open",
                            token)
    assert closed.status == 400 and "学习" in closed.message


async def test_a_new_course_is_announced_to_every_formal_expert_once(
        api: Api, client: TestClient, demo: dict, platform: Platform) -> None:
    """Seed 003: continuing education is for every expert on the list: publishing a course
    tells each formal expert (one notification each, a mass notice through the outbox),
    and nobody else; asked twice, nobody is told twice."""
    await make_experts(client, 3)
    admin = await api.login(demo["admin"].mp_openid)
    now = datetime.now(UTC)
    created = await api.call("POST", "/admin/courses", admin, {
        "title": "2027年度评标专家继续教育", "year": 2027, "hours": 24,
        "study_from": (now + timedelta(days=1)).isoformat(),
        "study_until": (now + timedelta(days=60)).isoformat(), "fee_yuan": 200})
    assert created.status == 200, created.data
    experts = {g.person_id for g in await RoleGrant.filter(role=Role.EXPERT, revoked_at=None)}
    told = await Notification.filter(kind="course.published").values_list("person_id",
                                                                          flat=True)
    assert sorted(told) == sorted(experts) and len(experts) >= 5
    course = await Course.get(title="2027年度评标专家继续教育")
    async with client.app[DOMAIN].outbox.change(now) as again:
        assert await again.notify_all("course.published", {}, list(experts),
                                      dedupe_prefix=f"course.published:{course.id}") == 0
    assert await Notification.filter(kind="course.published").count() == len(experts)
    await eventually(lambda: any("2027年度评标专家继续教育" in str(s.payload)
                                 for s in platform.received_by(demo["expert"].openid)),
                     timeout=10)
