"""The record of draws: the activity's file and list, results and their audit, the day's
evaluations and the agency's dashboard, the contact report, the table of conditions, and the
experts' performance records.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.draws.record.condition_table import ConditionProgress
from services.draws.record.dashboard import DayEvaluation
from services.draws.record.performance import Entry, SheetView, Shown
from services.draws.record.service import DrawRecord, Performance

__all__ = [
    "ConditionProgress",
    "DayEvaluation",
    "DrawRecord",
    "Entry",
    "Performance",
    "SheetView",
    "Shown",
]
