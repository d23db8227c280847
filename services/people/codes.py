"""One-time SMS codes with expiry, resend throttling and brute-force locks, in Redis.

A code is issued to an *actor* (who asks: an openid) about a *subject* (what it proves: the
person once known, else the identifier asked about, so that unknown ones lock too). Every
attempt, a code or a password, is counted for every party *before* it is compared, in one
Lua call that also checks the locks: however many arrive at once, no party has more
attempts compared than its budget. Budgets (`Party`): the asker MAX_FAILURES (their own
failures lock them, and only them, for 30 minutes); the person behind the identifier
PERSON_FAILURES from everyone together (then the person is locked for everyone, and told);
guesses at codes sent to that person's phone CODE_GUESSES. An SMS code to the owner's phone
lifts the person's lock: the code path is not blocked by it.

Deadlines (code expiry, lock end, resend wait) are stored and judged by `clock`, which
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
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from services.common.clock import SYSTEM_CLOCK, Clock
from services.common.errors import BadInput, Locked
from services.common.redis_keys import CODE_TTL, RESEND_INTERVAL, RedisKeys
from services.people.lockout import Lockout, PersonLocked, asker, locked, person_parties

log = logging.getLogger(__name__)


# KEYS: actor lock, subject lock, resend throttle, code, then one sorted set of recent sends
# per destination (the numbers a code would go to, whoever asks): first the ones whose budget
# the asker is told about, then the quiet ones (a number the asker did not type: when its
# budget is used up, the code is issued but not sent, and the answer is the same). ARGV: now,
# the end of the resend wait, RESEND_INTERVAL, the code record, CODE_TTL, this send's id,
# how many destinations are told, then the budget as window seconds and limits. Answers
# {0, 1 to send or 0 not}, {1, lock end}, {3, end of the resend wait} or {4, seconds until
# a told destination's budget allows another code}.
_ISSUE = """
local now = tonumber(ARGV[1])
local function locked(key)
  local v = redis.call('GET', key)
  if v and tonumber(v) > now then return v end
  return nil
end
local function opens(key)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - 86400)
  local longest = 0
  for r = 8, #ARGV, 2 do
    local window, limit = tonumber(ARGV[r]), tonumber(ARGV[r + 1])
    local recent = redis.call('ZRANGEBYSCORE', key, now - window, '+inf', 'WITHSCORES')
    local count = #recent / 2
    if count >= limit then
      local at = tonumber(recent[2 * (count - limit) + 2]) + window - now
      if at > longest then longest = at end
    end
  end
  return longest
end
local v = locked(KEYS[1])
if v then return {1, v} end
local wait = redis.call('GET', KEYS[3])
if wait and tonumber(wait) > now then return {3, wait} end
v = locked(KEYS[2])
if v then return {1, v} end
local told = tonumber(ARGV[7])
local longest = 0
for i = 5, 4 + told do
  local at = opens(KEYS[i])
  if at > longest then longest = at end
end
if longest > 0 then return {4, tostring(longest)} end
local send = 1
for i = 5 + told, #KEYS do
  if opens(KEYS[i]) > 0 then send = 0 end
end
if send == 1 then
  for i = 5, #KEYS do
    redis.call('ZADD', KEYS[i], now, ARGV[6])
    redis.call('EXPIRE', KEYS[i], 86400)
  end
