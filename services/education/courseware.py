"""Continuing education that is studied (XJ-CE: 我的培训 shows each course's
学习进度, and a certificate only for "完成继续教育培训和考试合格的专家"). A course is made of
lessons (a document page, or a video page) each with the minutes it must be studied for. The
server measures the time: opening a lesson starts its clock (and stops any other of the same
enrolment: one page at a time), the page sends a heartbeat every 30 s, and each heartbeat
credits the time since the previous one, at most BEAT_CREDIT (a page closed for an hour is
not an hour of study, and heartbeats sent faster than the clock add nothing extra). A lesson
is done when its minutes are spent; the course's progress is the share of its minutes spent,
and only 100 % lets the expert take the course's test."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError

from models.learning.education import Course, Enrollment, Grading, Lesson, LessonStudy
from services.common.errors import BadInput, Conflict, NotFound

BEAT_EVERY = 30  # s between two heartbeats of an open lesson page
BEAT_CREDIT = timedelta(seconds=2 * BEAT_EVERY)  # the most one heartbeat credits
KINDS = ("document", "video")


@dataclass(frozen=True)
class LessonState:
    lesson: Lesson
    seconds: int  # studied, as measured
    open: bool  # its clock runs (the page is open)
    done: bool

    @property
    def required(self) -> int:
        return self.lesson.minutes * 60


def _studying(item: Enrollment) -> None:
    if item.grading == Grading.PENDING:
        raise Conflict("course.handed_in")
    if item.grading == Grading.PASSED:
        raise Conflict("course.passed_already")


async def _lesson(item: Enrollment, lesson_id: int) -> Lesson:
    lesson = await Lesson.get_or_none(id=lesson_id, course_id=item.course_id)
    if lesson is None:
        raise NotFound("course.no_lesson")
    return lesson


async def open_lesson(item: Enrollment, lesson_id: int, now: datetime) -> LessonState:
    """The expert opens a lesson page: its clock starts (the enrolment's others stop)."""
    _studying(item)
    lesson = await _lesson(item, lesson_id)
    await LessonStudy.filter(enrollment_id=item.id).exclude(lesson_id=lesson.id).update(
        last_beat_at=None)
    study, _ = await LessonStudy.get_or_create(enrollment_id=item.id, lesson_id=lesson.id)
    if study.done_at is None:
        await LessonStudy.filter(id=study.id).update(last_beat_at=now)
    return LessonState(lesson, study.seconds, study.done_at is None, study.done_at is not None)


async def heartbeat(item: Enrollment, lesson_id: int, now: datetime) -> LessonState:
    """The open page is still open: the time since the last heartbeat is credited (at most
    BEAT_CREDIT), once, even when two heartbeats race."""
    _studying(item)
    lesson = await _lesson(item, lesson_id)
    for _ in range(3):
        study = await LessonStudy.get_or_none(enrollment_id=item.id, lesson_id=lesson.id)
        if study is None or (study.last_beat_at is None and study.done_at is None):
            raise Conflict("course.lesson_not_open")  # another page took over: reopen it
        if study.done_at is not None:
            return LessonState(lesson, study.seconds, False, True)
        assert study.last_beat_at is not None
        gap = max(timedelta(0), min(now - study.last_beat_at, BEAT_CREDIT))
        seconds = min(study.seconds + int(gap.total_seconds()), lesson.minutes * 60)
        done = seconds >= lesson.minutes * 60
        if await LessonStudy.filter(id=study.id, last_beat_at=study.last_beat_at).update(
                seconds=seconds, last_beat_at=None if done else max(now, study.last_beat_at),
                done_at=now if done else None):
            await _progress(item)
            return LessonState(lesson, seconds, not done, done)
    raise Conflict("course.lesson_busy")


async def _progress(item: Enrollment) -> int:
    """The share of the course's minutes spent, kept on the enrolment (the list shows it)."""
    states = await Courseware.lessons(item)
    required = sum(s.required for s in states)
    spent = sum(min(s.seconds, s.required) for s in states)
    item.progress = 100 * spent // required if required else 0
    await Enrollment.filter(id=item.id).update(progress=item.progress)
    return item.progress


async def restart(item: Enrollment) -> None:
    """补学: the lessons are studied again from the start."""
    await LessonStudy.filter(enrollment_id=item.id).delete()


class Courseware:
    """The lessons of a course and an enrolment's progress through them (the part
    `courseware` of Education)."""

    @staticmethod
    async def lessons(item: Enrollment) -> list[LessonState]:
        """The course's lessons in order, with this enrolment's time on each."""
        studied = {s.lesson_id: s for s in await LessonStudy.filter(enrollment_id=item.id)}
        out = []
        for lesson in await Lesson.filter(course_id=item.course_id).order_by("position"):
            study = studied.get(lesson.id)
            out.append(LessonState(lesson, study.seconds if study else 0,
                                   bool(study and study.last_beat_at and not study.done_at),
                                   bool(study and study.done_at)))
        return out

    @staticmethod
    async def add_lesson(course_id: int, values: dict[str, Any]) -> Lesson:
        """A lesson at the end of the course (an administrator's)."""
        if not await Course.exists(id=course_id):
            raise NotFound("course.not_found")
        if values["kind"] not in KINDS:
            raise BadInput("course.lesson_kind")
        last = await Lesson.filter(course_id=course_id).order_by("-position").first()
        try:
            lesson = await Lesson.create(course_id=course_id, position=(last.position + 1
                                                                        if last else 1), **values)
        except IntegrityError:  # two added at once: the position taken, add it again
            raise Conflict("course.lesson_added_twice") from None
        for item in await Enrollment.filter(course_id=course_id, grading=Grading.NONE):
            await _progress(item)  # a new lesson is to be studied before the test too
        return lesson
