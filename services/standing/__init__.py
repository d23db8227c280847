"""An expert's standing: the conduct catalogue, sanctions and appeals, credit. Below draws,
which consults it when it invites, weights and records.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.standing.conduct import ConductCatalogue
from services.standing.credit import CreditDesk, CreditView, Standing
from services.standing.sanctions import (
    KIND_WORDS,
    OUTCOME_WORDS,
    NewSanction,
    SanctionDesk,
    SanctionView,
)
from services.standing.yearly_accounts import AccountRow, YearlyAccounts

__all__ = [
    "KIND_WORDS",
    "OUTCOME_WORDS",
    "AccountRow",
    "ConductCatalogue",
    "CreditDesk",
    "CreditView",
    "NewSanction",
    "SanctionDesk",
    "SanctionView",
    "Standing",
    "YearlyAccounts",
]
