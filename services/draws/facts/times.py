"""When the venue's check-in works and when a second scan is a departure (the rules are
ours: docs/rules-that-are-ours.md, "When the venue code works", "Check-out")."""

from __future__ import annotations

from datetime import datetime, timedelta

CHECKIN_OPENS = timedelta(hours=2)  # the venue code works from 2 h before gathering
CHECKOUT_UNTIL = timedelta(hours=2)  # ... to 2 h after the evaluation's expected end
CHECKOUT_AFTER = timedelta(minutes=10)  # a second scan before this is a repeat, not leaving


def leaving_from(eval_start: datetime, checkin_at: datetime) -> datetime:
    """From when a later scan (or code, link press, staff registration) is a departure: not
    before the evaluation has begun, nor before CHECKOUT_AFTER since the check-in. Before
    that the same words again are a repeat, and nobody leaves an evaluation not begun."""
    return max(eval_start, checkin_at + CHECKOUT_AFTER)
