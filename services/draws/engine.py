"""The draw engine: a committed seed, invitations in waves sized to what is still needed,
replies under the activity's row lock (never more confirmed than planned), timeouts, pause /
resume / force end, and the records the auditor needs. Each part is a module of its own; the
engine is all of them over one outbox and one scheduler."""

from __future__ import annotations

from services.draws.lifecycle import Lifecycle
from services.draws.replies import Replies, ReplyOutcome
from services.draws.sweep import Sweep

__all__ = ["DrawEngine", "ReplyOutcome"]


class DrawEngine(Lifecycle, Replies, Sweep):
    """Start, pause, resume, force end (lifecycle), waves, replies and the sweep."""
