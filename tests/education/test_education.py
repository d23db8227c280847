"""Continuing education (XJ-CE): access 2 days after payment, lessons studied for their
time as the server measures it, the course's test on the exam page (objective questions
graded at once, essays marked by an administrator), make-up, and a certificate (page, SVG,
PDF) with a public check page only after the course and its test are passed ("完成继续教育
培训和考试合格的专家 … 查看继续教育合格证书")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.learning.education import Course, Enrollment, Lesson
from models.notifications import Notification
from models.people import Person, Role, RoleGrant, phone_is
from sandbox.platform import Platform
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.draw_world import make_experts
from tests.support.education import PAPER, lessons, path_of, study
from tests.support.helpers import eventually
from web.context import DOMAIN


async def _take(client: TestClient, link: str, answers: dict[str, str]) -> dict:
    """The expert takes the test on the exam page: start, answer, hand in (real HTTP)."""
    base, query = path_of(link).split("?")
    assert (await client.post(f"{base}/api/start?{query}", json={})).status == 200
    for question, value in answers.items():
        saved = await client.post(f"{base}/api/answer?{query}",
                                  json={"question": question, "answer": value})
        assert saved.status == 200, await saved.text()
    return dict(await (await client.post(f"{base}/api/submit?{query}", json={})).json())


async def test_a_course_from_payment_to_certificate(api: Api, client: TestClient,
                                                    demo: dict) -> None:
    now = datetime.now(UTC)
    course = await Course.create(title="2026年度评标专家继续教育", year=2026, hours=24,
                                 study_from=now - timedelta(days=1),
                                 study_until=now + timedelta(days=60), fee_fen=20000)
    first, second = await lessons(course, 2, 2)
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
    early_test = await api.call("POST", f"/education/enrollments/{eid}/test", token)
    assert early_test.status == 409 and "50%" in early_test.message
    await education.open_lesson(item, second.id, at)
    for _ in range(4):
        at += timedelta(seconds=30)
        await education.heartbeat(item, second.id, at)
    untested = await api.call("POST", f"/education/enrollments/{eid}/test", token)
    assert untested.status == 409 and "考试还没有安排" in untested.message
    admin = await api.login(demo["admin"].mp_openid)
    assert (await api.call("POST", f"/admin/courses/{course.id}/test", token, PAPER)
            ).status == 403
    added = await api.call("POST", f"/admin/courses/{course.id}/test", admin, PAPER)
    assert added.status == 200, added.data
    twice = await api.call("POST", f"/admin/courses/{course.id}/test", admin, PAPER)
    assert twice.status == 409 and "每门课程一份试卷" in twice.message
    test = await api.call("POST", f"/education/enrollments/{eid}/test", token)
    assert test.status == 200 and test.data["pass_score"] == 60
    handed = await _take(client, test.data["link"], {"1": "A", "2": "回避、保密、独立评审。"})
    assert handed["submitted"] and handed["passed"] is None and handed["score"] == 40
    marking = await Notification.get(kind="exam.marking")
    assert marking.params["score"] == 40
    mine = await api.call("GET", "/education/courses", token)
    listed_course = next(c for c in mine.data["courses"] if c["id"] == course.id)
    assert listed_course["enrollment"]["grading_title"] == "待批阅"
    no_cert = await api.call("GET", f"/education/enrollments/{eid}/certificate", token)
    assert no_cert.status == 409 and "通过课程考试后才有证书" in no_cert.message
    again_test = await api.call("POST", f"/education/enrollments/{eid}/test", token)
    assert again_test.status == 409 and "正在批阅" in again_test.message
    # the administrator marks the essay: 10 of 60, 50 in all: 不合格
    queue = await api.call("GET", "/admin/marking", admin)
    (paper,) = [p for p in queue.data["papers"] if p["exam"] == PAPER["title"]]
    assert paper["purpose"] == f"继续教育「{course.title}」"
    assert paper["essays"][0]["answer"] == "回避、保密、独立评审。"
    failed = await api.call("POST", f"/admin/marking/{paper['attempt_id']}", admin,
                            {"points": {"2": 10}})
    assert failed.data == {"attempt_id": paper["attempt_id"], "score": 50, "passed": False}
    note = await Notification.get(kind="course.failed")
    assert (note.params["makeups_left"], note.params["score"]) == (2, 50)
    retest = await api.call("POST", f"/education/enrollments/{eid}/test", token)
    assert retest.status == 409 and "补学" in retest.message
    redo = await api.call("POST", f"/education/enrollments/{eid}/makeup", token)
    assert redo.data["progress"] == 0 and redo.data["makeups"] == 1
    again = await api.call("GET", f"/education/enrollments/{eid}/lessons", token)
    assert [x["studied_seconds"] for x in again.data["lessons"]] == [0, 0]  # from the start
    unstudied = await api.call("POST", f"/education/enrollments/{eid}/test", token)
    assert unstudied.status == 409 and "0%" in unstudied.message
    await study(client, eid, at)
    # the same test, a new paper: the first one's answers and result stay as they were
    second_try = await api.call("POST", f"/education/enrollments/{eid}/test", token)
    fresh = await client.get(path_of(second_try.data["link"]).replace("?", "/api/state?", 1))
    assert (await fresh.json())["started"] is False
    await _take(client, second_try.data["link"], {"1": "A", "2": "遵守评标纪律，依法回避。"})
    paper = (await api.call("GET", "/admin/marking", admin)).data["papers"][0]
    passed = await api.call("POST", f"/admin/marking/{paper['attempt_id']}", admin,
                            {"points": {"2": 45}})
    assert passed.data["score"] == 85 and passed.data["passed"] is True
    listed = await api.call("GET", "/education/courses", token)
    done = next(c for c in listed.data["courses"] if c["id"] == course.id)["enrollment"]
    assert done["grading_title"] == "合格" and done["certificate_no"]
    assert (await Notification.get(kind="course.passed")).params["score"] == 85
    cert = await api.call("GET", f"/education/enrollments/{eid}/certificate", token)
    page = await client.get(path_of(cert.data["page"]))
    assert page.status == 200 and "继续教育合格证书" in await page.text()
    svg = await client.get(path_of(cert.data["image"]))
    assert svg.content_type == "image/svg+xml" and "李建国" in await svg.text()
    pdf = await client.get(path_of(cert.data["pdf"]))
    assert pdf.content_type == "application/pdf" and (await pdf.read()).startswith(b"%PDF")
    check = await client.get(path_of(cert.data["verify"]))
    text = await check.text()
    assert check.status == 200 and "真实有效" in text and "李*国" in text and "李建国" not in text
    forged = await client.get(path_of(cert.data["verify"]).replace("c=", "c=0"))
    assert forged.status == 404 and "没有查到" in await forged.text()
    stranger = await client.get(path_of(cert.data["page"]).split("?")[0] + "?t=1.2.x")
    assert stranger.status == 403


async def test_a_course_cannot_be_studied_faster_than_its_lessons_time(
        api: Api, client: TestClient, demo: dict) -> None:
    """Progress is what the server measured, not what the page says. Heartbeats
    faster than the clock add only the clock's time; a page left alone for an hour earns
    one minute at most; a second page opening another lesson stops the first one's clock;
    two heartbeats at once are counted once; no route takes a percentage any more."""
    now = datetime.now(UTC)
    course = await Course.create(title="计时课程", year=2026, hours=2,
                                 study_from=now - timedelta(days=1),
                                 study_until=now + timedelta(days=9), fee_fen=0)
    first, second = await lessons(course, 10, 1)
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
    test = await api.call("POST", f"/education/enrollments/{eid}/test", token)
    assert test.status == 409 and "学完全部课程后才能参加考试" in test.message
    # lessons are the administrator's to add, at the end of the course
    lesson = {"title": "案例分析", "kind": "video", "body": "https://example.cn/v/1.mp4",
              "minutes": 5}
    path = f"/admin/courses/{course.id}/lessons"
    assert (await api.call("POST", path, token, lesson)).status == 403
    admin = await api.login(demo["admin"].mp_openid)
    added = await api.call("POST", path, admin, lesson)
    assert added.status == 200 and added.data["position"] == 3
    # the new lesson is to be studied too: the progress shown (and the test's gate) drops
    relisted = await api.call("GET", f"/education/enrollments/{eid}/lessons", token)
    assert relisted.data["progress"] == 190 * 100 // (16 * 60)
    odd = await api.call("POST", path, admin, {**lesson, "kind": "audio"})
    assert odd.status == 400 and "document" in odd.message


async def test_a_free_course_opens_at_once_and_needs_a_formal_expert(api: Api,
                                                                     demo: dict) -> None:
    now = datetime.now(UTC)
    course = await Course.create(title="免费专题课", year=2026, hours=2,
                                 study_from=now - timedelta(days=1),
                                 study_until=now + timedelta(days=1), fee_fen=0)
    (lesson,) = await lessons(course, 30)
    token = await api.login(demo["expert"].mp_openid)
    enrolled = await api.call("POST", f"/education/courses/{course.id}/enroll", token)
    assert enrolled.data["paid"] is True
    assert (await api.call("POST", f"/education/enrollments/{enrolled.data['id']}/lessons/"
                           f"{lesson.id}/open", token)).status == 200
    twice = await api.call("POST", f"/education/courses/{course.id}/enroll", token)
    assert twice.status == 409 and "已报名" in twice.message
    applicant = await api.login(demo["applicant"].mp_openid)
    assert (await api.call("GET", "/education/courses", applicant)).status == 403
    assert await Person.exists(phone_is(demo["expert"].phone))


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
    (lesson,) = await lessons(course, 1)
    eid = (await api.call("POST", f"/education/courses/{course.id}/enroll", token)).data["id"]
    await client.app[DOMAIN].education.add_test(course.id, {
        **PAPER, "questions": PAPER["questions"][:1], "pass_score": 40})
    at = datetime.now(UTC)
    for attempt in range(3):  # a wrong answer, graded at once: 不合格, then 补学
        at = await study(client, eid, at)
        test = await api.call("POST", f"/education/enrollments/{eid}/test", token)
        result = await _take(client, test.data["link"], {"1": "B"})
        assert (result["score"], result["passed"]) == (0, False)
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
    """XJ-CE: continuing education is for every expert on the list: publishing a course
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


