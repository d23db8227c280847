"""The reads and the events the evaluation systems' edge calls, as services."""

from __future__ import annotations

from services.evaluation.committee import committee, evaluation_for, on_day
from services.evaluation.events import post_event


class CommitteeReads:
    """An activity of a system's centres, its committee, the evaluations of a day."""

    evaluation_for = staticmethod(evaluation_for)
    committee = staticmethod(committee)
    on_day = staticmethod(on_day)


class EventDesk:
    """Events about an expert at the venue or in the evaluation system."""

    post = staticmethod(post_event)
