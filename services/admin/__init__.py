"""The administrators' desk work: actions on people and batches, feedback, statistics, the
administrator's lists, the keys and certificates that end, and the audit trail in words (the
records its entries name, what each entry did).

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.admin.actions import Administration, GrantSpec
from services.admin.feedback import FeedbackDesk
from services.admin.key_dates import KeyDate, KeyDates, KeyWarning
from services.admin.statistics import RANKED, Month, MonthFigures, Statistics
from services.admin.statistics_sheets import StatisticsDesk
from services.admin.trail_words import TrailWords
from services.admin.views import AdminViews, BatchView

__all__ = [
    "RANKED",
    "AdminViews",
    "Administration",
    "BatchView",
    "FeedbackDesk",
    "GrantSpec",
    "KeyDate",
    "KeyDates",
    "KeyWarning",
    "Month",
    "MonthFigures",
    "Statistics",
    "StatisticsDesk",
    "TrailWords",
]
