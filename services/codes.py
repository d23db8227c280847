"""One-time SMS codes with expiry, resend throttling and brute-force locks, in Redis.

A code is issued to an *actor* (who asks: an openid) about a *subject* (what it proves: the
person once known, else the identifier asked about, so that unknown ones lock too). Every
attempt, a code or a password, is counted for every party *before* it is compared, in one
Lua call that also checks the locks: however many arrive at once, at most MAX_FAILURES are
compared, and the MAX_FAILURES-th wrong one locks the actor and the subject for 30 minutes.

Deadlines (code expiry, lock end, resend wait) are stored and judged by `clock()`, which
tests move; the Redis TTLs only clean up.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import math
import secrets
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis

from services.errors import BadInput, Locked
from services.redis_keys import CODE_TTL, LOCK_TTL, RESEND_INTERVAL, RedisKeys

log = logging.getLogger(__name__)

MAX_FAILURES = 5

Clock = Callable[[], float]  # seconds since the epoch

# KEYS: n lock keys, n failure counters, then (if ARGV[7] is given) the guarded key.
# ARGV: n, now, MAX_FAILURES, LOCK_TTL, the lock's end if this attempt sets it, how many of
# the first parties the asker is shown, the value the guarded key must still hold. Answers
# {0, attempt number among the shown parties, among all}, {1, lock end} or {2} (the guarded
# key changed: the code was used, replaced or expired meanwhile).
_RESERVE = """
local n = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local latest = nil
for i = 1, n do
  local v = redis.call('GET', KEYS[i])
  if v and tonumber(v) > now and (not latest or tonumber(v) > tonumber(latest)) then
    latest = v
  end
end
if latest then return {1, latest} end
if ARGV[7] and redis.call('GET', KEYS[2 * n + 1]) ~= ARGV[7] then
  return {2}
end
local attempt, shown = 0, 0
for i = 1, n do
  local c = redis.call('INCR', KEYS[n + i])
  redis.call('EXPIRE', KEYS[n + i], ARGV[4])
  if c > attempt then attempt = c end
  if i <= tonumber(ARGV[6]) and c > shown then shown = c end
end
if attempt > tonumber(ARGV[3]) then
  for i = 1, n do
    redis.call('SET', KEYS[i], ARGV[5], 'EX', ARGV[4])
    redis.call('DEL', KEYS[n + i])
  end
  return {1, ARGV[5]}
end
return {0, shown, attempt}
"""

# KEYS: actor lock, subject lock, resend throttle, code. ARGV: now, the end of the resend
# wait, RESEND_INTERVAL, the code record, CODE_TTL. Answers {0}, {1, lock end} or
# {3, end of the resend wait}.
_ISSUE = """
local now = tonumber(ARGV[1])
local function locked(key)
  local v = redis.call('GET', key)
  if v and tonumber(v) > now then return v end
  return nil
