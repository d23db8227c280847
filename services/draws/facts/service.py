"""An activity's facts as the edges and the parts above read them: who may see it, its
seal, its venues, who serves it, its operation log and the status a person reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.draws.facts.committee import Committees
from services.draws.facts.family import Family
from services.draws.facts.oplog import OperationLog
from services.draws.facts.scope import DrawScope
from services.draws.facts.seal import Seal
from services.draws.facts.shown import ShownStatus
from services.draws.facts.venue_roles import Venues


@dataclass(frozen=True, kw_only=True)
class Facts:
    scope: DrawScope = field(default_factory=DrawScope)
    seal: Seal = field(default_factory=Seal)
    venue_roles: Venues = field(default_factory=Venues)
    family: Family = field(default_factory=Family)
    oplog: OperationLog = field(default_factory=OperationLog)
    shown: ShownStatus = field(default_factory=ShownStatus)
    committee: Committees = field(default_factory=Committees)
