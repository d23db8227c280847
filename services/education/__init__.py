"""Continuing education and exams: courses, courseware, papers, marking, enrollments.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.education import courseware, marking
from services.education.course_rows import course_rows
from services.education.courses import Certificate, Education
from services.education.courseware import BEAT_EVERY, LessonState, add_lesson
from services.education.exams import Exams, exam_opens
from services.education.materials import LINK_DAYS as MATERIAL_LINK_DAYS
from services.education.materials import MAX_SIZE as MATERIAL_MAX
from services.education.materials import TYPES as MATERIAL_TYPES
from services.education.materials import Materials, MaterialView, saved_as
from services.education.materials import require_size as require_material_size
from services.education.papers import public_questions
from services.education.refunds import TrainingRefunds
from services.education.training import SessionView, Standing, Training, TrainingStanding
from services.education.views import results_of

__all__ = [
    "BEAT_EVERY",
    "MATERIAL_LINK_DAYS",
    "MATERIAL_MAX",
    "MATERIAL_TYPES",
    "Certificate",
    "Education",
    "Exams",
    "LessonState",
    "MaterialView",
    "Materials",
    "SessionView",
    "Standing",
    "Training",
    "TrainingRefunds",
    "TrainingStanding",
    "add_lesson",
    "course_rows",
    "courseware",
    "exam_opens",
    "marking",
    "public_questions",
    "require_material_size",
    "results_of",
    "saved_as",
]
