"""A running draw: its waves of invitations, replies under the activity's lock, its
lifecycle (start, pause, resume, force end), calls to those who have not answered, and the
sweep that finds what a lost timer left undone.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.draws.running.answers import ACKNOWLEDGE, ANSWER, Answer, NotAnAnswer, Several
from services.draws.running.calls import CallPolicy, DrawCalls
from services.draws.running.engine import DrawEngine
from services.draws.running.moot import DRAW_MOOT

__all__ = [
    "ACKNOWLEDGE",
    "ANSWER",
    "DRAW_MOOT",
    "Answer",
    "CallPolicy",
    "DrawCalls",
    "DrawEngine",
    "NotAnAnswer",
    "Several",
]
