"""Whether a queued notification still has a point when its turn comes. The relay asks just
before it sends (bot/relay/sender.py): rows cancelled when the business changed cover the queued
ones, this covers a row already claimed, or queued by a transaction that raced the change.
The checks belong to the contexts whose kinds they are (a draw's call or urge:
services/draws/running/moot.py) and are handed to the sender at composition (config/runtime.py):
notifications imports no context above it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from models.notifications import Notification

# why the notification should no longer be sent, or None
MootCheck = Callable[[Notification, datetime], Awaitable[str | None]]


@dataclass(frozen=True)
class MootChecks:
    by_kind: Mapping[str, MootCheck] = field(default_factory=dict)

    async def why_moot(self, item: Notification, now: datetime) -> str | None:
        check = self.by_kind.get(item.kind)
        return await check(item, now) if check is not None else None
