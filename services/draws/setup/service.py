"""A draw's setup as the edges use it: the activities, the drafts corrected until submitted,
the attachments, the request as the verifier reads it and its verification, the templates,
the trading centres that verify, 应急, the avoidance sheet's import, prior involvement and a
draw made for another library."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.draws.setup.activities import Activities
from services.draws.setup.avoidance_import import AvoidanceImport
from services.draws.setup.drafts import Drafts
from services.draws.setup.evidence import Evidence
from services.draws.setup.for_peer import PeerSetup
from services.draws.setup.involvement import Involvement
from services.draws.setup.request_record import RequestRecord
from services.draws.setup.templates import Templates
from services.draws.setup.terminals import Terminals
from services.draws.setup.urgency import Urgency
from services.draws.setup.venue_choice import VenueChoice
from services.draws.setup.verification import Verification


@dataclass(frozen=True, kw_only=True)
class Setup:
    activities: Activities
    verification: Verification
    urgency: Urgency
    avoidance_import: AvoidanceImport
    involvement: Involvement
    drafts: Drafts = field(default_factory=Drafts)
    evidence: Evidence = field(default_factory=Evidence)
    request_record: RequestRecord = field(default_factory=RequestRecord)
    templates: Templates = field(default_factory=Templates)
    terminals: Terminals = field(default_factory=Terminals)
    for_peer: PeerSetup = field(default_factory=PeerSetup)
    venue_choice: VenueChoice = field(default_factory=VenueChoice)
