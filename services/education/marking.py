"""Marking the essays of handed-in papers ("subjective parts go to a grading queue
for administrators"): the queue, oldest first, and the marks that settle a paper's result
through the exam engine (an entry exam's formal expert, a course test's certificate)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.learning.education import Course
from models.learning.exams import Exam, ExamAttempt
from services.common.errors import BadInput, Conflict, NotFound
from services.education.exams import Exams
from services.education.papers import essays


@dataclass(frozen=True)
class Paper:
    """One paper waiting for marks, as the marker sees it: the essays and their answers;
    who wrote it stays out of the marker's view."""

    attempt_id: int
    exam: str
    purpose: str  # 入库考试 | 继续教育 「course」
    submitted_at: datetime
    objective_score: int
    pass_score: int
    essays: list[dict[str, Any]]  # {"id", "text", "points", "answer"}


async def mark(exams: Exams, attempt_id: int, points: dict[str, int], marker_id: int,
               now: datetime) -> ExamAttempt:
    """Every essay's points (0 to its full marks): the paper's score is the objective part
    plus these, and its result follows at once."""
    async with exams.outbox.change(now) as change:
        attempt = await ExamAttempt.select_for_update().get_or_none(id=attempt_id)
        if attempt is None or attempt.submitted_at is None:
            raise NotFound("exam.no_paper")
        if attempt.passed is not None:
            raise Conflict("exam.marked")
        exam = await Exam.get(id=attempt.exam_id)
        questions = essays(exam)
        given = {str(k): v for k, v in points.items()}
        for q in questions:
            value = given.get(str(q["id"]))
            if value is None or not 0 <= value <= int(q["points"]):
                raise BadInput("exam.bad_marks", question=q["id"], full=int(q["points"]))
        if set(given) - {str(q["id"]) for q in questions}:
            raise BadInput("exam.not_essay")
        attempt.essay_points = given
        attempt.score = (attempt.score or 0) + sum(given.values())
        attempt.passed = attempt.score >= exam.pass_score
        attempt.marked_at, attempt.marked_by = now, marker_id
        await attempt.save(update_fields=["essay_points", "score", "passed", "marked_at",
                                          "marked_by"])
        await exams.conclude(change, exam, attempt)
    return attempt


class Marking:
    """The administrator marks the essays of exams (待批阅 → 合格 / 不合格)."""

    @staticmethod
    async def queue(limit: int = 50) -> list[Paper]:
        """Papers handed in with essays not yet marked, oldest first."""
        waiting = await ExamAttempt.filter(submitted_at__not_isnull=True, passed=None
                                           ).order_by("submitted_at", "id").limit(limit)
        exams = {e.id: e for e in await Exam.filter(id__in={a.exam_id for a in waiting})}
        courses = {c.id: c.title for c in await Course.filter(
            id__in={e.course_id for e in exams.values() if e.course_id is not None})}
        out = []
        for attempt in waiting:
            exam = exams[attempt.exam_id]
            purpose = ("入库考试" if exam.course_id is None
                       else f"继续教育「{courses.get(exam.course_id, '')}」")
            out.append(Paper(
                attempt_id=attempt.id, exam=exam.title, purpose=purpose,
                submitted_at=attempt.submitted_at or attempt.started_at,
                objective_score=attempt.score or 0, pass_score=exam.pass_score,
                essays=[{"id": str(q["id"]), "text": q["text"], "points": int(q["points"]),
                         "answer": str(attempt.answers.get(str(q["id"]), ""))}
                        for q in essays(exam)]))
        return out


    def __init__(self, exams: Exams) -> None:
        self.exams = exams

    async def mark_attempt(self, attempt_id: int, points: dict[str, int], marker_id: int,
                           now: datetime) -> ExamAttempt:
        """The essays of one attempt marked, the attempt graded, the applicant told."""
        return await mark(self.exams, attempt_id, points, marker_id, now)
