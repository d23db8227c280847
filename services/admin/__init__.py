"""The administrators' desk work: actions on people and batches, feedback, statistics, and
the audit trail in words (the records its entries name, what each entry did).

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.admin import statistics, views
from services.admin.actions import Administration, GrantSpec
from services.admin.feedback import FeedbackDesk
from services.admin.statistics_sheets import workbook
from services.admin.trail_subjects import named
from services.admin.trail_words import TrailWords
from services.admin.views import catalogue_versions

__all__ = [
    "Administration",
    "FeedbackDesk",
    "GrantSpec",
    "TrailWords",
    "catalogue_versions",
    "named",
    "statistics",
    "views",
    "workbook",
]
