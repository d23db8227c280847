"""The venue: reminders, check-in and check-out, identity checks (the staff's, WeChat's
face), urges to those not arrived, and a sanction's release of the places it covers.

A door of the draws context: what the edges and the other contexts may use of this part
(tools/layout.py holds them to it)."""

from services.draws.venue.attendance import Attendance, CheckResult
from services.draws.venue.face import FaceCheckIns, FaceStart
from services.draws.venue.identity import IdentityChecks, Presented, StaffCheck, VenueDay
from services.draws.venue.identity_rule import IdentityRule
from services.draws.venue.sanction_release import SanctionRelease
from services.draws.venue.service import Venue
from services.draws.venue.urges import MAX_MANUAL_URGES

__all__ = [
    "MAX_MANUAL_URGES",
    "Attendance",
    "CheckResult",
    "FaceCheckIns",
    "FaceStart",
    "IdentityChecks",
    "IdentityRule",
    "Presented",
    "SanctionRelease",
    "StaffCheck",
    "Venue",
    "VenueDay",
]
