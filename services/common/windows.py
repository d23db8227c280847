"""Windows in time that an action must fall inside: a batch's application and review
periods, a course's study period."""

from __future__ import annotations

from datetime import datetime

from services.common.errors import ClosedWindow


def require_window_open(start: datetime, end: datetime, now: datetime, what: str) -> None:
    """Refuse outside [start, end], saying when the window is. `what` names the action
    (texts/errors/window/_words.j2): apply, edit, review, upload, submit, withdraw, study,
    request."""
    if now < start:
        raise ClosedWindow("window.not_open", what=what, start=start, end=end)
    if now > end:
        raise ClosedWindow("window.closed", what=what, start=start, end=end)
