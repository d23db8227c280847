"""Continuing education: courses, enrolment (the lessons and their study are
routes/lessons.py), hand-in, make-up, certificate; grading for administrators."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.schemas import Model
from models.education import GRADING_TITLES, Course, Enrollment, Grading
from models.people import Role
from services.applications import window_text

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
    image: str
    pdf: str
    verify: str = Field(description="公开核验页（证书二维码指向这里）")


class GradeIn(Model):
    passed: bool


class CourseIn(Model):
    title: str = Field(min_length=2, max_length=64)
    year: int = Field(ge=2000, le=2100)
    hours: int = Field(ge=1, le=200)
    study_from: datetime
    study_until: datetime
    fee_yuan: float = Field(default=0, ge=0, le=100000)


def course_out(course: Course, enrollment: EnrollmentOut | None) -> CourseOut:
    return CourseOut(id=course.id, title=course.title, year=course.year, hours=course.hours,
                     study_window=window_text(course.study_from, course.study_until),
                     fee_yuan=course.fee_fen / 100, enrollment=enrollment)


def enrollment_out(item: Enrollment, title: str) -> EnrollmentOut:
    return EnrollmentOut(id=item.id, course_id=item.course_id,
                         course=title, paid=item.paid_at is not None,
                         access_from=item.access_from, progress=item.progress,
                         grading=item.grading, grading_title=GRADING_TITLES[Grading(item.grading)],
                         makeups=item.makeups, certificate_no=item.certificate_no)


@api.route("GET", "/education/courses", access=EXPERT, response=CoursesOut,
           summary="继续教育课程及我的学习情况", tag=TAG)
async def courses(call: Call) -> CoursesOut:
    return CoursesOut(courses=[
        course_out(c, enrollment_out(e, c.title) if e else None)
        for c, e in await call.domain.education.catalogue_of(call.caller.need_person())])


@api.route("POST", "/education/courses/{course_id}/enroll", access=EXPERT,
           response=EnrollmentOut, summary="报名课程（收费课程缴费2日后开放学习）", tag=TAG)
async def enroll(call: Call) -> EnrollmentOut:
    item = await call.domain.education.enroll(call.caller.need_person(),
                                                 call.path_int("course_id"), call.now)
    await item.fetch_related("course")
    return enrollment_out(item, item.course.title)


async def _mine(call: Call) -> Enrollment:
    return await call.domain.education.own(call.caller.need_person(),
                                              call.path_int("enrollment_id"))


@api.route("POST", "/education/enrollments/{enrollment_id}/hand-in", access=EXPERT,
           response=EnrollmentOut, summary="学完后提交批阅", tag=TAG)
async def hand_in(call: Call) -> EnrollmentOut:
    item = await _mine(call)
    await call.domain.education.hand_in(item, call.now)
    return enrollment_out(item, item.course.title)


@api.route("POST", "/education/enrollments/{enrollment_id}/makeup", access=EXPERT,
           response=EnrollmentOut, summary="补学（不合格后重新学习）", tag=TAG)
async def makeup(call: Call) -> EnrollmentOut:
    item = await _mine(call)
    await call.domain.education.makeup(item, call.now)
    return enrollment_out(item, item.course.title)


@api.route("GET", "/education/enrollments/{enrollment_id}/certificate", access=EXPERT,
           response=CertificateOut, summary="合格证书（页面、图片、PDF、核验地址）", tag=TAG)
async def certificate(call: Call) -> CertificateOut:
    item = await _mine(call)
    links = call.domain.education.certificate(item)
    return CertificateOut(certificate_no=item.certificate_no or "", page=links.page,
                          image=links.svg, pdf=links.pdf, verify=links.verify)


@api.route("POST", "/admin/courses", access=ADMIN, body=CourseIn, response=CourseOut,
           summary="创建继续教育课程（并通知全体正式专家）", tag=TAG)
async def create_course(call: Call, body: CourseIn) -> CourseOut:
    values = body.model_dump(exclude={"fee_yuan"})
    course = await call.domain.education.create_course(
        {**values, "fee_fen": round(body.fee_yuan * 100)}, call.now)
    return course_out(course, None)


@api.route("POST", "/admin/enrollments/{enrollment_id}/grade", access=ADMIN, body=GradeIn,
           response=EnrollmentOut, summary="批阅：合格 / 不合格", tag=TAG)
async def grade(call: Call, body: GradeIn) -> EnrollmentOut:
    item = await call.domain.education.grade(call.path_int("enrollment_id"),
                                                body.passed, call.now)
    await item.fetch_related("course")
    return enrollment_out(item, item.course.title)