async def test_the_administrator_builds_a_course_at_the_desk(
        client: TestClient, demo: dict) -> None:
    """XJ-CE's course, built in the console: created (in China time), a lesson added, the
    test set from question lines; a bad line is refused by its number, the form kept."""
    desk = Desk(client)
    assert (await desk.sign_in(demo["admin"].phone)).status == 303
    await desk.get("/console/courses")
    made, _ = await desk.post("/console/courses", {
        "title": "2027年度评标专家继续教育", "year": "2027", "hours": "24",
        "study_from": "2027-01-04T09:00", "study_until": "2027-03-31T18:00", "fee_yuan": "200"})
    assert "已创建课程" in await desk.flash(made.headers["Location"])
    course = await Course.get(title="2027年度评标专家继续教育")
    assert course.study_from == datetime(2027, 1, 4, 1, 0, tzinfo=UTC)  # 09:00 China time
    await desk.post(f"/console/courses/{course.id}/lessons", {
        "title": "评标专家职业道德", "kind": "document", "body": "评标专家应当客观公正。",
        "minutes": "30"})
    assert "课时已添加" in await desk.flash("/console/courses")
    assert await Lesson.filter(course_id=course.id).count() == 1
    bad, _ = await desk.post(f"/console/courses/{course.id}/test", {
        "title": "继续教育考试", "duration_minutes": "60", "pass_score": "60",
        "questions": "单选 | 评标委员会成员人数为几人以上单数？ | 三人; 五人 | B | 分"})
    assert "第1行" in await desk.flash(bad.headers["Location"])
    await desk.post(f"/console/courses/{course.id}/test", {
        "title": "继续教育考试", "duration_minutes": "60", "pass_score": "10",
        "questions": "判断 | 评标专家可以私下接触投标人。 |  | F | 20"})
    assert "课程考试已安排" in await desk.flash("/console/courses")
    _, shown = await desk.get("/console/courses")
    assert "评标专家职业道德" in shown and "继续教育考试" in shown and "200.00" in shown
