"""What the outside reads of a running draw, as the engine's parts (DrawEngine.answers,
.progress, .notices, .seal, .skips, .venues): the words of an answer, the counts, a notice's
particulars, the seal, the words of a skipped candidate, the venues of a remote
evaluation."""

from __future__ import annotations

from services.draws.candidates.skip_reasons import skip_said
from services.draws.candidates.skips import activity_facts
from services.draws.facts.seal import check_sealed
from services.draws.facts.venue_roles import mark_roles, remote_venues, use_texts, venue_label
from services.draws.news.counts import draw_counts, visible_counts
from services.draws.news.notices import (
    invitation_params,
    notice_contact,
    notice_of,
    venue_region,
)
from services.draws.running.answers import answer_from, listed, said, said_parts


class Answers:
    """An expert's answer: read from what they typed, and the words of its outcome."""

    answer_from = staticmethod(answer_from)
    listed = staticmethod(listed)
    said = staticmethod(said)
    said_parts = staticmethod(said_parts)


class Progress:
    """A draw's counts: the whole, or as its agency may see them (sealed)."""

    draw_counts = staticmethod(draw_counts)
    visible_counts = staticmethod(visible_counts)


class Notices:
    """Where and when an invitation's experts gather, and whom they ask."""

    notice_of = staticmethod(notice_of)
    notice_contact = staticmethod(notice_contact)
    invitation_params = staticmethod(invitation_params)
    venue_region = staticmethod(venue_region)


class Seal:
    """Whether a draw's results are still sealed (GD-DRAW: until 30 minutes before)."""

    check_sealed = staticmethod(check_sealed)


class Skips:
    """Why a draw passed over a candidate, in words, and the facts the auditor checks."""

    skip_said = staticmethod(skip_said)
    activity_facts = staticmethod(activity_facts)


class Venues:
    """A remote evaluation's venues: 主场 and 副场, their words."""

    venue_label = staticmethod(venue_label)
    mark_roles = staticmethod(mark_roles)
    remote_venues = staticmethod(remote_venues)
    use_texts = staticmethod(use_texts)
