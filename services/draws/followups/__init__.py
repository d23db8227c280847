"""What follows a draw: absences and 补抽, withdrawal (退选), re-draw and 复评 (by calls),
calls through a middle number.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from typing import TYPE_CHECKING

from services.common.doors import lazy

if TYPE_CHECKING:
    from services.draws.followups.after_draw import DrawFollowups
    from services.draws.followups.recall import Recall
    from services.draws.followups.virtual_calls import CallView, VirtualCalls

__all__ = [
    "CallView",
    "DrawFollowups",
    "Recall",
    "VirtualCalls",
]
__getattr__ = lazy(__name__, __file__)