end
redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[3])
redis.call('SET', KEYS[4], ARGV[4], 'EX', ARGV[5])
return {0, send}
"""

# How many codes one number may receive, whoever asks: (window seconds, limit).
SMS_BUDGET = ((60, 1), (3600, 5), (86400, 10))


# Delete KEYS[1] only if it still holds ARGV[1]: 1 if it did.
_TAKE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class TooSoon(Locked):
    """A code went out less than RESEND_INTERVAL ago: the asker waits, the code stays."""

    def __init__(self, seconds: int) -> None:
        super().__init__("code.too_soon", seconds=seconds)
        self.seconds = seconds


class OverBudget(Locked):
    """The number has received as many codes as it may for now: when it may get another."""

    def __init__(self, seconds: int) -> None:
        super().__init__("code.over_budget", minutes=max(1, math.ceil(seconds / 60)))
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
class Pending:
    subject: str
    payload: str  # what the caller needs back once the code checks out (e.g. a person id)


class VerificationCodes:
    def __init__(self, redis: Redis, keys: RedisKeys, clock: Clock = SYSTEM_CLOCK,
                 on_person_locked: PersonLocked | None = None) -> None:
        self._redis = redis
        self._keys = keys
        self.clock = clock  # every deadline, lock and budget is judged by it
        self.lockout = Lockout(redis, keys, clock.time, on_person_locked)
        self._issue = redis.register_script(_ISSUE)
        self._take = redis.register_script(_TAKE)
        self._deliveries: set[asyncio.Task[None]] = set()

    def _hash(self, actor: str, code: str) -> str:
        return hmac.new(actor.encode(), code.encode(), hashlib.sha256).hexdigest()

    async def issue(self, purpose: str, actor: str, subject: str, payload: str,
                    deliver: Callable[[str], Coroutine[Any, Any, None]] | None, *,
                    destinations: tuple[str, ...], quiet: tuple[str, ...] = (),
                    detach: bool = False, shown: str | None = None) -> None:
        """Issue a code; `deliver(code)` sends it (None: nobody to send it to, which must
        look the same to the asker). With `detach`, delivery runs in a held background
        task: the answer then does not wait for the SMS gateway, nor show its failures.
        `shown`: the party whose failures the asker is told instead of the subject's
        (the identifier they typed, when the subject is the person behind it).
        `destinations`: keyed hashes of the numbers the code goes to, or would go to (the
        number typed, whether known or not, so that the answer is the same): each may get
        SMS_BUDGET codes, whoever asks (OverBudget says when the next may go). `quiet`: a
        number the asker did not type (the phone on record behind an ID number): its
        budget holds too, but silently (the code is then not sent), since telling would
        show that the ID number is on record."""
        now = self.clock.time()
        code = f"{secrets.randbelow(10**6):06d}"
        record = json.dumps({"s": subject, "i": shown or subject, "p": payload,
                             "h": self._hash(actor, code), "x": now + CODE_TTL})
        told = list(dict.fromkeys(destinations))
        silent = [d for d in dict.fromkeys(quiet) if d not in told]
        # the asker's lock and the code-guess lock refuse a code; the person's own lock
        # does not: the code goes to the owner's phone, and using it lifts that lock
        keys = [self._keys.code_lock(actor), self._keys.code_lock(person_parties(
                    subject, by_code=True)[0].key),
                self._keys.code_sent(purpose, actor), self._keys.code(purpose, actor),
                *(self._keys.sms_budget(d) for d in told + silent)]
        budget = [x for rule in SMS_BUDGET for x in rule]
        answer = await self._issue(keys=keys, args=[repr(now), repr(now + RESEND_INTERVAL),
                                                    RESEND_INTERVAL, record, CODE_TTL,
                                                    secrets.token_hex(8), len(told), *budget])
        if int(answer[0]) == 1:
            raise locked(float(answer[1]))
        if int(answer[0]) == 3:
            raise TooSoon(max(1, math.ceil(float(answer[1]) - now)))
        if int(answer[0]) == 4:
            raise OverBudget(max(1, math.ceil(float(answer[1]))))
        if deliver is None or not int(answer[1]):
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
        if self.clock.time() >= float(record.get("x", math.inf)):
            await self._redis.delete(key)
            raise no_code()
        subject = record["s"]
        parties = (asker(actor), *person_parties(subject, by_code=True))
        attempt = await self.lockout.reserve(parties, guard=(key, raw))
        if attempt is None:
            raise no_code()
        if hmac.compare_digest(record["h"], self._hash(actor, code.strip())) and record["p"]:
            # only this very code: a simultaneous right guess may have used it, or a code
            # re-sent meanwhile replaced it (which must stay for its own owner)
            if not await self._take(keys=[key], args=[raw]):
                raise no_code()
            await self._redis.delete(self._keys.code_sent(purpose, actor))
            await self.lockout.clear(parties, lift=tuple(p.key for p in parties[1:]))
            return Pending(subject, record["p"])
        try:
            failure = await self.lockout.failed(attempt, parties)
        except Locked:
            await self._redis.delete(key)
            raise
        raise WrongCode(failure.remaining)

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
