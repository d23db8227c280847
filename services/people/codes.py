"""One-time SMS codes with expiry, resend throttling and brute-force locks, in Redis.

A code is issued to an *actor* (who asks: an openid) about a *subject* (what it proves: the
person once known, else the identifier asked about, so that unknown ones lock too). Every
attempt, a code or a password, is counted for every party *before* it is compared, in one
Lua call that also checks the locks: however many arrive at once, no party has more
attempts compared than its budget (services/people/lockout.py): the asker's, the person's
wrong passwords from everyone, and the guesses at codes sent to the person's phone, apart.
An SMS code to the owner's phone lifts the person's locks.

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
from services.common.metrics import SMS_CODE_BUDGET_USED, SMS_CODES
from services.common.redis_keys import CODE_TTL, RESEND_INTERVAL, RedisKeys
from services.people.lockout import (
    Lockout,
    PersonLocked,
    asker,
    locked,
    person_keys,
    person_parties,
)

log = logging.getLogger(__name__)


# KEYS: actor lock, subject lock, resend throttle, code, the counter of codes sent in this
# clock hour (every number together), then one sorted set of recent sends per destination
# (the numbers a code would go to, whoever asks): first the ones whose budget the asker is
# told about, then the quiet ones (a number the asker did not type: when its budget is used
# up, the code is issued but not sent, and the answer is the same). ARGV: now, the end of
# the resend wait, RESEND_INTERVAL, the code record, CODE_TTL, this send's id, how many
# destinations are told, the hourly limit of all codes (0: none), the seconds left in this
# hour, then the budget as window seconds and limits. Answers {0, 1 to send or 0 not, codes
# sent this hour}, {1, lock end}, {3, end of the resend wait}, {4, seconds until a told
# destination's budget allows another code} or {5, seconds until the hour's budget renews}.
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
  for r = 10, #ARGV, 2 do
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
for i = 6, 5 + told do
  local at = opens(KEYS[i])
  if at > longest then longest = at end
end
if longest > 0 then return {4, tostring(longest)} end
local hourly = tonumber(ARGV[8])
local sent = tonumber(redis.call('GET', KEYS[5]) or '0')
if hourly > 0 and sent >= hourly then return {5, ARGV[9]} end
local send = 1
for i = 6 + told, #KEYS do
  if opens(KEYS[i]) > 0 then send = 0 end
end
-- a told number is charged whether or not a quiet one holds the code back, so that its
-- answers never depend on what is on record behind it
local last = 5 + told
if send == 1 then last = #KEYS end
for i = 6, last do
  redis.call('ZADD', KEYS[i], now, ARGV[6])
  redis.call('EXPIRE', KEYS[i], 86400)
end
if send == 1 then
  sent = redis.call('INCR', KEYS[5])
  redis.call('EXPIRE', KEYS[5], 7200)
end
redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[3])
redis.call('SET', KEYS[4], ARGV[4], 'EX', ARGV[5])
return {0, send, sent}
"""

# How many codes one number may receive, whoever asks: (window seconds, limit).
SMS_BUDGET = ((60, 1), (3600, 5), (86400, 10))
# How many codes every number together may receive in one clock hour (SMS_CODES_PER_HOUR),
# and the share of it past which the operators are alerted (a log warning, the metric).
SMS_CODES_PER_HOUR = 600
ALERT_SHARE = 0.8


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


class Busy(Locked):
    """The hour's budget of codes, every number together, is used up: when it renews. The
    same for every number, so it shows nothing about the one asked for."""

    def __init__(self, seconds: int) -> None:
        super().__init__("code.busy", minutes=max(1, math.ceil(seconds / 60)))
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
                 on_person_locked: PersonLocked | None = None,
                 per_hour: int = SMS_CODES_PER_HOUR) -> None:
        self._redis = redis
        self._keys = keys
        self.clock = clock  # every deadline, lock and budget is judged by it
        self.per_hour = per_hour  # codes to every number together in a clock hour; 0: none
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
        number the asker did not type (the phone on record behind an ID number): a
        budget of its own holds too, but silently (the code is then not sent), since
        telling would show that the ID number is on record; it is kept apart from the
        number's told budget, whose answers would otherwise show which ID number is
        behind a phone (so a phone on record gets at most twice SMS_BUDGET)."""
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
                self._keys.sms_hour(int(now // 3600)),
                *(self._keys.sms_budget(d) for d in told),
                *(self._keys.sms_budget("q:" + d) for d in silent)]
        budget = [x for rule in SMS_BUDGET for x in rule]
        answer = await self._issue(keys=keys, args=[
            repr(now), repr(now + RESEND_INTERVAL), RESEND_INTERVAL, record, CODE_TTL,
            secrets.token_hex(8), len(told), self.per_hour, repr(3600 - now % 3600), *budget])
        outcome = int(answer[0])
        if outcome == 1:
            raise locked(float(answer[1]))
        if outcome == 3:
            raise TooSoon(max(1, math.ceil(float(answer[1]) - now)))
        if outcome == 4:
            SMS_CODES.labels("refused_number").inc()
            raise OverBudget(max(1, math.ceil(float(answer[1]))))
        if outcome == 5:
            SMS_CODES.labels("refused_hour").inc()
            log.error("verification codes: this hour's budget of %d SMS is used up; codes are "
                      "refused until the hour ends (SMS_CODES_PER_HOUR)", self.per_hour)
            raise Busy(max(1, math.ceil(float(answer[1]))))
        if int(answer[1]):
            self._count_sent(int(answer[2]))
        else:
            SMS_CODES.labels("withheld_number").inc()
        if deliver is None or not int(answer[1]):
            return
        if detach:
            self._spawn(deliver(code), f"code-delivery:{purpose}")
        else:
            await deliver(code)

    def _count_sent(self, sent: int) -> None:
        """A code counted against the hour's budget: the metric, and one warning when the
        hour's count reaches ALERT_SHARE of it."""
        SMS_CODES.labels("sent").inc()
        if self.per_hour <= 0:
            return
        SMS_CODE_BUDGET_USED.set(sent / self.per_hour)
        if sent == math.ceil(self.per_hour * ALERT_SHARE):
            log.warning("verification codes: %d SMS this hour, %d%% of the hourly budget of %d "
                        "(SMS_CODES_PER_HOUR): someone may be pumping codes", sent,
                        round(ALERT_SHARE * 100), self.per_hour)

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
            await self.lockout.clear(parties, lift=person_keys(subject))
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
