"""Whether a queued notification still has a point when its turn comes. The relay asks for
each batch it claimed, just before it sends it (bot/relay/sender.py): rows cancelled when
the business changed cover the queued ones, this covers a row already claimed, or queued by
a transaction that raced the change. The checks belong to the contexts whose kinds they are
(a draw's call or urge: services/draws/running/moot.py) and are handed to the sender at
composition (config/runtime.py): notifications imports no context above it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from models.notifications import Notification
from services.notifications.claim import Joined

# why each of the rows should no longer be sent, by row id (the others have their point):
# one check for a batch's rows of its kinds, a statement for them all rather than one a row;
# given the claim's rows when they carry what the checks read (`MootChecks.joined`)
MootCheck = Callable[[list[Notification], datetime, list[dict[str, Any]] | None],
                     Awaitable[dict[int, str]]]


@dataclass(frozen=True)
class MootChecks:
    by_kind: Mapping[str, MootCheck] = field(default_factory=dict)
    # what the checks read, joined to the relay's claim on PostgreSQL (its statement then
    # reads it for them)
    joined: Joined | None = None

    async def why_moot(self, items: list[Notification], now: datetime,
                       claimed: list[dict[str, Any]] | None = None) -> dict[int, str]:
        """The rows of `items` that lost their point and why, by row id: each check once
        for the rows of every kind it checks (`claimed`: the claim's rows, with `joined`'s
        columns)."""
        groups: dict[int, tuple[MootCheck, list[Notification]]] = {}
        for item in items:
            check = self.by_kind.get(item.kind)
            if check is not None:
                groups.setdefault(id(check), (check, []))[1].append(item)
        out: dict[int, str] = {}
        for check, rows in groups.values():
            out.update(await check(rows, now, claimed if self.joined is not None else None))
        return out
