"""Pushes that need no conversation, and the receipts among them.

WeChat answers every template message with a TEMPLATESENDJOBFINISH push, a mass notice to
30,000 experts with as many in a few seconds. Such pushes take a fast path (`FastEvents`):
signature, parse, then the receipt is appended to a Redis stream (calls made in one
event-loop turn share one round trip) and `success` is answered: no user lock, no FSM, no
database on the request. The worker applies the stream in batches (`ReceiptInbox.apply`):
it is read through a consumer group, so an entry a worker read and then died on is claimed
again by the next one (XAUTOCLAIM), and an entry is removed only once applied (XACK + XDEL).
A retry of the same push is kept twice and applied twice, which is harmless (the status
update is idempotent): the stream is the dedup. A receipt for a notification the relay has
not saved yet is parked and applied when it is."""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from bot.redis_batch import ScriptBatcher
from bot.wechat.incoming import Incoming
from bot.wechat.replay import PushUse
from bot.wechat.replies import REFUSED, RETRY, SILENCE, Reply
from services.common.redis_keys import RedisKeys
from services.common.runtime.infra import infrastructure_errors

log = logging.getLogger(__name__)

# Events WeChat sends on its own that need no conversation (and no reply): the fast path.
FAST_EVENTS = frozenset({"templatesendjobfinish", "location", "subscribe_msg_popup_event",
                         "subscribe_msg_sent_event", "subscribe_msg_change_event"})
GROUP = "relay"
SUCCESS = "success"  # a receipt's status when the message reached the user
RECLAIM_IDLE_MS = 30_000  # an entry read this long ago and not acknowledged: its reader died
BATCH = 500

# (msgid, status, now) -> whether the receipt found its notification
Apply = Callable[[list[tuple[int, str]], datetime], Awaitable[None]]
Entry = tuple[bytes, dict[bytes, bytes] | None]  # a stream entry as XREADGROUP gives it
_XADD = "return redis.call('XADD', KEYS[1], '*', 'm', ARGV[1], 's', ARGV[2])"
# The same, for a plaintext push whose (timestamp, nonce) must be used once (bot/wechat/replay.py):
# KEYS[2] its record; ARGV[3] the body's digest, ARGV[4] the record's TTL. 0: refused.
_XADD_ONCE = """
if not redis.call('SET', KEYS[2], ARGV[3], 'NX', 'EX', ARGV[4])
    and redis.call('GET', KEYS[2]) ~= ARGV[3] then
  return 0
end
redis.call('XADD', KEYS[1], '*', 'm', ARGV[1], 's', ARGV[2])
return 1
"""


def redis_text(value: bytes | str) -> str:
    """A value as Redis returns it (bytes, the clients here decoding nothing), as text."""
    return value.decode() if isinstance(value, bytes) else value


