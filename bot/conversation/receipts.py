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
RECLAIM_IDLE_MS = 30_000  # an entry read this long ago and not acknowledged: its reader died
BATCH = 500

# (msgid, status, now) -> whether the receipt found its notification
Apply = Callable[[list[tuple[int, str]], datetime], Awaitable[None]]
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

    async def apply(self, apply: Apply, now: datetime) -> int:
        """Apply every kept receipt (and those a dead reader left); returns how many. A
        receipt that fails to apply stays for the next run."""
        try:
            return await self._apply(apply, now)
        except ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            # Redis lost the stream and its group (a restart without persistence): made
            # again on the next call
            self._group_ready = False
            return 0

    async def _apply(self, apply: Apply, now: datetime) -> int:
        await self._ensure_group()
        done = 0
        _, reclaimed, *_ = await self._redis.xautoclaim(
            self._stream, GROUP, self._consumer, self._reclaim_ms, "0-0", count=BATCH)
        entries = list(reclaimed)
        while True:
            fresh = await self._redis.xreadgroup(GROUP, self._consumer, {self._stream: ">"},
                                                 count=BATCH)
            batch = entries + [e for _, rows in fresh for e in rows]
            entries = []
            if not batch:
                return done
            applied = [entry_id for entry_id, _ in batch]
            receipts = []
            for _, fields in batch:
                values = {redis_text(k): redis_text(v) for k, v in (fields or {}).items()}
                if values.get("m", "").isdigit():  # (an entry deleted meanwhile has none)
                    receipts.append((int(values["m"]), values.get("s", "")))
            await apply(receipts, now)
            await self._redis.xack(self._stream, GROUP, *applied)
            await self._redis.xdel(self._stream, *applied)
            done += len(applied)
            log.debug("applied %d receipt(s)", len(applied))


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
