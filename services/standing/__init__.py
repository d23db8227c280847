"""An expert's standing: the conduct catalogue, sanctions and appeals, credit. Below draws,
which consults it when it invites, weights and records.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.standing import conduct, credit, sanctions
from services.standing.credit import CreditView, credit_view
from services.standing.experts import expert_by_number, expert_of_person
from services.standing.sanctions import (
    KIND_WORDS,
    OUTCOME_WORDS,
    NewSanction,
    SanctionDesk,
    SanctionView,
    period_words,
    sanction_page,
    sanction_views,
)
from services.standing.views import standing_of

__all__ = [
    "KIND_WORDS",
    "OUTCOME_WORDS",
    "CreditView",
    "NewSanction",
    "SanctionDesk",
    "SanctionView",
    "conduct",
    "credit",
    "credit_view",
    "expert_by_number",
    "expert_of_person",
    "period_words",
    "sanction_page",
    "sanction_views",
    "sanctions",
    "standing_of",
]
