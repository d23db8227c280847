"""Exams and continuing education as the candidate meets them: an approved applicant with
an exam, a paper handed in, a course studied lesson by lesson."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from aiohttp.test_utils import TestClient

from models.applications import Application, AppStatus, Batch
from models.learning.education import Course, Enrollment, Lesson
from models.learning.exams import Exam, ExamAttempt
from models.people import Person, phone_is
from services.demo import DEMO_FORM, EXAM_QUESTIONS, GD_STAGES
from services.demo_codes import demo_credit_code
from services.education.courseware import BEAT_EVERY, Courseware
from web.context import DOMAIN

RIGHT = {"1": "B", "2": "T", "3": "ABC", "4": "F", "5": "B"}


async def approved_applicant(client: TestClient, demo: dict, closes_in: float = 3600,
                             duration: int = 60) -> tuple[Exam, Person]:
    now = datetime.now(UTC)
    person = await Person.get(phone_is(demo["applicant"].phone))
    await Application.filter(person_id=person.id).delete()
    batch = await Batch.create(name="考试批次", kind="collect", province="44",
                               specialty_rule="xinjiang", stages=GD_STAGES,
                               apply_from=now - timedelta(days=3),
                               apply_until=now - timedelta(days=2),
                               review_until=now - timedelta(days=1))
    await Application.create(person_id=person.id, batch=batch, status=AppStatus.APPROVED,
                             data={**DEMO_FORM, "unit_credit_code": demo_credit_code(5)},
                             region="4401", industry="住建", specialties=[
                                 {"code": "A0401", "primary": True, "admitted": True},
                                 {"code": "A0402", "primary": False, "admitted": False}])
    exams = client.app[DOMAIN].exams
    exam = await exams.schedule_exam(batch, "入库考试", now - timedelta(minutes=1),
                                     now + timedelta(seconds=closes_in), duration, 60,
                                     EXAM_QUESTIONS, now)
    return exam, person


ESSAY = {"id": "6", "kind": "essay", "text": "简述评标专家应当回避的情形。", "options": [],
         "answer": "", "points": 50}


async def handed_in(client: TestClient, demo: dict, objective: dict[str, str]
                     ) -> ExamAttempt:
    exam, person = await approved_applicant(client, demo)
    exam.questions = [*EXAM_QUESTIONS, ESSAY]  # 100 objective points and a 50-point essay
    exam.pass_score = 90
    await exam.save(update_fields=["questions", "pass_score"])
    exams = client.app[DOMAIN].exams
    now = datetime.now(UTC)
    attempt = await exams.start(exam, person.id, now)
    for qid, value in {**objective, "6": "与投标人有利害关系的应当回避。"}.items():
        await exams.answer(attempt, exam, qid, value, now)
    return await exams.submit(attempt.id, now, by="candidate")



def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def lessons(course: Course, *minutes: int) -> list[Lesson]:
    """A document lesson per entry, each to be studied for that many minutes."""
    return [await Courseware.add_lesson(course.id, {
        "title": f"第{n}课", "kind": "document", "body": f"《评标专家管理办法》第{n}章",
        "minutes": m}) for n, m in enumerate(minutes, 1)]


async def study(client: TestClient, eid: int, start: datetime) -> datetime:
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


PAPER = {"title": "继续教育结业考试", "duration_minutes": 30, "pass_score": 60, "questions": [
    {"id": "1", "kind": "single", "text": "与投标人有利害关系的专家应当如何？",
     "options": ["主动回避", "继续评标"], "answer": "A", "points": 40},
    {"id": "2", "kind": "essay", "text": "简述评标纪律的主要要求。", "points": 60}]}
