"""The record of draws as the edges and the contexts above read it: the results and their
audit, the day's evaluations and the agency's dashboard, the contact report, the table of
conditions, and the experts' performance records with their reminder."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.draws.record.condition_table import ConditionTable
from services.draws.record.contacts import Contacts
from services.draws.record.dashboard import Dashboard
from services.draws.record.performance import Performance
from services.draws.record.performance_due import PerformanceDue
from services.draws.record.results import Results


@dataclass(frozen=True, kw_only=True)
class Record:
    performance: Performance
    performance_due: PerformanceDue
    results: Results = field(default_factory=Results)
    dashboard: Dashboard = field(default_factory=Dashboard)
    contacts: Contacts = field(default_factory=Contacts)
    condition_table: ConditionTable = field(default_factory=ConditionTable)
