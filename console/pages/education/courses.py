"""Continuing education at the administrator's desk (XJ-CE: 专家继续教育): the courses with
their lessons, test and counts; a course created (every formal expert is told), a lesson
added (a document or a video), and the course's test set in the same question lines as a
batch's exam."""

from __future__ import annotations

from aiohttp import web

from console import admin_forms
from console.app import PageTable, api, done, redirect, render
from console.context import CONSOLE
from console.forms import text, when
from console.pages.admin.desk import line_error
from miniapp_api.routes.education import courses as education
from miniapp_api.routes.education import lessons

pages = PageTable()

BACK = "/console/courses"


@pages.get("/courses", uses=education.course_list)
async def course_list(request: web.Request) -> web.Response:
    listed = await api(request).call(education.course_list)
    return render(request, "courses.html", courses=listed.courses, question_example=request.app[
        CONSOLE].texts.render("console/examples/questions.j2"))


@pages.post("/courses", uses=education.create_course)
async def new_course(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=BACK)
    made = await calls.call(education.create_course, calls.fields(education.CourseIn, {
        **{k: text(form, k) for k in ("title", "year", "hours")},
        **{k: when(form, k) for k in ("study_from", "study_until")},
        "fee_yuan": text(form, "fee_yuan") or "0"}))
    return redirect(request, BACK, done(request, "course", title=made.title))


@pages.post("/courses/{course_id}/lessons", uses=lessons.add_lesson)
async def new_lesson(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=BACK)
    await calls.call(lessons.add_lesson, calls.fields(lessons.LessonIn, {
        k: text(form, k) for k in ("title", "kind", "body", "minutes")}),
        path=request.match_info)
    return redirect(request, BACK, done(request, "lesson"))


@pages.post("/courses/{course_id}/test", uses=education.add_test)
async def new_test(request: web.Request) -> web.Response:
    form = await request.post()
    try:
        questions = admin_forms.questions(text(form, "questions"))
    except admin_forms.LineError as exc:
        return redirect(request, BACK, line_error(request, exc))
    calls = api(request, back=BACK)
    await calls.call(education.add_test, calls.fields(education.CourseTestIn, {
        **{k: text(form, k) for k in ("title", "duration_minutes", "pass_score")},
        "questions": questions}), path=request.match_info)
    return redirect(request, BACK, done(request, "course_test"))
