"""The venue as the edges use it: check-in and check-out with reminders and urges, the
identity checks (the staff's, WeChat's face), which venues check identity, and a sanction's
release of the places it covers."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.draws.venue.attendance import Attendance
from services.draws.venue.face import FaceCheckIns
from services.draws.venue.identity import IdentityChecks
from services.draws.venue.identity_rule import IdentityRule
from services.draws.venue.sanction_release import SanctionRelease


@dataclass(frozen=True, kw_only=True)
class Venue:
    attendance: Attendance
    identity: IdentityChecks
    face: FaceCheckIns
    identity_rule: IdentityRule = field(default_factory=IdentityRule)
    sanction_release: SanctionRelease = field(default_factory=SanctionRelease)
