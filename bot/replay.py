"""A captured push cannot be replayed: its timestamp must be recent, and in plaintext mode,
where the signature covers only token, timestamp and nonce (not the body), a (timestamp,
nonce) pair is remembered with a digest of the body it came with, so the same query string
with another body is refused. In compatible and safe mode the body is covered by
`msg_signature`; an exact replay within the window is a duplicate, which the dedup record
(kept at least as long as the window, see Settings) answers without running anything."""

from __future__ import annotations

import hashlib
import logging

from redis.asyncio import Redis

from services.infra import infrastructure_errors
from services.redis_keys import RedisKeys

log = logging.getLogger(__name__)


def check_fresh(timestamp: str | None, now: float, max_age: int) -> bool:
    """A timestamp of plain digits within `max_age` seconds of now (either way)."""
    if not timestamp or not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        return False
    return abs(now - int(timestamp)) <= max_age


class ReplayGuard:
    def __init__(self, redis: Redis, keys: RedisKeys, max_age: int) -> None:
        self._redis = redis
        self._keys = keys
        self._ttl = 2 * max_age  # the window reaches max_age either side of now

    async def check_first_use(self, timestamp: str, nonce: str, body: bytes) -> bool:
        """False when this (timestamp, nonce) came before with another body. Redis being
        unreachable lets the push through: nothing can run without Redis anyway (the
        conversation store answers busy before any handler)."""
        key = self._keys.push_nonce(timestamp, nonce[:64])
        digest = hashlib.sha256(body).hexdigest()
        try:
            if await self._redis.set(key, digest, nx=True, ex=self._ttl):
                return True
            seen = await self._redis.get(key)
        except infrastructure_errors() as exc:
            log.warning("replay check skipped, Redis unavailable: %r", exc)
            return True
        seen_text = seen.decode() if isinstance(seen, bytes) else seen
        return seen_text == digest  # WeChat's own retry of the same push
