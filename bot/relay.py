"""The outbox relay: claims due notifications and sends them, a bounded number at a time,
until nothing is due. Woken by a nudge after each business change, and by a periodic sweep
(scheduled retries, and claims whose relay died).

Runs overlap (a sweep every 2 s, nudges, several workers), so a claim must not lapse while
its rows still wait for the send rate: a run claims no more rows than the global rate sends
in half the lease, renews the lease while it works, and sends nothing once the lease is
nearly over (`Lease`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

from redis.asyncio import Redis

from bot.receipts import ReceiptInbox
from bot.sender import Recipient, Sender
from models.notifications import Notification, Status
from services.outbox import Lease, Outbox
from services.redis_keys import EARLY_RECEIPT_TTL, OUTBOX_DIRTY_TTL, RedisKeys

log = logging.getLogger(__name__)

RELAY_JOB = "relay_outbox"
RELAY_JOB_ID = "relay-outbox"
LEASE_SHARE = 0.5  # a claim is sized to be sent, at the global rate, within this share
RENEWALS = 3  # lease renewals per lease period (and the margin left unused: 1/RENEWALS)


class OutboxNudge:
    """What the outbox calls after a change committed: wake a relay now. It notes that more
    was queued (a relay already running goes round once more) and enqueues the relay job
    (one at a time: its job id is fixed)."""

    def __init__(self, redis: Redis, keys: RedisKeys,
                 enqueue: Callable[[], Awaitable[object]]) -> None:
        self._redis = redis
        self._dirty = keys.outbox_dirty()
        self._enqueue = enqueue

    async def __call__(self) -> None:
        await self._redis.set(self._dirty, "1", ex=OUTBOX_DIRTY_TTL)
        await self._enqueue()


class Relay:
    def __init__(self, outbox: Outbox, sender: Sender, redis: Redis, keys: RedisKeys,
                 batch: int = 200, concurrency: int = 32,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.outbox = outbox
        self.sender = sender
        self._redis = redis
        self._keys = keys
        self._dirty = keys.outbox_dirty()
        self.batch = batch
        self._sem = asyncio.Semaphore(concurrency)
        self.clock = clock
        self.receipts = ReceiptInbox(redis, keys)

    async def apply_receipts(self, receipts: list[tuple[int, str]], now: datetime) -> None:
        """A batch of TEMPLATESENDJOBFINISH receipts from the inbox; one for a msgid not
        saved yet is parked for the relay that saves it. The relay saves, then looks for
        parked receipts; this parks, then looks again for saved rows: whichever comes
        second sees the other's work, so no receipt is left parked for a saved row."""
        unknown = await self.outbox.templates_finished(receipts, now)
        if unknown:
            async with self._redis.pipeline(transaction=False) as pipe:
                for msgid, status in unknown:
                    pipe.set(self._keys.early_receipt(msgid), status, ex=EARLY_RECEIPT_TTL)
                await pipe.execute()
            still = {m for m, _ in await self.outbox.templates_finished(unknown, now)}
            found = [self._keys.early_receipt(m) for m, _ in unknown if m not in still]
            if found:
                await self._redis.delete(*found)

    async def drain_receipts(self) -> int:
        """Apply what the fast path kept (the receipts job, every second)."""
        return await self.receipts.apply(self.apply_receipts, self.clock())

    async def apply_early_receipts(self, items: list[Notification], now: datetime) -> None:
        """Receipts parked for rows of this batch, applied now that the batch is saved."""
        msgids = [i.wx_msgid for i in items if i.wx_msgid]
        if not msgids:
            return
        keys = [self._keys.early_receipt(m) for m in msgids]
        parked = [(int(m), _text(v)) for m, v in zip(msgids, await self._redis.mget(keys),
                                                     strict=True) if v is not None]
        if parked:  # WeChat reported most of the batch while it was still being sent
            await self.outbox.templates_finished(parked, now)
            await self._redis.delete(*(self._keys.early_receipt(m) for m, _ in parked))

    async def _one(self, item: Notification, to: Recipient | None, marker: str | None,
                   now: datetime, lease: Lease) -> None:
        async with self._sem:
            await self.sender.deliver(item, to, marker, now, lease)

    async def _hand_back(self, items: list[Notification], now: datetime) -> None:
        """Rows with no outcome yet go back to the queue at once (a send that was under way
        left its marker, so the next relay will not repeat it); the rest are recorded."""
        for item in items:
            if item.status == Status.SENDING:
                self.outbox.give_back(item, now)
        await self.outbox.save(items)
        await self.apply_early_receipts(items, now)
        log.info("stopping: handed back %d unsent notification(s)",
                 sum(1 for i in items if i.status == Status.QUEUED))

    def claim_size(self) -> int:
        """How many rows a claim takes: what the global rate sends in part of the lease."""
        rate = self.sender.limits.per_second
        if rate <= 0:
            return self.batch
        fits = int(rate * self.outbox.lease.total_seconds() * LEASE_SHARE)
        return max(1, min(self.batch, fits))

    @contextlib.asynccontextmanager
    async def _holding(self, items: list[Notification], now: datetime
                       ) -> AsyncIterator[Lease]:
        """The claimed rows' lease, renewed in the background while the batch is sent."""
        lease = Lease(now + self.outbox.lease, self.outbox.lease / RENEWALS, self.clock)
        period = self.outbox.lease.total_seconds() / RENEWALS

        held = sum(1 for i in items if i.claim_token)

        async def renew() -> None:
            while True:
                await asyncio.sleep(period)
                at = self.clock()
                if at >= lease.until:
                    return  # lapsed: another relay may hold the rows now; never take it back
                try:
                    renewed = await self.outbox.extend(items, at)
                except Exception as exc:  # the lease runs down; sending stops before it ends
                    log.warning("could not renew the outbox lease: %r", exc)
                    continue
                if renewed < held:  # some rows were claimed again meanwhile: stop sending
                    log.warning("outbox lease lost (%d of %d rows still held)", renewed, held)
                    lease.until = at
                    return
                lease.until = at + self.outbox.lease

        task = asyncio.create_task(renew(), name="outbox-lease")
        try:
            yield lease
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run(self) -> int:
        """Send everything due; returns how many notifications were handled."""
        total = 0
        while True:
            await self._redis.delete(self._dirty)
            while True:
                now = self.clock()
                items = await self.outbox.claim(now, self.claim_size(),
                                                self.sender.max_attempts)
                if not items:
                    break
                try:
                    async with self._holding(items, now) as lease:
                        recipients, markers = await self.sender.prepare(items)
                        await asyncio.gather(*(self._one(i, recipients.get(i.id),
                                                         markers.get(i.id), now, lease)
                                               for i in items))
                except asyncio.CancelledError:  # the worker is stopping: hand the rest back
                    await asyncio.shield(self._hand_back(items, now))
                    raise
                await self.outbox.save(items)
                await self.apply_early_receipts(items, now)
                total += len(items)
            if not await self._redis.get(self._dirty):  # nobody added more meanwhile
                if total:
                    log.info("relay handled %d notification(s)", total)
                return total


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
