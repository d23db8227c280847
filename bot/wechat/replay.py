"""A captured push cannot be replayed: its timestamp must be recent, and in plaintext mode,
where the signature covers only token, timestamp and nonce (not the body), a (timestamp,
nonce) pair is remembered with a digest of the body it came with, so the same query string
with another body is refused. In compatible and safe mode the body is covered by
`msg_signature`; an exact replay within the window is a duplicate, which the dedup record
(kept at least as long as the window, see Settings) answers without running anything."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from bot.redis_batch import ScriptBatcher
from services.common.redis_keys import RedisKeys
from services.common.runtime.infra import infrastructure_errors

log = logging.getLogger(__name__)


def check_fresh(timestamp: str | None, now: float, max_age: int) -> bool:
    """A timestamp of plain digits within `max_age` seconds of now (either way)."""
    if not timestamp or not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        return False
    return abs(now - int(timestamp)) <= max_age


# KEYS: the (timestamp, nonce) record. ARGV: the body's digest, TTL. Answers 1 when it is
# the pair's first use, or a use with the same body (WeChat's retry), else 0.
_FIRST_USE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
return 0
"""


@dataclass(frozen=True, slots=True)
class PushUse:
    """One plaintext push's (timestamp, nonce) record: its key, the body's digest, and how
    long it is kept. The fast path checks it in the same script that keeps the receipt."""

    key: str
    digest: str
    ttl: int


class ReplayGuard:
    def __init__(self, batcher: ScriptBatcher, keys: RedisKeys, max_age: int) -> None:
        self._batcher = batcher  # shared with the conversation store: one round trip
        self._script = batcher.register(_FIRST_USE)
        self._keys = keys
        self._ttl = 2 * max_age  # the window reaches max_age either side of now

    def use(self, timestamp: str, nonce: str, body: bytes) -> PushUse:
        return PushUse(self._keys.push_nonce(timestamp, nonce[:64]),
                       hashlib.sha256(body).hexdigest(), self._ttl)

    async def check_first_use(self, use: PushUse) -> bool:
        """False when this (timestamp, nonce) came before with another body. Redis being
        unreachable lets the push through: nothing can run without Redis anyway (the
        conversation store answers busy before any handler)."""
        try:
            return bool(await self._batcher.call(self._script, [use.key],
                                                 [use.digest, use.ttl]))
        except infrastructure_errors() as exc:
            log.warning("replay check skipped, Redis unavailable: %r", exc)
            return True