end
local v = locked(KEYS[1])
if v then return {1, v} end
local wait = redis.call('GET', KEYS[3])
if wait and tonumber(wait) > now then return {3, wait} end
v = locked(KEYS[2])
if v then return {1, v} end
redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[3])
redis.call('SET', KEYS[4], ARGV[4], 'EX', ARGV[5])
return {0}
"""


# Delete KEYS[1] only if it still holds ARGV[1]: 1 if it did.
_TAKE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def locked(until: float) -> Locked:
    """Too many failures: every party involved is locked until `until` (epoch seconds)."""
    return Locked("code.locked", until=datetime.fromtimestamp(until, UTC),
                  minutes=LOCK_TTL // 60)


class TooSoon(Locked):
    """A code went out less than RESEND_INTERVAL ago: the asker waits, the code stays."""

    def __init__(self, seconds: int) -> None:
        super().__init__("code.too_soon", seconds=seconds)
        self.seconds = seconds


class WrongCode(BadInput):
    """A wrong code, with tries left (the code stays valid)."""

    def __init__(self, remaining: int) -> None:
        super().__init__("code.wrong", remaining=remaining)
        self.remaining = remaining


def no_code() -> BadInput:
    """Expired, never asked for, used, or dropped by a lock: a new code is needed."""
    return BadInput("code.expired")


@dataclass(frozen=True)
class Attempt:
    """An attempt's number: among the parties the asker is shown (the tries left they are
    told), and among all (the lock's rule: a person's counter is shared by every openid and
    identifier, and telling it would show that two identifiers belong to one person)."""

    shown: int
    worst: int


class Lockout:
    """Counts attempts per party; the MAX_FAILURES-th wrong one locks every party involved
    for LOCK_TTL seconds. A party is a string: `oa:<openid>`, `p:<person id>`, ..."""

    def __init__(self, redis: Redis, keys: RedisKeys, clock: Clock) -> None:
        self._redis = redis
        self._keys = keys
        self._clock = clock
        self._reserve = redis.register_script(_RESERVE)

    @staticmethod
    def parties(actor: str, typed: str, subject: str) -> tuple[str, ...]:
        """Whom an attempt counts against, the shown ones first: the asker and what they
        typed (their failures are told), then the person behind it (only locks)."""
        return tuple(dict.fromkeys((actor, typed, subject)))

    def _locks(self, who: tuple[str, ...]) -> list[str]:
        return [self._keys.code_lock(w) for w in who]

    def _fails(self, who: tuple[str, ...]) -> list[str]:
        return [self._keys.code_failures(w) for w in who]

    async def require_unlocked(self, *who: str) -> None:
        """Locked if any party is."""
        now = self._clock()
        found = [float(v) for v in await self._redis.mget(self._locks(who))
                 if v and float(v) > now]
        if found:
            raise locked(max(found))

    async def reserve(self, *who: str, shown: int | None = None,
                      guard: tuple[str, str] | None = None) -> Attempt | None:
        """Count one attempt for every party, before comparing anything: the attempt's
        numbers (the most the first `shown` parties, and all parties, have had). Locked if
        a party is locked or this attempt is one too many; else None if `guard` (key,
        value) no longer holds."""
        now = self._clock()
        keys = self._locks(who) + self._fails(who)
        args: list[str | int] = [len(who), repr(now), MAX_FAILURES, LOCK_TTL,
                                 repr(now + LOCK_TTL), len(who) if shown is None else shown]
        if guard is not None:
            keys.append(guard[0])
            args.append(guard[1])
        answer = await self._reserve(keys=keys, args=args)
        if int(answer[0]) == 1:
            raise locked(float(answer[1]))
        if int(answer[0]) == 2:
            return None
        return Attempt(int(answer[1]), int(answer[2]))

    async def failed(self, attempt: Attempt, *who: str) -> int:
        """After a wrong attempt `reserve` numbered: the tries left, or Locked on the last."""
        if attempt.worst < MAX_FAILURES:
            return MAX_FAILURES - attempt.shown
        until = self._clock() + LOCK_TTL
        async with self._redis.pipeline(transaction=True) as pipe:
            for lock, fail in zip(self._locks(who), self._fails(who), strict=True):
                pipe.set(lock, repr(until), ex=LOCK_TTL)
                pipe.delete(fail)
            await pipe.execute()
        raise locked(until)

    async def clear(self, *who: str) -> None:
        """After a right attempt: the failures counted so far are forgotten."""
        await self._redis.delete(*self._fails(who))


@dataclass(frozen=True)
class Pending:
    subject: str
    payload: str  # what the caller needs back once the code checks out (e.g. a person id)


class VerificationCodes:
    def __init__(self, redis: Redis, keys: RedisKeys, clock: Clock = time.time) -> None:
        self._redis = redis
        self._keys = keys
        self.clock = clock  # replaceable: every deadline is judged by it
        self.lockout = Lockout(redis, keys, lambda: self.clock())
        self._issue = redis.register_script(_ISSUE)
        self._take = redis.register_script(_TAKE)
        self._deliveries: set[asyncio.Task[None]] = set()

    def _hash(self, actor: str, code: str) -> str:
        return hmac.new(actor.encode(), code.encode(), hashlib.sha256).hexdigest()

    async def issue(self, purpose: str, actor: str, subject: str, payload: str,
                    deliver: Callable[[str], Coroutine[Any, Any, None]] | None, *,
                    detach: bool = False, shown: str | None = None) -> None:
        """Issue a code; `deliver(code)` sends it (None: nobody to send it to, which must
        look the same to the asker). With `detach`, delivery runs in a held background
        task: the answer then does not wait for the SMS gateway, nor show its failures.
        `shown`: the party whose failures the asker is told instead of the subject's
        (the identifier they typed, when the subject is the person behind it)."""
        now = self.clock()
        code = f"{secrets.randbelow(10**6):06d}"
        record = json.dumps({"s": subject, "i": shown or subject, "p": payload,
                             "h": self._hash(actor, code), "x": now + CODE_TTL})
        keys = [self._keys.code_lock(actor), self._keys.code_lock(subject),
                self._keys.code_sent(purpose, actor), self._keys.code(purpose, actor)]
        answer = await self._issue(keys=keys, args=[repr(now), repr(now + RESEND_INTERVAL),
                                                    RESEND_INTERVAL, record, CODE_TTL])
        if int(answer[0]) == 1:
            raise locked(float(answer[1]))
        if int(answer[0]) == 3:
            raise TooSoon(max(1, math.ceil(float(answer[1]) - now)))
        if deliver is None:
            return
        if detach:
            self._spawn(deliver(code), f"code-delivery:{purpose}")
        else:
            await deliver(code)

    async def redeem(self, purpose: str, actor: str, code: str) -> Pending:
        """The pending record if `code` is right (the code is used up); WrongCode, Locked or
        BadInput (no code) otherwise."""
        key = self._keys.code(purpose, actor)
        raw = await self._redis.get(key)
        if raw is None:
            await self.lockout.require_unlocked(actor)  # a code dropped by a lock: say so
            raise no_code()
        record = json.loads(raw)
        if self.clock() >= float(record.get("x", math.inf)):
            await self._redis.delete(key)
            raise no_code()
        parties = self.lockout.parties(actor, record.get("i", record["s"]), record["s"])
        attempt = await self.lockout.reserve(*parties, shown=2, guard=(key, raw))
        if attempt is None:
            raise no_code()
        if hmac.compare_digest(record["h"], self._hash(actor, code.strip())) and record["p"]:
            # only this very code: a simultaneous right guess may have used it, or a code
            # re-sent meanwhile replaced it (which must stay for its own owner)
            if not await self._take(keys=[key], args=[raw]):
                raise no_code()
            await self._redis.delete(self._keys.code_sent(purpose, actor))
            await self.lockout.clear(*parties)
            return Pending(record["s"], record["p"])
        try:
            remaining = await self.lockout.failed(attempt, *parties)
        except Locked:
            await self._redis.delete(key)
            raise
        raise WrongCode(remaining)

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(coro, name=name)
        self._deliveries.add(task)
        task.add_done_callback(self._delivered)

    def _delivered(self, task: asyncio.Task[None]) -> None:
        self._deliveries.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("a verification code was not delivered (%s)", task.get_name(),
                        exc_info=task.exception())

    async def drain(self, timeout: float = 5.0) -> None:
        """Wait up to `timeout` s for codes still being delivered (at shutdown)."""
        if self._deliveries:
            await asyncio.wait(set(self._deliveries), timeout=timeout)
