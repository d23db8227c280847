"""Essays marked by an administrator ("subjective parts go to a grading queue for
administrators"): an entry exam with an essay waits for its marks, the applicant is told the
objective part and that the rest is being marked, and the marks settle the result through
the same engine (HN-APPLY: passing the exam makes a formal expert)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from models.experts import ExpertProfile
from models.learning.education import Course
from models.learning.exams import ExamAttempt
from models.notifications import Notification
from models.people import Person, phone_is
from services.demo import EXAM_QUESTIONS
from tests.support.api import Api
from tests.support.browser import screenshot
from tests.support.education import (
    ESSAY,
    PAPER,
    RIGHT,
    approved_applicant,
    handed_in,
    lessons,
    path_of,
    study,
)
from tests.support.wechat import Chat
from web.context import DOMAIN


async def test_an_entry_exam_with_an_essay_waits_for_marks_then_makes_an_expert(
        api: Api, client: TestClient, demo: dict, chat: Chat) -> None:
    attempt = await handed_in(client, demo, {"1": "B", "2": "T", "3": "AB"})  # 40 points
    assert (attempt.score, attempt.passed) == (40, None)
    told = await Notification.get(person_id=attempt.person_id, kind="exam.marking")
    assert told.params["score"] == 40
    assert not await ExpertProfile.exists(person_id=attempt.person_id)
    status = await chat.say(demo["applicant"].openid, "考试成绩")
    assert "主观题正在批阅" in status.text and "40" in status.text
    # only an administrator sees the queue and marks
    applicant = await api.login(demo["applicant"].mp_openid)
    assert (await api.call("GET", "/admin/marking", applicant)).status == 403
    admin = await api.login(demo["admin"].mp_openid)
    (paper,) = (await api.call("GET", "/admin/marking", admin)).data["papers"]
    assert (paper["purpose"], paper["objective_score"]) == ("入库考试", 40)
    assert paper["essays"] == [{"id": "6", "text": ESSAY["text"], "points": 50,
                                "answer": "与投标人有利害关系的应当回避。"}]
    path = f"/admin/marking/{paper['attempt_id']}"
    over = await api.call("POST", path, admin, {"points": {"6": 51}})
    assert over.status == 400 and "0 到 50 分" in over.message
    objective = await api.call("POST", path, admin, {"points": {"6": 10, "1": 20}})
    assert objective.status == 400 and "客观题已自动判分" in objective.message
    assert (await ExamAttempt.get(id=attempt.id)).passed is None  # nothing changed
    marked = await api.call("POST", path, admin, {"points": {"6": 50}})
    assert marked.data == {"attempt_id": attempt.id, "score": 90, "passed": True}
    profile = await ExpertProfile.get(person_id=attempt.person_id)
    note = await Notification.get(person_id=attempt.person_id, kind="exam.passed")
    assert (note.params["score"], note.params["expert_number"]) == (90, profile.expert_number)
    assert (await api.call("GET", "/admin/marking", admin)).data["papers"] == []
    again = await api.call("POST", path, admin, {"points": {"6": 0}})
    assert again.status == 409 and "已经批阅过了" in again.message


async def test_two_administrators_marking_at_once_settle_one_result(
        api: Api, client: TestClient, demo: dict) -> None:
    attempt = await handed_in(client, demo, RIGHT)  # 100 objective points: 90 to pass
    admin = await api.login(demo["admin"].mp_openid)
    path = f"/admin/marking/{attempt.id}"
    first, second = await asyncio.gather(api.call("POST", path, admin, {"points": {"6": 0}}),
                                         api.call("POST", path, admin, {"points": {"6": 40}}))
    assert sorted([first.status, second.status]) == [200, 409]
    assert await Notification.filter(person_id=attempt.person_id,
                                     kind="exam.passed").count() == 1
    assert await ExpertProfile.filter(person_id=attempt.person_id).count() == 1


async def test_an_unmarked_essay_paper_after_the_deadline_stays_in_the_queue(
        api: Api, client: TestClient, demo: dict) -> None:
    """The timer hands a paper in like the candidate does: it waits for marks too."""
    exam, person = await approved_applicant(client, demo)
    exam.questions = [*EXAM_QUESTIONS, ESSAY]
    await exam.save(update_fields=["questions"])
    exams = client.app[DOMAIN].exams
    now = datetime.now(UTC)
    await exams.start(exam, person.id, now)
    assert await exams.submit_overdue(now + timedelta(hours=2)) == 1
    admin = await api.login(demo["admin"].mp_openid)
    (paper,) = (await api.call("GET", "/admin/marking", admin)).data["papers"]
    assert paper["objective_score"] == 0 and paper["essays"][0]["answer"] == ""


async def test_a_course_test_with_an_essay_in_a_phone_browser(
        api: Api, client: TestClient, demo: dict, browser: Any) -> None:
    """The expert who studied the whole course writes the essay on the exam page, hands in,
    and reads that the essay is being marked (XJ-CE: 培训和考试合格 earns the certificate)."""
    from playwright.async_api import expect

    now = datetime.now(UTC)
    course = await Course.create(title="2026年度评标专家继续教育（补充）", year=2026, hours=1,
                                 study_from=now - timedelta(days=1),
                                 study_until=now + timedelta(days=9), fee_fen=0)
    await lessons(course, 1)
    token = await api.login(demo["expert"].mp_openid)
    eid = (await api.call("POST", f"/education/courses/{course.id}/enroll", token)).data["id"]
    await study(client, eid, datetime.now(UTC))
    await client.app[DOMAIN].education.add_test(course.id, dict(PAPER))
    link = (await api.call("POST", f"/education/enrollments/{eid}/test", token)).data["link"]
    phone = await browser.new_page(viewport={"width": 375, "height": 740})
    phone.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await phone.goto(str(client.make_url(path_of(link))))
    await phone.get_by_test_id("start").click()
    await phone.get_by_label("A. 主动回避").check()
    essay = phone.locator("#q-2 textarea")
    await essay.fill("评标专家应当遵守回避、保密和独立评审的纪律。")
    await essay.blur()
    await expect(phone.locator("#q-2 .saving")).to_have_text("已保存")
    await screenshot(phone, "var/course-test.png")
    await phone.get_by_test_id("submit").click()
    await expect(phone.get_by_test_id("result")).to_contain_text("主观题正在批阅")
    await screenshot(phone, "var/course-test-done.png")
    expert = await Person.get(phone_is(demo["expert"].phone))
    attempt = await ExamAttempt.get(person_id=expert.id)
    assert attempt.answers == {"1": "A", "2": "评标专家应当遵守回避、保密和独立评审的纪律。"}
    assert (attempt.score, attempt.passed) == (40, None)
