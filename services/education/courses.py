"""Continuing education (继续教育): enrol, pay (the reactions table calls `on_paid` when the
payment is announced), study the lessons once access opens 2 days after payment (the server
measuring the time: services/education/courseware.py), take the course's test through the
exam engine (services/education/exams.py;
essays marked by an administrator: 待批阅 / 合格 / 不合格), make up (补学: the lessons and
the test again), and get a certificate anyone can check once the test is passed (XJ-CE:
"完成继续教育培训和考试合格")."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError

import services.education.courseware as courseware
from models import column
from models.experts import ExpertProfile
from models.learning.education import Course, Enrollment, Grading, Lesson
from models.learning.exams import Exam, ExamAttempt
from models.people import Person, Role, RoleGrant
from services.common.clock import CHINA, china_time
from services.common.errors import BadInput, ClosedWindow, Conflict, NotAllowed, NotFound
from services.common.links import LinkError, Links
from services.common.windows import require_window_open
from services.education.courseware import Courseware, LessonState
from services.education.papers import check_paper
from services.notifications import Change, Outbox
from services.onboarding import Onboarding

ACCESS_DELAY = timedelta(days=2)
MAX_MAKEUPS = 2
CERT_LINK = "certificate"


CourseRow = tuple[Course, list[str], str | None, tuple[int, int, int]]


@dataclass(frozen=True)
class Results:
    """What a person reads of their own exams and courses (the chat's 考试成绩)."""

    attempts: list[ExamAttempt]  # newest first, each with its exam loaded
    enrollments: list[Enrollment]  # newest first, each with its course loaded


@dataclass(frozen=True)
class CertificateLinks:
    page: str
    svg: str
    png: str
    pdf: str
    verify: str


@dataclass(frozen=True)
class Certificate:
    """A certificate as its pages, image and PDF show it (web/certificates.py)."""

    no: str
    name: str
    course: str
    hours: int
    year: int
    issued: str
    verify_url: str


class Education:
    """Continuing education: courses, enrolments, lessons, the course's test, certificates;
    and what an expert reads of their results."""

    def __init__(self, outbox: Outbox, links: Links, secret: str) -> None:
        self.outbox = outbox
        self.links = links
        self._check_key = hmac.new(secret.encode(), b"expertbot/certificate", hashlib.sha256
                                   ).digest()
        self.courseware = Courseware()  # the lessons, and an enrolment's way through them

    @staticmethod
    async def course_rows(limit: int = 100) -> list[CourseRow]:
        """The courses as the administrator reads them: each with its lessons in order, its test
        and how many experts enrolled, paid and completed it, newest first."""
        courses = await Course.all().order_by("-study_from", "-id").limit(limit)
        ids = [c.id for c in courses]
        lessons: dict[int, list[str]] = {}
        for lesson in await Lesson.filter(course_id__in=ids).order_by("position", "id"):
            lessons.setdefault(lesson.course_id, []).append(lesson.title)
        tests = {e.course_id: e.title for e in await Exam.filter(course_id__in=ids)}
        counts: dict[int, list[int]] = {i: [0, 0, 0] for i in ids}
        for course_id, paid_at, completed_at in await Enrollment.filter(
                course_id__in=ids).values_list("course_id", "paid_at", "completed_at"):
            counts[course_id][0] += 1
            counts[course_id][1] += paid_at is not None
            counts[course_id][2] += completed_at is not None
        return [(c, lessons.get(c.id, []), tests.get(c.id),
                 (counts[c.id][0], counts[c.id][1], counts[c.id][2])) for c in courses]

    @staticmethod
    async def results_of(person_id: int, latest: int) -> Results:
        """The person's `latest` exam attempts and course enrolments."""
        attempts = await ExamAttempt.filter(person_id=person_id).prefetch_related(
            "exam").order_by("-id").limit(latest)
        enrollments = await Enrollment.filter(person_id=person_id).prefetch_related(
            "course").order_by("-id").limit(latest)
        return Results(list(attempts), list(enrollments))

    @staticmethod
    async def catalogue_of(person: Person) -> list[tuple[Course, Enrollment | None]]:
        """Every course, newest year first, with this person's enrolment where there is one."""
        mine = {e.course_id: e for e in await Enrollment.filter(person_id=person.id)}
        return [(c, mine.get(c.id)) for c in await Course.all().order_by("-year", "id")]

    async def create_course(self, values: dict[str, Any], now: datetime) -> Course:
        """A continuing-education course (XJ-CE), and in the same transaction a notice
        to every formal expert: the whole provincial list is told at once."""
        if values["study_from"] >= values["study_until"]:
            raise BadInput("course.bad_times")
        async with self.outbox.change(now) as change:
            course = await Course.create(**values)
            experts = await column(RoleGrant.filter(
                role=Role.EXPERT, revoked_at=None, person__deregistered_at=None), "person_id")
            await change.notify_all("course.published", {
                "course": course.title, "opens": china_time(course.study_from),
                "until": china_time(course.study_until),
                "fee": f"{course.fee_fen / 100:.2f}元"}, [int(p) for p in experts],
                dedupe_prefix=f"course.published:{course.id}")
        return course

    def certificate(self, item: Enrollment) -> CertificateLinks:
        """The certificate of a course passed."""
        if item.certificate_no is None:
            raise Conflict("course.no_certificate")
        return self.links_for(item)

    async def shown_certificate(self, no: str, proof: str, public: bool = False
                                ) -> Certificate | None:
        """The certificate of a course passed, to its holder (`proof`: their link's token)
        or to anyone checking it (`public`; `proof`: the check code on the certificate);
        None: no such certificate, or the proof does not hold."""
        item = await Enrollment.get_or_none(certificate_no=no, grading=Grading.PASSED)
        if item is None:
            return None
        if public:
            if proof != self.certificate_code(no):
                return None
        else:
            try:
                if self.links.verify(CERT_LINK, no, proof) != item.person_id:
                    return None
            except LinkError:
                return None
        course = await Course.get(id=item.course_id)
        person = await Person.get(id=item.person_id)
        assert item.completed_at is not None
        return Certificate(no=no, name=person.name, course=course.title, hours=course.hours,
                           year=course.year,
                           issued=f"{item.completed_at.astimezone(CHINA):%Y年%m月%d日}",
                           verify_url=self.links_for(item).verify)

    async def own(self, person: Person, enrollment_id: int) -> Enrollment:
        item = await Enrollment.get_or_none(id=enrollment_id, person_id=person.id
                                            ).prefetch_related("course")
        if item is None:
            raise NotFound("course.no_enrollment")
        return item

    async def enroll(self, person: Person, course_id: int, now: datetime) -> Enrollment:
        if not await ExpertProfile.exists(person_id=person.id, active=True):
            raise NotAllowed("course.experts_only")
        # XJ-CE: 审核人员审核通过后，可点击【继续教育】即完成报名操作
        await Onboarding.require_steps(person.id, "review", "education")
        course = await Course.get_or_none(id=course_id)
        if course is None:
            raise NotFound("course.not_found")
        if now > course.study_until:
            raise ClosedWindow("course.over", until=course.study_until)
        try:
            item = await Enrollment.create(course=course, person_id=person.id)
        except IntegrityError:
            raise Conflict("course.enrolled") from None
        if course.fee_fen == 0:  # free: open at once
            item.paid_at, item.access_from = now, now
            await item.save(update_fields=["paid_at", "access_from"])
        return item

    async def on_paid(self, enrollment_id: int, paid_at: datetime,
                      change: Change | None = None) -> None:
        """The payment hook: the course opens two days after the fee is paid (inside the
        payment's own transaction when `change` is given)."""
        if change is None:
            async with self.outbox.change(paid_at) as own:
                return await self.on_paid(enrollment_id, paid_at, own)
        item = await Enrollment.select_for_update().get(id=enrollment_id)
        if item.paid_at is not None:
            return None
        item.paid_at, item.access_from = paid_at, paid_at + ACCESS_DELAY
        await item.save(update_fields=["paid_at", "access_from"])
        course = await Course.get(id=item.course_id)
        await change.notify("course.paid", {"course": course.title,
                                            "opens": china_time(item.access_from),
                                            "at": china_time(paid_at)},
                            person_id=item.person_id)
        return None

    def _open(self, item: Enrollment, now: datetime) -> None:
        if item.paid_at is None:
            raise Conflict("course.unpaid")  # 403 is for who may call, not for what is due
        assert item.access_from is not None
        if now < item.access_from:
            raise ClosedWindow("course.not_open", opens=item.access_from)
        require_window_open(item.course.study_from, item.course.study_until, now, "study")

    async def open_lesson(self, item: Enrollment, lesson_id: int, now: datetime
                          ) -> LessonState:
        """Study starts: paid, access open, inside the study window (services/courseware)."""
        self._open(item, now)
        return await courseware.open_lesson(item, lesson_id, now)

    async def heartbeat(self, item: Enrollment, lesson_id: int, now: datetime
                        ) -> LessonState:
        self._open(item, now)
        return await courseware.heartbeat(item, lesson_id, now)

    async def ready_for_test(self, course_id: int, person_id: int, now: datetime
                             ) -> Enrollment:
        """The course's test may be started: enrolled, open, every lesson studied, and no
        test of this round handed in."""
        item = await Enrollment.get_or_none(course_id=course_id, person_id=person_id
                                            ).prefetch_related("course")
        if item is None:
            raise NotAllowed("exam.not_listed")
        self._open(item, now)
        if item.progress < 100:
            raise Conflict("course.unfinished", progress=item.progress)
        if item.grading != Grading.NONE:
            raise Conflict({Grading.PENDING: "course.handed_in",
                            Grading.PASSED: "course.passed_already"}.get(
                Grading(item.grading), "course.test_failed"))
        return item

    @staticmethod
    async def test_of(course_id: int) -> Exam | None:
        return await Exam.get_or_none(course_id=course_id)

    async def add_test(self, course_id: int, values: dict[str, Any]) -> Exam:
        """The course's test (one per course), open for the course's study window."""
        course = await Course.get_or_none(id=course_id)
        if course is None:
            raise NotFound("course.not_found")
        check_paper(values["questions"], values["pass_score"])
        try:
            return await Exam.create(course_id=course_id, opens_at=course.study_from,
                                     closes_at=course.study_until, **values)
        except IntegrityError:  # the course has its test already (one per course)
            raise Conflict("course.test_exists") from None

    async def test_handed_in(self, change: Change, exam: Exam, attempt: ExamAttempt) -> None:
        """A test with essays handed in: 待批阅 until an administrator marks it."""
        await Enrollment.filter(course_id=exam.course_id, person_id=attempt.person_id
                                ).update(grading=Grading.PENDING)
        await change.notify("exam.marking", {"exam": exam.title, "score": attempt.score,
                                             "at": china_time(change.now)},
                            person_id=attempt.person_id)

    async def test_result(self, change: Change, exam: Exam, attempt: ExamAttempt) -> None:
        """The test's result is the course's: 合格 with a certificate, or 不合格 with the
        补学 rounds left."""
        now = change.now
        item = await Enrollment.select_for_update().get(course_id=exam.course_id,
                                                        person_id=attempt.person_id)
        course = await Course.get(id=item.course_id)
        item.grading = Grading.PASSED if attempt.passed else Grading.FAILED
        params: dict[str, object] = {"course": course.title, "at": china_time(now),
                                     "score": attempt.score, "pass_score": exam.pass_score}
        if attempt.passed:
            item.completed_at = now
            item.certificate_no = f"JX{now.astimezone(CHINA).year}{item.id:06d}"
            params["certificate_no"] = item.certificate_no
            params["link"] = self.links_for(item).page
            await change.notify("course.passed", params, person_id=item.person_id)
        else:
            params["makeups_left"] = MAX_MAKEUPS - item.makeups
            params["until"] = china_time(course.study_until)
            await change.notify("course.failed", params, person_id=item.person_id)
        await item.save(update_fields=["grading", "completed_at", "certificate_no"])

    async def makeup(self, item: Enrollment, now: datetime) -> Enrollment:
        """补学: study again after a 不合格 (at most twice, within the study window)."""
        if item.grading != Grading.FAILED:
            raise Conflict("course.makeup_not_failed")
        if item.makeups >= MAX_MAKEUPS:
            raise Conflict("course.makeups_used", limit=MAX_MAKEUPS)
        self._open(item, now)
        item.makeups += 1
        item.progress, item.grading = 0, Grading.NONE
        await item.save(update_fields=["makeups", "progress", "grading"])
        await courseware.restart(item)
        return item

    def certificate_code(self, certificate_no: str) -> str:
        """The check code on a certificate's public verification link."""
        return hmac.new(self._check_key, certificate_no.encode(), hashlib.sha256).hexdigest()[:10]

    def links_for(self, item: Enrollment) -> CertificateLinks:
        assert item.certificate_no is not None
        no = item.certificate_no
        token = self.links.token(CERT_LINK, no, item.person_id, 4_102_444_800)  # until 2100
        base = f"/certificates/{no}"
        return CertificateLinks(page=self.links.address(base, t=token),
                                svg=self.links.address(f"{base}/image.svg", t=token),
                                png=self.links.address(f"{base}/certificate.png", t=token),
                                pdf=self.links.address(f"{base}/certificate.pdf", t=token),
                                verify=self.links.address(f"/verify/certificates/{no}",
                                                          c=self.certificate_code(no)))
