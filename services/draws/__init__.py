"""Draws (GD-DRAW): a project's activities, their conditions and pools, the running draw
(invitations, answers by chat, SMS, voice and link, waves, 补抽), the venue (check-in,
absences), the record and follow-ups (复评, withdrawals). Above standing, people,
applicants and payments, which it reads; below fees, which reads its activities and writes
to their operation log.

The context is a stack of parts, each importing only the parts below it (tools/layout.py
PART_ORDER): facts < news < candidates < randomness < running < setup < venue < followups <
record < answering. The front door holds the context's services; each part has a door of
its own for its value types, errors and constants (tools/layout.py holds the edges and the
other contexts to them)."""

from services.draws.answering import SmsReplies, VoiceReplies
from services.draws.facts import AgencyRole, DrawScope
from services.draws.followups import DrawFollowups, LentDesk, Recall, VirtualCalls
from services.draws.randomness import DrawAudit, Weighting
from services.draws.record import DrawRecord, Performance
from services.draws.running import CallPolicy, DrawCalls, DrawEngine
from services.draws.setup import (
    AvoidanceImport,
    Drafts,
    DrawSetup,
    Evidence,
    Involvement,
    PeerSetup,
    RequestRecord,
    Templates,
    Terminals,
    Urgency,
)
from services.draws.venue import Attendance, FaceCheckIns, IdentityChecks

__all__ = [
    "AgencyRole",
    "Attendance",
    "AvoidanceImport",
    "CallPolicy",
    "Drafts",
    "DrawAudit",
    "DrawCalls",
    "DrawEngine",
    "DrawFollowups",
    "DrawRecord",
    "DrawScope",
    "DrawSetup",
    "Evidence",
    "FaceCheckIns",
    "IdentityChecks",
    "Involvement",
    "LentDesk",
    "PeerSetup",
    "Performance",
    "Recall",
    "RequestRecord",
    "SmsReplies",
    "Templates",
    "Terminals",
    "Urgency",
    "VirtualCalls",
    "VoiceReplies",
    "Weighting",
]