class ReceiptInbox:
    def __init__(self, redis: Redis, keys: RedisKeys, reclaim_ms: int = RECLAIM_IDLE_MS,
                 batcher: ScriptBatcher | None = None) -> None:
        self._redis = redis
        self._reclaim_ms = reclaim_ms
        self._batcher = batcher
        self._xadd = batcher.register(_XADD) if batcher is not None else ""
        self._xadd_once = batcher.register(_XADD_ONCE) if batcher is not None else ""
        self._stream = keys.receipt_inbox()
        self._consumer = f"{socket.gethostname()}:{os.getpid()}"
        self._group_ready = False
        self._held: list[Entry] = []  # read and not applied yet (`apply`'s hold)
        self._held_since = 0.0  # time.monotonic() the first of them was read

    async def keep(self, msgid: int, status: str, use: PushUse | None = None) -> bool:
        """Keep a receipt for the worker (raises if Redis is unreachable); with `use`, only
        if that plaintext push's (timestamp, nonce) is used for the first time (or by the
        same body): False when it was not, and nothing was kept."""
        if self._batcher is None:
            await self._redis.xadd(self._stream, {"m": str(msgid), "s": status[:64]})
            return True
        if use is None:  # shares a round trip with the pushes of this moment
            await self._batcher.call(self._xadd, [self._stream], [str(msgid), status[:64]])
            return True
        return bool(await self._batcher.call(self._xadd_once, [self._stream, use.key],
                                             [str(msgid), status[:64], use.digest, use.ttl]))

    async def _ensure_group(self) -> None:
        if self._group_ready:
            return
        try:
            await self._redis.xgroup_create(self._stream, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    async def apply(self, apply: Apply, now: datetime, hold: float = 0.0,
                    urgent: bool = False) -> int:
        """Apply every kept receipt (and those a dead reader left); returns how many. A
        receipt that fails to apply stays for the next run. With `hold` (seconds), receipts
        that all succeeded are read and held, pending to this reader, until the first of
        them has waited `hold`, then applied together: a success only stamps a delivery.
        A failed one (its notice goes on by the next channel), or `urgent`, applies what is
        held at once."""
        for attempt in (1, 2):
            try:
                return await self._apply(apply, now, hold, urgent)
            except ResponseError as exc:
                if "NOGROUP" not in str(exc) or attempt == 2:
                    raise
                # Redis lost the stream and its group (a restart without persistence): made
                # again, and what was kept since read at once
                self._group_ready = False
        return 0

    def let_go(self) -> None:
        """Forget what this reader holds (the stream it was read from was emptied: a
        test's reset of Redis); entries still in the stream are reclaimed by a reader."""
        self._held = []

    async def _read(self) -> list[Entry]:
        fresh = await self._redis.xreadgroup(GROUP, self._consumer, {self._stream: ">"},
                                             count=BATCH)
        return [e for _, rows in fresh for e in rows]

    async def _apply(self, apply: Apply, now: datetime, hold: float, urgent: bool) -> int:
        await self._ensure_group()
        done = 0
        _, reclaimed, *_ = await self._redis.xautoclaim(
            self._stream, GROUP, self._consumer, self._reclaim_ms, "0-0", count=BATCH)
        batch = list(reclaimed) + await self._read()
        if batch and not self._held:
            self._held_since = time.monotonic()
        self._held += batch
        if hold > 0 and not urgent and all(_receipt(e)[1] == SUCCESS for e in batch) and \
                time.monotonic() - self._held_since < hold:
            return 0  # held: read, not acknowledged (a dead reader's are reclaimed)
        batch, self._held = self._held, []
        while batch:
            batch, rest = batch[:BATCH], batch[BATCH:]
            applied = [entry_id for entry_id, _ in batch]
            receipts = [r for r in map(_receipt, batch) if r[0] >= 0]
            await apply(receipts, now)
            await self._redis.xack(self._stream, GROUP, *applied)
            await self._redis.xdel(self._stream, *applied)
            done += len(applied)
            log.debug("applied %d receipt(s)", len(applied))
            batch = rest or await self._read()
        return done


def _receipt(entry: Entry) -> tuple[int, str]:
    """An inbox entry's (msgid, status); msgid -1 for an entry deleted meanwhile (no
    fields)."""
    values = {redis_text(k): redis_text(v) for k, v in (entry[1] or {}).items()}
    msgid = values.get("m", "")
    return (int(msgid) if msgid.isdigit() else -1), values.get("s", "")


class FastEvents:
    """The callback's fast path: what a push that needs no conversation is answered."""

    def __init__(self, inbox: ReceiptInbox) -> None:
        self.inbox = inbox

    @staticmethod
    def takes(msg: Incoming) -> bool:
        return msg.is_event and msg.event in FAST_EVENTS

    async def take(self, msg: Incoming, use: PushUse | None = None) -> Reply:
        """`success`, once a receipt is kept (or nothing needed keeping); RETRY when Redis
        cannot keep it, so that WeChat delivers it again; REFUSED for a plaintext push whose
        (timestamp, nonce) came before with another body (`use`: checked in one call)."""
        if msg.event != "templatesendjobfinish" or not msg.msg_id.isdigit():
            return SILENCE
        try:
            kept = await self.inbox.keep(int(msg.msg_id), msg.raw.get("Status", ""), use)
        except infrastructure_errors() as exc:
            log.warning("could not keep a receipt: %r", exc)
            return RETRY
        return SILENCE if kept else REFUSED
