"""Receipts (TEMPLATESENDJOBFINISH) kept in Redis when they cannot be applied on the spot,
and applied later by the relay: a Redis stream read through a consumer group, so an entry a
relay read and then died on is claimed again by the next one (XAUTOCLAIM), and one is
removed only once applied (XACK + XDEL). Applying twice is harmless (the status update is
idempotent), so at-least-once is exactly what is needed."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Awaitable, Callable
from datetime import datetime

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from services.redis_keys import RedisKeys

log = logging.getLogger(__name__)

GROUP = "relay"
RECLAIM_IDLE_MS = 30_000  # an entry read this long ago and not acknowledged: its reader died
BATCH = 500

# (msgid, status, now) -> whether the receipt found its notification
Apply = Callable[[int, str, datetime], Awaitable[bool]]


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class ReceiptInbox:
    def __init__(self, redis: Redis, keys: RedisKeys, reclaim_ms: int = RECLAIM_IDLE_MS
                 ) -> None:
        self._redis = redis
        self._reclaim_ms = reclaim_ms
        self._stream = keys.receipt_inbox()
        self._consumer = f"{socket.gethostname()}:{os.getpid()}"
        self._group_ready = False

    async def keep(self, msgid: int, status: str) -> None:
        """Keep a receipt for later (raises if Redis is unreachable too)."""
        await self._redis.xadd(self._stream, {"m": str(msgid), "s": status})

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
            applied = []
            for entry_id, fields in batch:
                if not fields:  # deleted meanwhile
                    applied.append(entry_id)
                    continue
                values = {_text(k): _text(v) for k, v in fields.items()}
                await apply(int(values["m"]), values["s"], now)
                applied.append(entry_id)
            await self._redis.xack(self._stream, GROUP, *applied)
            await self._redis.xdel(self._stream, *applied)
            done += len(applied)
            log.info("applied %d kept receipt(s)", len(applied))
