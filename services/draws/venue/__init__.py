"""The venue: check-in and check-out, identity checks (the staff's, WeChat's face), urges
and absences, a sanction's release of the places it covers, and the 副场 side of draws made
for other libraries.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from typing import TYPE_CHECKING

from services.common.doors import lazy

if TYPE_CHECKING:
    from services.draws.venue.attendance import Attendance, CheckResult
    from services.draws.venue.face import FaceCheckIns, FaceStart
    from services.draws.venue.identity import IdentityChecks, Presented, StaffCheck, VenueDay
    from services.draws.venue.lent import LentDesk, LentView
    from services.draws.venue.urges import MAX_MANUAL_URGES

__all__ = [
    "MAX_MANUAL_URGES",
    "Attendance",
    "CheckResult",
    "FaceCheckIns",
    "FaceStart",
    "IdentityChecks",
    "LentDesk",
    "LentView",
    "Presented",
    "StaffCheck",
    "VenueDay",
]
__getattr__ = lazy(__name__, __file__)
