"""Draws (GD-DRAW): a project's activities, their conditions and pools, the running draw
(invitations, answers by chat, SMS, voice and link, waves, 补抽), the venue (check-in,
absences), the record and follow-ups (复评, withdrawals). Above standing, people,
applicants and payments, which it reads; below fees, which reads its activities and writes
to their operation log.

The context is a stack of parts, each importing only the parts below it (tools/layout.py
PART_ORDER): facts < news < candidates < randomness < running < setup < venue < followups <
record < answering. One `Draws` (services/draws/service.py) holds the parts; the edges reach an
operation as `domain.draws.<part>.<service>.<operation>`. The front door holds `Draws` and
the parts; each part has a door of its own for its services, value types, errors and
constants (tools/layout.py holds the edges and the other contexts to them)."""

from services.draws.answering import Answering
from services.draws.candidates import Candidates
from services.draws.facts import Facts
from services.draws.followups import Followups
from services.draws.news import News
from services.draws.randomness import Randomness
from services.draws.record import Record
from services.draws.running import Running
from services.draws.service import Draws, Timing
from services.draws.setup import Setup
from services.draws.venue import Venue

__all__ = [
    "Answering",
    "Candidates",
    "Draws",
    "Facts",
    "Followups",
    "News",
    "Randomness",
    "Record",
    "Running",
    "Setup",
    "Timing",
    "Venue",
]
