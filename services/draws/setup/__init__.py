"""A draw's setup (GD-DRAW): the project and the activity, their drafts corrected until
submitted, the attachments, the request as the verifier reads it, the templates, the trading
centres that verify, 应急, the avoidance sheet's import and a draw made for another library.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.draws.setup.activities import Activities
from services.draws.setup.avoidance_import import AvoidanceImport, AvoidancesImported
from services.draws.setup.drafts import Drafts
from services.draws.setup.evidence import EVIDENCE_MAX, EVIDENCE_TYPES, Evidence
from services.draws.setup.for_peer import PEER, PeerOrder, PeerSetup
from services.draws.setup.form_options import FormOptions
from services.draws.setup.involvement import Involvement
from services.draws.setup.request_record import PARTS, RequestRecord
from services.draws.setup.service import Setup
from services.draws.setup.templates import TEMPLATE_KINDS, TEMPLATE_XLSX, Templates
from services.draws.setup.terminals import Terminal, Terminals
from services.draws.setup.urgency import Urgency, UrgencyView
from services.draws.setup.venue_choice import VenueChoice
from services.draws.setup.verification import Verification

__all__ = [
    "EVIDENCE_MAX",
    "EVIDENCE_TYPES",
    "PARTS",
    "PEER",
    "TEMPLATE_KINDS",
    "TEMPLATE_XLSX",
    "Activities",
    "AvoidanceImport",
    "AvoidancesImported",
    "Drafts",
    "Evidence",
    "FormOptions",
    "Involvement",
    "PeerOrder",
    "PeerSetup",
    "RequestRecord",
    "Setup",
    "Templates",
    "Terminal",
    "Terminals",
    "Urgency",
    "UrgencyView",
    "VenueChoice",
    "Verification",
]
