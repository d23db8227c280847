"""WeChat's receipts of template messages (TEMPLATESENDJOBFINISH), applied by the worker:
those the callback's fast path kept in the inbox (bot/conversation/receipts.py), and those
parked because they came before the relay had saved their row's msgid."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import cast

from redis.asyncio import Redis

from bot.conversation.receipts import SUCCESS, ReceiptInbox, redis_text
from services.common.redis_keys import EARLY_RECEIPT_TTL, RedisKeys
from services.notifications import Outbox

log = logging.getLogger(__name__)


class Receipts:
    def __init__(self, outbox: Outbox, redis: Redis, keys: RedisKeys,
                 clock: Callable[[], datetime], hold: float = 0.0) -> None:
        self.outbox = outbox
        self.inbox = ReceiptInbox(redis, keys)
        self.key = keys.early_receipts()  # the parked: hash msgid -> "status|epoch seconds"
        self._redis = redis
        self.clock = clock
        self.hold = hold  # RECEIPTS_HOLD: the receipts job's `drain(hold)`
        self._parked_tried = 0.0  # time.monotonic() the parked were last tried

    async def apply(self, receipts: list[tuple[int, str]], now: datetime) -> None:
        """A batch of TEMPLATESENDJOBFINISH receipts from the inbox; one for a msgid no row
        has yet (WeChat can report before the relay has saved the batch, or before a send
        whose answer was lost is repeated) is parked and tried again by the receipts
        job."""
        await self._settle(receipts, set(), now)

    async def apply_parked(self, now: datetime) -> int:
        """Parked receipts whose row has been saved since are applied; one parked for longer
        than EARLY_RECEIPT_TTL is dropped (its row was never saved). Returns how many were
        applied."""
        parked = await self._parked_receipts(now)
        return await self._settle(list(parked.items()), set(parked), now) if parked else 0

    async def drain(self, hold: float = 0.0) -> int:
        """Apply what the fast path kept, with what was parked in the same statement (the
        receipts job, every second: one statement a run that finds any). With `hold`
        (RECEIPTS_HOLD, the job's), receipts that all succeeded wait until the first of
        them has waited `hold` seconds and are applied together, the parked with them; a
        failed one is applied at once with everything held. A parked failure (its row not
        saved yet) is tried every run on its own, and does not undo the hold of the
        others."""
        now = self.clock()
        parked = await self._parked_receipts(now)
        carry = list(parked.items())
        urgent = any(status != SUCCESS for _, status in carry)

        async def apply(receipts: list[tuple[int, str]], at: datetime) -> None:
            nonlocal carry
            batch, carry = receipts + carry, []
            await self._settle(batch, set(parked), at)
            self._parked_tried = time.monotonic()

        applied = await self.inbox.apply(apply, now, hold)
        if carry and (urgent or time.monotonic() - self._parked_tried >= hold):
            await self._settle(carry, set(parked), now)  # nothing came through the inbox
            self._parked_tried = time.monotonic()
        return applied

    async def _parked_receipts(self, now: datetime) -> dict[int, str]:
        """The parked receipts still worth trying, msgid -> status; those parked for longer
        than EARLY_RECEIPT_TTL are dropped."""
        # (redis-py types these as "awaitable or not", for its sync and async clients alike)
        raw = await cast("Awaitable[dict[bytes, bytes]]", self._redis.hgetall(self.key))
        parked: dict[int, str] = {}
        stale: list[str] = []
        for key, value in raw.items():
            status, _, stamp = redis_text(value).rpartition("|")
            if now.timestamp() - int(stamp or 0) > EARLY_RECEIPT_TTL:
                stale.append(redis_text(key))
            else:
                parked[int(redis_text(key))] = status
        if stale:
            await cast("Awaitable[int]", self._redis.hdel(self.key, *stale))
            log.warning("dropped %d receipt(s) whose notification never had its msgid",
                        len(stale))
        return parked

    async def _settle(self, receipts: list[tuple[int, str]], parked: set[int],
                      now: datetime) -> int:
        """Apply `receipts` (some of them the `parked` msgids): a new one whose row is not
        saved yet is parked, a parked one that found its row is let go. Returns how many
        parked ones were applied."""
        unknown = {m for m, _ in await self.outbox.templates_finished(receipts, now)}
        new = {str(m): s for m, s in receipts if m in unknown and m not in parked}
        done = sorted({str(m) for m, _ in receipts if m in parked and m not in unknown})
        if new:
            stamp = int(now.timestamp())
            await cast("Awaitable[int]", self._redis.hset(self.key, mapping={
                m: f"{s}|{stamp}" for m, s in new.items()}))
        if done:
            await cast("Awaitable[int]", self._redis.hdel(self.key, *done))
        return len(done)
