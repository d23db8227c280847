"""Who may be drawn: a condition's candidate pool, the library's rules checked at each
invitation (sanctions, caps, days off, bookings), past employers within the window, declared
relatives, prior involvement, and every skip recorded with its reason.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.draws.candidates.kin_release import KinCase, KinReleases
from services.draws.candidates.past_units import YEARS
from services.draws.candidates.rules import SANCTIONED
from services.draws.candidates.service import Candidates
from services.draws.candidates.skip_reasons import SkipReasons
from services.draws.candidates.skips import Skips

__all__ = [
    "SANCTIONED",
    "YEARS",
    "Candidates",
    "KinCase",
    "KinReleases",
    "SkipReasons",
    "Skips",
]
