"""A draw's setup (GD-DRAW): the project and the activity, their drafts corrected until
submitted, the attachments, the request as the verifier reads it, the templates, the trading
centres that verify, 应急, the avoidance sheet's import and a draw made for another library.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.draws.setup.activities import DrawSetup
from services.draws.setup.avoidance_import import AvoidanceImport, AvoidancesImported
from services.draws.setup.evidence import EVIDENCE_MAX, EVIDENCE_TYPES
from services.draws.setup.for_peer import PEER, PeerOrder
from services.draws.setup.form_options import FormOptions
from services.draws.setup.involvement import Involvement
from services.draws.setup.request_record import PARTS
from services.draws.setup.service import (
    Drafts,
    Evidence,
    PeerSetup,
    RequestRecord,
    Templates,
    Terminals,
)
from services.draws.setup.templates import TEMPLATE_KINDS, TEMPLATE_XLSX
from services.draws.setup.terminals import Terminal
from services.draws.setup.urgency import Urgency, UrgencyView

__all__ = [
    "EVIDENCE_MAX",
    "EVIDENCE_TYPES",
    "PARTS",
    "PEER",
    "TEMPLATE_KINDS",
    "TEMPLATE_XLSX",
    "AvoidanceImport",
    "AvoidancesImported",
    "Drafts",
    "DrawSetup",
    "Evidence",
    "FormOptions",
    "Involvement",
    "PeerOrder",
    "PeerSetup",
    "RequestRecord",
    "Templates",
    "Terminal",
    "Terminals",
    "Urgency",
    "UrgencyView",
]
