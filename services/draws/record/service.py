"""The record of draws as the edges and the contexts above read it: one service whose
methods are the record's reads (the activity's file and list, its results and audit, the
day's evaluations and dashboard, the contact report, the family of a 补抽, the operation
log, the table of conditions), and the experts' performance records, a service of its own
since it changes records and tells experts (its outbox and links)."""

from __future__ import annotations

from datetime import datetime

import services.draws.record.performance as performance
import services.draws.record.performance_due as performance_due
from models.draws import DrawActivity
from models.performance import PerformanceRecord, ReviewOutcome
from services.common.links import Links
from services.draws.facts.family import family, root_of, serving
from services.draws.facts.oplog import Actor, log_export, log_of
from services.draws.facts.shown import shown_status
from services.draws.news.titles import activity_titles
from services.draws.news.views import (
    activity_file,
    activity_number,
    agency_projects,
    answer_view,
    expert_evaluations,
    linked_invitation,
    number_in,
    project_sections,
    visible_file,
    visible_summaries,
)
from services.draws.randomness.pool_size import pool_sizes
from services.draws.record.condition_table import agreed_in, progress_of, supplements_shown
from services.draws.record.contacts import contact_report
from services.draws.record.dashboard import dashboard, evaluations_on
from services.draws.record.results import (
    audit_records,
    draw_results,
    pool_audit,
    result_link,
    result_sheet,
)
from services.notifications import Outbox


class DrawRecord:
    """The record's reads."""

    activity_file = staticmethod(activity_file)
    pool_sizes = staticmethod(pool_sizes)  # how predictable a draw is, before it starts
    visible_file = staticmethod(visible_file)
    visible_summaries = staticmethod(visible_summaries)
    shown_status = staticmethod(shown_status)
    activity_number = staticmethod(activity_number)
    number_in = staticmethod(number_in)
    agency_projects = staticmethod(agency_projects)
    project_sections = staticmethod(project_sections)
    expert_evaluations = staticmethod(expert_evaluations)
    linked_invitation = staticmethod(linked_invitation)
    answer_view = staticmethod(answer_view)
    draw_results = staticmethod(draw_results)
    result_sheet = staticmethod(result_sheet)
    result_link = staticmethod(result_link)
    audit_records = staticmethod(audit_records)
    pool_audit = staticmethod(pool_audit)
    dashboard = staticmethod(dashboard)
    evaluations_on = staticmethod(evaluations_on)
    contact_report = staticmethod(contact_report)
    family = staticmethod(family)
    root_of = staticmethod(root_of)
    serving = staticmethod(serving)
    log_of = staticmethod(log_of)
    log_export = staticmethod(log_export)
    progress_of = staticmethod(progress_of)
    agreed_in = staticmethod(agreed_in)
    supplements_shown = staticmethod(supplements_shown)
    activity_titles = staticmethod(activity_titles)


class Performance:
    """Experts' performance records (CK-198): the agency's sheet, the expert's reply or
    dispute, the administrator's review, the reminder of records due."""

    sheet = staticmethod(performance.sheet)
    sheet_view = staticmethod(performance.sheet_view)
    mine = staticmethod(performance.mine)
    linked = staticmethod(performance.linked)
    reply = staticmethod(performance.reply)
    disputed = staticmethod(performance.disputed)

    def __init__(self, outbox: Outbox, links: Links | None = None) -> None:
        self.outbox = outbox
        self.links = links

    async def record(self, activity: DrawActivity, invitation_id: int,
                     entry: performance.Entry, now: datetime, actor: Actor
                     ) -> PerformanceRecord:
        """The agency's record of one expert, the expert told with a link to reply."""
        return await performance.record_performance(self.outbox, activity, invitation_id,
                                                    entry, now, actor, self.links)

    async def review(self, record_id: int, outcome: ReviewOutcome, note: str,
                     correction: performance.Entry | None, now: datetime, actor: Actor
                     ) -> PerformanceRecord:
        """An administrator's review of a disputed record, the expert told."""
        return await performance.review(self.outbox, record_id, outcome, note, correction,
                                        now, actor)

    async def remind_due(self, now: datetime) -> int:
        """Agencies reminded of records falling due (the worker's sweep)."""
        return await performance_due.remind(self.outbox, now)
