"""What a person reads of their own exams and courses: the latest exam attempts and course
enrolments, with their results (the chat's 考试成绩)."""

from __future__ import annotations

from dataclasses import dataclass

from models.education import Enrollment
from models.exams import ExamAttempt


@dataclass(frozen=True)
class Results:
    attempts: list[ExamAttempt]  # newest first, each with its exam loaded
    enrollments: list[Enrollment]  # newest first, each with its course loaded


async def results_of(person_id: int, latest: int) -> Results:
    """The person's `latest` exam attempts and course enrolments."""
    attempts = await ExamAttempt.filter(person_id=person_id).prefetch_related(
        "exam").order_by("-id").limit(latest)
    enrollments = await Enrollment.filter(person_id=person_id).prefetch_related(
        "course").order_by("-id").limit(latest)
    return Results(list(attempts), list(enrollments))
