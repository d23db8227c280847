"""The record of draws: the activity's file and list, results and their audit, the day's
evaluations, the contact report, the operation log, the table of conditions, and the
experts' performance records.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from typing import TYPE_CHECKING

from services.common.doors import lazy

if TYPE_CHECKING:
    from services.draws.record.condition_table import ConditionProgress
    from services.draws.record.dashboard import DayEvaluation
    from services.draws.record.family import SUPPLEMENT
    from services.draws.record.oplog import Actor, OperationLog
    from services.draws.record.performance import Entry, SheetView, Shown
    from services.draws.record.service import DrawRecord, Performance
    from services.draws.record.sources import ActivitySource
    from services.draws.record.views import ActivityFile, ActivityFilter

__all__ = [
    "SUPPLEMENT",
    "ActivityFile",
    "ActivityFilter",
    "ActivitySource",
    "Actor",
    "ConditionProgress",
    "DayEvaluation",
    "DrawRecord",
    "Entry",
    "OperationLog",
    "Performance",
    "SheetView",
    "Shown",
]
__getattr__ = lazy(__name__, __file__)
