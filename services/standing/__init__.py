"""An expert's standing: the conduct catalogue, sanctions and appeals, credit. Below draws,
which consults it when it invites, weights and records.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.standing import conduct, credit, sanctions
from services.standing.sanctions import KIND_WORDS, NewSanction, SanctionDesk, period_words
from services.standing.views import standing_of

__all__ = [
    "KIND_WORDS",
    "NewSanction",
    "SanctionDesk",
    "conduct",
    "credit",
    "period_words",
    "sanctions",
    "standing_of",
]
