"""An activity's facts, which every other part of the draw reads: the seal on its results
and links, who serves it (the activity and its 补抽), its venues (主场 and 副场), the venue's
times, its operation log, who may see it, the status and the source a person reads, and
when a 政府采购 draw may start, and the committee the law allows.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.draws.facts.committee import CASES, Committees, Composition, Rule
from services.draws.facts.family import SUPPLEMENT, Family
from services.draws.facts.law_timing import EXEMPT_METHODS, WORKING_DAYS
from services.draws.facts.oplog import Actor, OperationLog
from services.draws.facts.scope import AgencyRole, DrawScope
from services.draws.facts.seal import CHECKIN_LINK, RESULT_LINK, SEAL_BEFORE, Seal
from services.draws.facts.service import Facts
from services.draws.facts.shown import ShownStatus
from services.draws.facts.sources import ActivitySource
from services.draws.facts.venue_roles import Venues

__all__ = [
    "CASES",
    "CHECKIN_LINK",
    "EXEMPT_METHODS",
    "RESULT_LINK",
    "SEAL_BEFORE",
    "SUPPLEMENT",
    "WORKING_DAYS",
    "ActivitySource",
    "Actor",
    "AgencyRole",
    "Committees",
    "Composition",
    "DrawScope",
    "Facts",
    "Family",
    "OperationLog",
    "Rule",
    "Seal",
    "ShownStatus",
    "Venues",
]
