"""Continuing education: courses, enrolment (the lessons and their study are
routes/lessons.py), the course's test (taken on the exam page; essays marked in
routes/marking.py), make-up, certificate."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.schemas import Model, QuestionIn
from models.learning.education import Course, Enrollment
from models.people import Role
from services.common.errors import Conflict

api = Api()
TAG = "继续教育"
EXPERT = {Role.EXPERT}
ADMIN = {Role.ADMIN}


class EnrollmentOut(Model):
    id: int
    course_id: int
    course: str
    paid: bool
    access_from: datetime | None
    progress: int
    grading: str
    grading_title: str
    makeups: int
    certificate_no: str | None


class CourseOut(Model):
    id: int
    title: str
    year: int
    hours: int
    study_window: str
    fee_yuan: float
    enrollment: EnrollmentOut | None


class CoursesOut(Model):
    courses: list[CourseOut]


class CertificateOut(Model):
    certificate_no: str
    page: str
    image: str = Field(description="证书矢量图（SVG）")
    png: str = Field(description="下载图片：证书图片（PNG）")
    pdf: str
    verify: str = Field(description="公开核验页（证书二维码指向这里）")


class TestOut(Model):
    exam_id: int
    title: str
    link: str = Field(description="考试页面（开始后计时不停，到时自动交卷）")
    duration_minutes: int
    pass_score: int
    closes_at: datetime


class CourseTestIn(Model):
    title: str = Field(min_length=2, max_length=64)
    duration_minutes: int = Field(ge=5, le=600)
    pass_score: int = Field(ge=0)
    questions: list[QuestionIn] = Field(min_length=1, max_length=200)


class CourseTestOut(Model):
    id: int
    opens_at: datetime = Field(description="与课程学习时间一致")
    closes_at: datetime


class CourseIn(Model):
    title: str = Field(min_length=2, max_length=64)
    year: int = Field(ge=2000, le=2100)
    hours: int = Field(ge=1, le=200)
    study_from: datetime
    study_until: datetime
    fee_yuan: float = Field(default=0, ge=0, le=100000)


def course_out(call: Call, course: Course, enrollment: EnrollmentOut | None) -> CourseOut:
    return CourseOut(id=course.id, title=course.title, year=course.year, hours=course.hours,
                     study_window=call.domain.applications.window_text(
                         course.study_from, course.study_until),
                     fee_yuan=course.fee_fen / 100, enrollment=enrollment)


def enrollment_out(call: Call, item: Enrollment, title: str) -> EnrollmentOut:
    texts = call.services.texts
    return EnrollmentOut(id=item.id, course_id=item.course_id,
                         course=title, paid=item.paid_at is not None,
                         access_from=item.access_from, progress=item.progress,
                         grading=item.grading, grading_title=texts.word("grading", item.grading),
                         makeups=item.makeups, certificate_no=item.certificate_no)


@api.route("GET", "/education/courses", access=EXPERT, response=CoursesOut,
           summary="继续教育课程及我的学习情况", tag=TAG)
async def courses(call: Call) -> CoursesOut:
    return CoursesOut(courses=[
        course_out(call, c, enrollment_out(call, e, c.title) if e else None)
        for c, e in await call.domain.education.catalogue_of(call.caller.need_person())])


@api.route("POST", "/education/courses/{course_id}/enroll", access=EXPERT,
           response=EnrollmentOut, summary="报名课程（收费课程缴费2日后开放学习）", tag=TAG)
async def enroll(call: Call) -> EnrollmentOut:
    item = await call.domain.education.enroll(call.caller.need_person(),
                                                 call.path_int("course_id"), call.now)
    return enrollment_out(call, item, item.course.title)


async def _mine(call: Call) -> Enrollment:
    return await call.domain.education.own(call.caller.need_person(),
                                              call.path_int("enrollment_id"))


@api.route("POST", "/education/enrollments/{enrollment_id}/test", access=EXPERT,
           response=TestOut, summary="学完全部课程后参加课程考试（返回考试链接）", tag=TAG)
async def course_test(call: Call) -> TestOut:
    item = await _mine(call)
    education, exams = call.domain.education, call.domain.exams
    exam = await education.test_of(item.course_id)
    started = None if exam is None else await exams.attempt(exam, item.person_id)
    if started is None or started.submitted_at is not None:  # (a paper begun: its link)
        await education.ready_for_test(item.course_id, item.person_id, call.now)
    if exam is None:
        raise Conflict("course.no_test")
    return TestOut(exam_id=exam.id, title=exam.title, link=exams.link(exam, item.person_id),
                   duration_minutes=exam.duration_minutes, pass_score=exam.pass_score,
                   closes_at=exam.closes_at)


@api.route("POST", "/education/enrollments/{enrollment_id}/makeup", access=EXPERT,
           response=EnrollmentOut, summary="补学（不合格后重新学习）", tag=TAG)
async def makeup(call: Call) -> EnrollmentOut:
    item = await _mine(call)
    await call.domain.education.makeup(item, call.now)
    return enrollment_out(call, item, item.course.title)


@api.route("GET", "/education/enrollments/{enrollment_id}/certificate", access=EXPERT,
           response=CertificateOut, summary="合格证书（页面、图片、PDF、核验地址）", tag=TAG)
async def certificate(call: Call) -> CertificateOut:
    item = await _mine(call)
    links = call.domain.education.certificate(item)
    return CertificateOut(certificate_no=item.certificate_no or "", page=links.page,
                          image=links.svg, png=links.png, pdf=links.pdf, verify=links.verify)


@api.route("POST", "/admin/courses", access=ADMIN, body=CourseIn, response=CourseOut,
           summary="创建继续教育课程（并通知全体正式专家）", tag=TAG)
async def create_course(call: Call, body: CourseIn) -> CourseOut:
    values = body.model_dump(exclude={"fee_yuan"})
    course = await call.domain.education.create_course(
        {**values, "fee_fen": round(body.fee_yuan * 100)}, call.now)
    call.noted["course"] = course.id  # the trail names the course made
    return course_out(call, course, None)


@api.route("POST", "/admin/courses/{course_id}/test", access=ADMIN, body=CourseTestIn,
           response=CourseTestOut, summary="为课程安排考试（客观题自动判分，主观题进入待批阅）",
           tag=TAG)
async def add_test(call: Call, body: CourseTestIn) -> CourseTestOut:
    exam = await call.domain.education.add_test(call.path_int("course_id"), {
        **body.model_dump(exclude={"questions"}),
        "questions": [q.model_dump() for q in body.questions]})
    return CourseTestOut(id=exam.id, opens_at=exam.opens_at, closes_at=exam.closes_at)


class CourseRowOut(Model):
    id: int
    title: str
    year: int
    hours: int
    study_from: datetime
    study_until: datetime
    fee_yuan: float
    lessons: list[str] = Field(description="课时（按顺序）：标题")
    test: str | None = Field(description="课程考试的名称（未安排时为空）")
    enrolled: int
    paid: int
    completed: int


class CourseListOut(Model):
    courses: list[CourseRowOut]


@api.route("GET", "/admin/courses", access=ADMIN, response=CourseListOut,
           summary="继续教育课程：课时、考试和报名、缴费、合格人数", tag=TAG)
async def course_list(call: Call) -> CourseListOut:
    rows = await call.domain.education.course_rows()
    return CourseListOut(courses=[CourseRowOut(
        id=c.id, title=c.title, year=c.year, hours=c.hours, study_from=c.study_from,
        study_until=c.study_until, fee_yuan=c.fee_fen / 100, lessons=lessons, test=test,
        enrolled=enrolled, paid=paid, completed=completed)
        for c, lessons, test, (enrolled, paid, completed) in rows])
