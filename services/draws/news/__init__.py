"""What people are told and shown of a draw: an expert's notice and the words of every
invitation, the progress as counts, what the agency sees of an activity, an activity's
name, and the pushes to the agency.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.draws.news.agency_news import AgencyNews
from services.draws.news.counts import Counts, Progress
from services.draws.news.notices import Notices
from services.draws.news.service import News
from services.draws.news.titles import Titles
from services.draws.news.views import ActivityFile, ActivityFilter, Views

__all__ = [
    "ActivityFile",
    "ActivityFilter",
    "AgencyNews",
    "Counts",
    "News",
    "Notices",
    "Progress",
    "Titles",
    "Views",
]
