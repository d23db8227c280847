"""What people are told and shown of a draw, as the edges read it: an activity's view and
name, its counts, an invitation's notice, and the pushes to its agency."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.draws.news.agency_news import AgencyNews
from services.draws.news.counts import Progress
from services.draws.news.notices import Notices
from services.draws.news.titles import Titles
from services.draws.news.views import Views


@dataclass(frozen=True, kw_only=True)
class News:
    agency_news: AgencyNews
    views: Views = field(default_factory=Views)
    titles: Titles = field(default_factory=Titles)
    counts: Progress = field(default_factory=Progress)
    notices: Notices = field(default_factory=Notices)
