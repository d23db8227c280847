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
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, cast

from arq.connections import ArqRedis
from arq.constants import job_key_prefix, result_key_prefix
from arq.jobs import serialize_job
from arq.utils import timestamp_ms
from redis.asyncio import Redis

from bot.relay.receipts import Receipts
from bot.relay.recipients import Recipient
from bot.relay.sender import Sender
from models.notifications import Notification, Status
from services.common.redis_keys import OUTBOX_DIRTY_TTL, RedisKeys
from services.notifications import Lease, Outbox

log = logging.getLogger(__name__)

RELAY_JOB = "relay_outbox"
RELAY_JOB_ID = "relay-outbox"
LEASE_SHARE = 0.5  # a claim is sized to be sent, at the global rate, within this share
RUN_BUDGET = 40.0  # s a run sends for (the job timeout is 60 s)
RENEWALS = 3  # lease renewals per lease period (and the margin left unused: 1/RENEWALS)
# beside a mass batch: how often the nudges' count is read (one Redis GET), and the longest
# between two claims of one person's notices without a nudge (retries falling due, a nudge lost)
BESIDE_LOOK = 0.05  # s
BESIDE_POLL = 1.0  # s


# the nudge in one round trip: the dirty mark, and the relay job enqueued as arq's
# enqueue_job does it (not when the job, or its result, is still there: its id is fixed)
# — arq's own call is four (SET, WATCH, EXISTS, then the MULTI or an UNWATCH)
NUDGE_LUA = """
redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])
redis.call('INCR', KEYS[5])
redis.call('EXPIRE', KEYS[5], ARGV[1])
if redis.call('EXISTS', KEYS[2], KEYS[3]) > 0 then return 0 end
redis.call('PSETEX', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[5])
return 1
"""


class OutboxNudge:
    """What the outbox calls after a change committed: wake a relay now. It notes that more
    was queued (a relay already running goes round once more) and enqueues the relay job
    (one at a time: its job id is fixed).

    One nudge at a time per process: a change that commits while one is on its way asks
    for one more, sent when it is answered (the one on its way may have reached Redis
    before this change committed); any number of them meanwhile make that one. Under load
    the replies of a busy second share a few round trips instead of paying one each."""

    def __init__(self, redis: Redis, keys: RedisKeys, arq: ArqRedis,
                 job: str = RELAY_JOB, job_id: str = RELAY_JOB_ID) -> None:
        self._script = redis.register_script(NUDGE_LUA)
        self._keys = [keys.outbox_dirty(), job_key_prefix + job_id,
                      result_key_prefix + job_id, arq.default_queue_name,
                      keys.outbox_nudges()]
        self._arq, self._job, self._job_id = arq, job, job_id
        self._sending = False
        self._again = False
        self._trailing: set[asyncio.Task[None]] = set()

    async def __call__(self) -> None:
        if self._sending:
            self._again = True
            return
        await self._send()

    async def _send(self) -> None:
        self._sending = True
        try:
            now = timestamp_ms()
            job = serialize_job(self._job, (), {}, None, now,
                                serializer=self._arq.job_serializer)
            await self._script(keys=self._keys, args=[
                OUTBOX_DIRTY_TTL, self._arq.expires_extra_ms, job, now, self._job_id])
        finally:
            self._sending = False
            if self._again:
                self._again = False
                task = asyncio.get_running_loop().create_task(self._trail())
                self._trailing.add(task)
                task.add_done_callback(self._trailing.discard)

    async def _trail(self) -> None:
        try:
            await self()
        except Exception as exc:  # the relay's sweep (every 2 s) sends what it would have
            log.warning("could not wake the relay (its sweep will send): %r", exc)


