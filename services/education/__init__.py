"""Continuing education and exams: courses, courseware, papers, marking, enrollments.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.education import courseware, marking
from services.education.course_rows import course_rows
from services.education.courses import Certificate, Education
from services.education.courseware import BEAT_EVERY, LessonState, add_lesson
from services.education.exams import Exams, next_step_after_approval
from services.education.papers import public_questions
from services.education.views import results_of

__all__ = [
    "BEAT_EVERY",
    "Certificate",
    "Education",
    "Exams",
    "LessonState",
    "add_lesson",
    "course_rows",
    "courseware",
    "marking",
    "next_step_after_approval",
    "public_questions",
    "results_of",
]
