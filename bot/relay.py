"""The outbox relay: claims due notifications and sends them, a bounded number at a time,
until nothing is due. Woken by a nudge after each business change, and by a periodic sweep
(scheduled retries, and claims whose relay died)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from redis.asyncio import Redis

from bot.sender import Recipient, Sender
from models.notifications import Notification
from services.outbox import Outbox

log = logging.getLogger(__name__)

RELAY_JOB = "relay_outbox"
RELAY_JOB_ID = "relay-outbox"


class Relay:
    def __init__(self, outbox: Outbox, sender: Sender, redis: Redis, prefix: str,
                 batch: int = 200, concurrency: int = 32,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.outbox = outbox
        self.sender = sender
        self._redis = redis
        self._dirty = prefix + "ob:dirty"
        self._early = prefix + "ob:early-receipt:"
        self.batch = batch
        self._sem = asyncio.Semaphore(concurrency)
        self.clock = clock

    async def mark_dirty(self) -> None:
        await self._redis.set(self._dirty, "1", ex=3600)

    async def park_receipt(self, msgid: int, status: str) -> None:
        """A TEMPLATESENDJOBFINISH for a msgid not yet saved (WeChat can report before the
        relay has written the batch): kept for the relay to apply after its save."""
        await self._redis.set(f"{self._early}{msgid}", status, ex=3600)

    async def _apply_early_receipts(self, items: list[Notification], now: datetime) -> None:
        msgids = [i.wx_msgid for i in items if i.wx_msgid]
        if not msgids:
            return
        keys = [f"{self._early}{m}" for m in msgids]
        for msgid, key, status in zip(msgids, keys, await self._redis.mget(keys), strict=True):
            if status is not None:
                await self.outbox.template_finished(int(msgid), _text(status), now)
                await self._redis.delete(key)

    async def _one(self, item: Notification, to: Recipient | None, marker: str | None,
                   now: datetime) -> None:
        async with self._sem:
            await self.sender.deliver(item, to, marker, now)

    async def run(self) -> int:
        """Send everything due; returns how many notifications were handled."""
        total = 0
        while True:
            await self._redis.delete(self._dirty)
            while True:
                now = self.clock()
                items = await self.outbox.claim(now, self.batch)
                if not items:
                    break
                recipients, markers = await self.sender.prepare(items)
                await asyncio.gather(*(self._one(i, recipients.get(i.id), markers.get(i.id), now)
                                       for i in items))
                await self.outbox.save(items)
                await self._apply_early_receipts(items, now)
                total += len(items)
            if not await self._redis.get(self._dirty):  # nobody added more meanwhile
                if total:
                    log.info("relay handled %d notification(s)", total)
                return total


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
