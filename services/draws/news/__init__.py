"""What people are told and shown of a draw: an expert's notice and the words of every
invitation, the progress as counts, what the agency sees of an activity, an activity's
name, and the pushes to the agency.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.draws.news.counts import Counts
from services.draws.news.views import ActivityFile, ActivityFilter

__all__ = [
    "ActivityFile",
    "ActivityFilter",
    "Counts",
]
