"""Which periodic sweeps have anything to look at, in one statement: each sweep that reads
tables most libraries leave empty (another library's requests, the evaluation systems'
watches) declares a necessary condition of its work, and the sweep job runs only those
whose condition holds. A condition may hold with nothing to do (it is a coarse test on one
table); it must never fail to hold when its sweep would have done something."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from models.orm.statements import rows


@dataclass(frozen=True)
class Pending:
    """`sql`: a boolean SQL expression (an `EXISTS (…)` on the sweep's own table), its `?`s
    each bound to the sweep's time; kept beside the filters of the sweep it stands for."""

    name: str
    sql: str


async def pending(now: datetime, conditions: Sequence[Pending]) -> set[str]:
    """The names of the conditions that hold at `now` (one statement for all of them)."""
    if not conditions:
        return set()
    found = await rows("SELECT " + ", ".join(f"{c.sql} AS {c.name}" for c in conditions),
                       *[now for c in conditions for _ in range(c.sql.count("?"))])
    return {c.name for c in conditions if found and found[0][c.name]}
