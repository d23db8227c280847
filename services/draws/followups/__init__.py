"""What follows a draw: absences and 补抽, the requests made while the results are sealed,
withdrawal (退选), re-draw and 复评 (by calls), calls through a middle number, and the 副场 side
of draws made for other libraries.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.draws.followups.after_draw import DrawFollowups
from services.draws.followups.lent import LentDesk, LentView
from services.draws.followups.recall import Recall
from services.draws.followups.sealed import SEALED_ACTIONS
from services.draws.followups.virtual_calls import CallView, VirtualCalls

__all__ = [
    "SEALED_ACTIONS",
    "CallView",
    "DrawFollowups",
    "LentDesk",
    "LentView",
    "Recall",
    "VirtualCalls",
]
