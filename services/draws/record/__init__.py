"""The record of draws: the activity's file and list, results and their audit, the day's
evaluations and the agency's dashboard, the contact report, the table of conditions, and the
experts' performance records.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.draws.record.condition_table import ConditionProgress, ConditionTable
from services.draws.record.contacts import Contacts
from services.draws.record.dashboard import Dashboard, DayEvaluation
from services.draws.record.performance import Entry, Performance, SheetView, Shown
from services.draws.record.performance_due import PerformanceDue
from services.draws.record.results import Results
from services.draws.record.service import Record

__all__ = [
    "ConditionProgress",
    "ConditionTable",
    "Contacts",
    "Dashboard",
    "DayEvaluation",
    "Entry",
    "Performance",
    "PerformanceDue",
    "Record",
    "Results",
    "SheetView",
    "Shown",
]
