"""Continuing education and exams: courses, courseware, papers, marking, enrollments,
training and its fee's refund.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.education.courses import Certificate, Education
from services.education.courseware import BEAT_EVERY, Courseware, LessonState
from services.education.exams import Exams
from services.education.marking import Marking
from services.education.materials import (
    MATERIAL_LINK_DAYS,
    MATERIAL_MAX,
    MATERIAL_TYPES,
    Materials,
    MaterialView,
)
from services.education.refunds import TrainingRefunds
from services.education.training import SessionView, Standing, Training, TrainingStanding

__all__ = [
    "BEAT_EVERY",
    "MATERIAL_LINK_DAYS",
    "MATERIAL_MAX",
    "MATERIAL_TYPES",
    "Certificate",
    "Courseware",
    "Education",
    "Exams",
    "LessonState",
    "Marking",
    "MaterialView",
    "Materials",
    "SessionView",
    "Standing",
    "Training",
    "TrainingRefunds",
    "TrainingStanding",
]
