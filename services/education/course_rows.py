"""The courses as the administrator reads them: each with its lessons in order, its test
and how many experts enrolled, paid and completed it, newest first."""

from __future__ import annotations

from models.education import Course, Enrollment, Lesson
from models.exams import Exam

CourseRow = tuple[Course, list[str], str | None, tuple[int, int, int]]


async def course_rows(limit: int = 100) -> list[CourseRow]:
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