class Relay:
    def __init__(self, outbox: Outbox, sender: Sender, redis: Redis, keys: RedisKeys,
                 batch: int = 200, concurrency: int = 32,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 beside_poll: float = BESIDE_POLL, linger: float = 0.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 receipts_hold: float = 0.0) -> None:
        self.outbox = outbox
        self.sender = sender
        self._redis = redis
        self._keys = keys
        self._dirty = keys.outbox_dirty()
        self._nudges = keys.outbox_nudges()
        self.batch = batch
        self._sem = asyncio.Semaphore(concurrency)
        # one person's notices sent beside a mass batch do not queue behind its sends
        self._beside_sem = asyncio.Semaphore(concurrency)
        self._beside_poll = beside_poll
        # the least time between two claims of a nudged relay, so one claim, one batch's
        # reads and one save serve the notices of every change committed meanwhile
        # (OUTBOX_LINGER; docs/decisions/0026-the-relay-gathers.md)
        self.linger = linger
        self._sleep = sleep
        self._claimed_at = -math.inf  # time.monotonic() of this relay's last claim
        self.clock = clock
        self.receipts = Receipts(outbox, redis, keys, clock, receipts_hold)
        self._job_running = False  # the job's run under way in this process

    async def _one(self, item: Notification, to: Recipient | None, marker: str | None,
                   now: datetime, lease: Lease, sem: asyncio.Semaphore) -> None:
        async with sem:
            await self.sender.deliver(item, to, marker, now, lease)

    async def _hand_back(self, items: list[Notification], now: datetime) -> None:
        """Rows with no outcome yet go back to the queue at once (a send that was under way
        left its marker, so the next relay will not repeat it); the rest are recorded."""
        for item in items:
            if item.status == Status.SENDING:
                self.outbox.give_back(item, now)
        await self.outbox.save(items)
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

    async def run_if_idle(self, budget: float = RUN_BUDGET) -> int:
        """The job's run: none while the job's run of this process is under way — that one
        sends what is due, what this nudge was for included (it is told so) — since
        overlapping runs (the job starts every 2 s and at each nudge) only fought over the
        database's connections while a mass notice was sent, and the invitations waited."""
        if self._job_running:
            await self._redis.set(self._dirty, "1", ex=OUTBOX_DIRTY_TTL)
            return 0
        self._job_running = True
        try:
            return await self.run(budget)
        finally:
            self._job_running = False

    async def run(self, budget: float = RUN_BUDGET) -> int:
        """Send what is due, batch after batch, for at most `budget` seconds: a mass notice
        takes minutes, and the job's timeout must not cut a batch off between its sends and
        the saving of their outcomes. What is left goes out from the next run (the sweep
        starts one every 2 s). Returns how many notifications were handled."""
        total = 0
        began = time.monotonic()
        ends = began + budget
        while True:
            await self._gather(began)
            await self._redis.delete(self._dirty)
            while time.monotonic() < ends:
                now, seen = self.clock(), await self._nudge_count()
                size = self.claim_size()
                items, found = await self.outbox.claim_read(now, size, self.sender.claim_reads,
                                                            self.sender.max_attempts)
                self._claimed_at = time.monotonic()
                if not items:
                    break
                total += len(items) + await self._beside(self._send_batch(items, now, found),
                                                         seen)
                if len(items) < size:
                    # the claim took everything due: what was queued since nudged (the dirty
                    # mark, below), and what falls due by its time is the sweep's, every 2 s
                    # (no claim that finds nothing after every batch: a statement each)
                    break
            else:
                log.info("relay handled %d notification(s), the rest is for the next run",
                         total)
                return total
            if not await self._redis.get(self._dirty):  # nobody added more meanwhile
                if total:
                    log.info("relay handled %d notification(s)", total)
                return total

    async def _gather(self, began: float) -> None:
        """Before a round's first claim, the rest of `linger` since the run began or the
        last claim, whichever is later: the changes that commit meanwhile (their nudges only
        mark the outbox dirty while this run is under way) are claimed, read and saved with
        it. A notice waits at most `linger` for it, and the batch under way when it came."""
        wait = max(began, self._claimed_at) + self.linger - time.monotonic()
        if wait > 0:
            await self._sleep(wait)

    async def _send_batch(self, items: list[Notification], now: datetime,
                          found: list[dict[str, Any]] | None, beside: bool = False) -> None:
        """Claimed rows sent and their outcomes saved (`found`: the claim's rows, with their
        recipients); a stopping worker hands the rest back."""
        sem = self._beside_sem if beside else self._sem
        try:
            async with self._holding(items, now) as lease:
                recipients, markers = await self.sender.prepare(items, now, found)
                await asyncio.gather(*(self._one(i, recipients.get(i.id), markers.get(i.id),
                                                 now, lease, sem) for i in items))
        except asyncio.CancelledError:  # the worker is stopping: hand the rest back
            await asyncio.shield(self._hand_back(items, now))
            raise
        # sent is sent: a cancellation now must not roll the outcomes back
        await asyncio.shield(self.outbox.save(items))

    async def _beside(self, batch: Awaitable[None], seen: bytes | None) -> int:
        """A batch sent while one person's notices that fall due meanwhile are claimed and
        sent at once, not after it: a batch of a province-wide notice takes seconds when
        WeChat or the machine is slow, a batch of one person's notices (a draw's invitations
        by template message, SMS and voice) a send's round trips, and an invitation committed
        meanwhile must not wait for either.
        A claim follows each nudge since `seen` (the count read before the batch was
        claimed, then every BESIDE_LOOK s) once `linger` has passed since the last claim,
        and at least every BESIDE_POLL s; what it claims
        is sent beside the next look, not before it. Returns how many of one person's
        notices were sent beside the batch."""
        task = asyncio.ensure_future(batch)
        own: set[asyncio.Task[None]] = set()
        sent = 0
        try:
            while not (await asyncio.wait({task}, timeout=BESIDE_LOOK))[0]:
                count = await self._nudge_count()
                since = time.monotonic() - self._claimed_at
                if since < self._beside_poll and (count == seen or since < self.linger):
                    continue
                seen, now = count, self.clock()
                # (lapsed rows are buried by the run's own claims, not at every look)
                claimed, found = await self.outbox.claim_read(now, self.claim_size(),
                                                              self.sender.claim_reads, bulk=False)
                self._claimed_at = time.monotonic()
                if claimed:
                    own.add(asyncio.ensure_future(self._send_batch(claimed, now, found,
                                                                   beside=True)))
                    sent += len(claimed)
        except BaseException:  # cancelled while waiting: every batch hands its rows back
            for started in (task, *own):
                started.cancel()
            await asyncio.gather(task, *own, return_exceptions=True)
            raise
        for result in await asyncio.gather(task, *own, return_exceptions=True):
            if isinstance(result, BaseException):
                raise result
        return sent

    async def _nudge_count(self) -> bytes | None:
        """The nudges' count; None when Redis cannot say (a claim each BESIDE_POLL s then)."""
        try:
            return cast("bytes | None", await self._redis.get(self._nudges))
        except Exception as exc:
            log.warning("could not read the outbox's nudges: %r", exc)
            return None
