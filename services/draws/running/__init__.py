"""A running draw: its waves of invitations, replies under the activity's lock, its
lifecycle (start, pause, resume, force end), calls to those who have not answered, and the
sweep that finds what a lost timer left undone.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.draws.running.calls import CallPolicy, DrawCalls
from services.draws.running.lifecycle import Lifecycle
from services.draws.running.moot import CLAIMED_INVITATIONS, DRAW_MOOT
from services.draws.running.replies import Replies, ReplyOutcome
from services.draws.running.service import Running
from services.draws.running.sweep import Sweep
from services.draws.running.waves import Waves

__all__ = [
    "CLAIMED_INVITATIONS",
    "DRAW_MOOT",
    "CallPolicy",
    "DrawCalls",
    "Lifecycle",
    "Replies",
    "ReplyOutcome",
    "Running",
    "Sweep",
    "Waves",
]
