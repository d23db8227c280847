"""A course's lessons: the list with the time studied on each, a lesson opened
(its clock starts), heartbeats while the page stays open (the server credits the time), and
the administrator adding lessons to a course."""

from __future__ import annotations

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.education.courses import ADMIN, EXPERT, TAG
from miniapp_api.schemas import Model
from models.learning.education import Enrollment
from services.education import BEAT_EVERY, LessonState

api = Api()


class LessonOut(Model):
    id: int
    position: int
    title: str
    kind: str = Field(description="document 图文 / video 视频")
    minutes: int = Field(description="本课须学习的分钟数")
    studied_seconds: int = Field(description="已学时长（秒，服务器计时）")
    done: bool
    open: bool = Field(description="正在计时（页面打开中）")


class LessonsOut(Model):
    enrollment_id: int
    progress: int = Field(description="学习进度（%）：已学时长占全部课时的比例")
    lessons: list[LessonOut]


class StudyOut(Model):
    lesson: LessonOut
    body: str = Field(description="图文内容，或视频地址")
    beat_every: int = Field(description="页面打开期间每隔多少秒发送一次心跳")
    progress: int


class LessonIn(Model):
    title: str = Field(min_length=2, max_length=64)
    kind: str = Field(description="document 图文 / video 视频")
    body: str = Field(min_length=1, max_length=100_000, description="图文内容，或视频地址")
    minutes: int = Field(ge=1, le=600)


def lesson_out(state: LessonState) -> LessonOut:
    lesson = state.lesson
    return LessonOut(id=lesson.id, position=lesson.position, title=lesson.title,
                     kind=lesson.kind, minutes=lesson.minutes, studied_seconds=state.seconds,
                     done=state.done, open=state.open)


async def _mine(call: Call) -> Enrollment:
    item = await call.domain.education.own(call.caller.need_person(),
                                           call.path_int("enrollment_id"))
    return item


def study_out(state: LessonState, item: Enrollment) -> StudyOut:
    return StudyOut(lesson=lesson_out(state), body=state.lesson.body, beat_every=BEAT_EVERY,
                    progress=item.progress)


@api.route("GET", "/education/enrollments/{enrollment_id}/lessons", access=EXPERT,
           response=LessonsOut, summary="课程目录及每课已学时长", tag=TAG)
async def lessons(call: Call) -> LessonsOut:
    item = await _mine(call)
    shown = await call.domain.education.courseware.lessons(item)
    return LessonsOut(enrollment_id=item.id, progress=item.progress,
                      lessons=[lesson_out(s) for s in shown])


@api.route("POST", "/education/enrollments/{enrollment_id}/lessons/{lesson_id}/open",
           access=EXPERT, response=StudyOut,
           summary="打开一课开始计时（同一课程同时只计一课）", tag=TAG)
async def open_lesson(call: Call) -> StudyOut:
    item = await _mine(call)
    state = await call.domain.education.open_lesson(item, call.path_int("lesson_id"),
                                                     call.now)
    return study_out(state, item)


@api.route("POST", "/education/enrollments/{enrollment_id}/lessons/{lesson_id}/heartbeat",
           access=EXPERT, response=StudyOut,
           summary="学习心跳：记入自上次心跳以来的时长（最多60秒）", tag=TAG)
async def heartbeat(call: Call) -> StudyOut:
    item = await _mine(call)
    state = await call.domain.education.heartbeat(item, call.path_int("lesson_id"), call.now)
    return study_out(state, item)


@api.route("POST", "/admin/courses/{course_id}/lessons", access=ADMIN, body=LessonIn,
           response=LessonOut, summary="为课程添加一课（图文或视频，及须学习的分钟数）", tag=TAG)
async def add_lesson(call: Call, body: LessonIn) -> LessonOut:
    lesson = await call.domain.education.courseware.add_lesson(call.path_int("course_id"),
                                                               body.model_dump())
    return lesson_out(LessonState(lesson, 0, False, False))
