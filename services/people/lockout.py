"""Brute-force locks, in Redis. Every attempt, a code or a password, is counted for every
party *before* it is compared, in one Lua call that also checks the locks: however many
arrive at once, no party has more attempts compared than its budget. Budgets (`Party`): the
asker MAX_FAILURES (their own failures lock them, and only them, for 30 minutes); wrong
passwords about the person behind the identifier PERSON_FAILURES from everyone together (then
the password is paused for everyone, and the owner told); guesses at codes sent to that
person's phone CODE_GUESSES. An SMS code to the owner's phone lifts the pause: the code path
is not blocked by it."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis

from services.common.errors import Locked
from services.common.redis_keys import LOCK_TTL, RedisKeys

Clock = Callable[[], float]  # seconds since the epoch
PersonLocked = Callable[[int], Coroutine[Any, Any, None]]  # tell a person they are locked

MAX_FAILURES = 5  # an asker's wrong codes or passwords before they are locked
PERSON_FAILURES = 10  # wrong passwords about one person, from everyone together
CODE_GUESSES = 10  # wrong codes about one person, from everyone (the path the lock allows)


def asker(actor: str) -> Party:
    return Party(actor, MAX_FAILURES)


def person_parties(subject: str, *, by_code: bool) -> tuple[Party, ...]:
    """The party of the person (or unknown identifier) an attempt is about. Passwords and
    codes count apart: strangers' wrong passwords pause the password for everyone but leave
    the code to the owner's phone, which lifts the pause; their wrong codes stop codes
    being issued but leave the owner's password."""
    if by_code:
        return (Party(subject + "#code", CODE_GUESSES),)
    return (Party(subject, PERSON_FAILURES),)


def person_keys(subject: str) -> tuple[str, ...]:
    """The person's own locks, both paths: what a right code or an administrator lifts."""
    return (subject + "#code", subject)


# KEYS: n lock keys, n failure counters, then (if ARGV[6] is given) the guarded key. ARGV:
# n, now, LOCK_TTL, the lock's end if this attempt sets it, (unused), the value the guarded
# key must still hold (or ''), then per party its budget and 1 if its lock blocks this
# attempt. Answers {0, count per party...}, {1, lock end} (a blocking party is locked, or
# this attempt is one too many for one) or {2} (the guarded key changed: the code was used,
# replaced or expired meanwhile).
_RESERVE = """
local n = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local latest = nil
for i = 1, n do
  if ARGV[6 + 2 * i] == '1' then
    local v = redis.call('GET', KEYS[i])
    if v and tonumber(v) > now and (not latest or tonumber(v) > tonumber(latest)) then
      latest = v
    end
  end
end
if latest then return {1, latest} end
if ARGV[6] ~= '' and redis.call('GET', KEYS[2 * n + 1]) ~= ARGV[6] then
  return {2}
end
local counts, refuse = {0}, false
for i = 1, n do
  local c = redis.call('INCR', KEYS[n + i])
  redis.call('EXPIRE', KEYS[n + i], ARGV[3])
  counts[i + 1] = c
  if c > tonumber(ARGV[5 + 2 * i]) then
    redis.call('SET', KEYS[i], ARGV[4], 'EX', ARGV[3])
    redis.call('DEL', KEYS[n + i])
    if ARGV[6 + 2 * i] == '1' then refuse = true end
  end
end
if refuse then return {1, ARGV[4]} end
return counts
"""

def locked(until: float) -> Locked:
    """Too many failures: every party involved is locked until `until` (epoch seconds)."""
    return Locked("code.locked", until=datetime.fromtimestamp(until, UTC),
                  minutes=LOCK_TTL // 60)


@dataclass(frozen=True)
class Party:
    """Whom an attempt counts against, with its budget of failures."""

    key: str  # `oa:<openid>`, `p:<person id>`, `u:<identifier hash>`, ...
    budget: int


@dataclass(frozen=True)
class Attempt:
    """How many attempts each party has had, this one included (in the parties' order)."""

    counts: tuple[int, ...]


@dataclass(frozen=True)
class Failure:
    """A wrong attempt: the tries the asker has left, and the parties it locked."""

    remaining: int
    locked: tuple[str, ...]


class Lockout:
    """Counts attempts per party; a party's budget-th wrong attempt locks that party for
    LOCK_TTL seconds. The first party is the asker: the tries left they are told are theirs
    (never another party's, which would show that two identifiers are one person)."""

    def __init__(self, redis: Redis, keys: RedisKeys, clock: Clock,
                 on_person_locked: PersonLocked | None = None) -> None:
        self._redis = redis
        self._keys = keys
        self._clock = clock
        self._reserve = redis.register_script(_RESERVE)
        self._on_person_locked = on_person_locked

    def _lock(self, party: str) -> str:
        return self._keys.code_lock(party)

    def _fails(self, party: str) -> str:
        return self._keys.code_failures(party)

    async def require_unlocked(self, *who: str) -> None:
        """Locked if any of these parties is."""
        now = self._clock()
        found = [float(v) for v in await self._redis.mget([self._lock(w) for w in who])
                 if v and float(v) > now]
        if found:
            raise locked(max(found))

    async def reserve(self, parties: tuple[Party, ...],
                      guard: tuple[str, str] | None = None) -> Attempt | None:
        """Count one attempt for every party, before comparing anything. Locked if a
        blocking party is locked or this attempt is one too many for one; else None if
        `guard` (key, value) no longer holds."""
        now = self._clock()
        keys = [self._lock(p.key) for p in parties] + [self._fails(p.key) for p in parties]
        args: list[str | int] = [len(parties), repr(now), LOCK_TTL, repr(now + LOCK_TTL), "",
                                 guard[1] if guard else ""]
        for p in parties:
            args += [p.budget, "1"]  # every party's lock refuses the attempt
        if guard is not None:
            keys.append(guard[0])
        answer = await self._reserve(keys=keys, args=args)
        if int(answer[0]) == 1:
            raise locked(float(answer[1]))
        if int(answer[0]) == 2:
            return None
        return Attempt(tuple(int(c) for c in answer[1:]))

    async def failed(self, attempt: Attempt, parties: tuple[Party, ...]) -> Failure:
        """After a wrong attempt `reserve` counted: every party that reached its budget is
        locked; Locked if that includes the asker, else the asker's tries left and the
        parties locked now."""
        done = [p for p, c in zip(parties, attempt.counts, strict=True) if c >= p.budget]
        until = self._clock() + LOCK_TTL
        if done:
            async with self._redis.pipeline(transaction=True) as pipe:
                for p in done:
                    pipe.set(self._lock(p.key), repr(until), ex=LOCK_TTL)
                    pipe.delete(self._fails(p.key))
                await pipe.execute()
        for p in done:  # a person locked by everyone's attempts is told (once a lock)
            if p.key.startswith("p:") and p.key[2:].isdigit() and self._on_person_locked:
                await self._on_person_locked(int(p.key[2:]))
        if parties[0] in done:
            raise locked(until)
        return Failure(parties[0].budget - attempt.counts[0], tuple(p.key for p in done))

    async def clear(self, parties: tuple[Party, ...], lift: tuple[str, ...] = ()) -> None:
        """After a right attempt: the failures counted so far are forgotten, and the locks of
        `lift` are lifted (a code to the owner's phone proves the owner)."""
        await self._redis.delete(*[self._fails(p.key) for p in parties],
                                 *[self._lock(k) for k in lift])

    async def locked_until(self, party: str) -> datetime | None:
        """When the party's lock ends, None when it is not locked."""
        raw = await self._redis.get(self._lock(party))
        if raw is None or float(raw) <= self._clock():
            return None
        return datetime.fromtimestamp(float(raw), UTC)

    async def lift(self, *parties: str) -> int:
        """A security administrator's unlock: the parties' locks and their failures so far
        are gone; how many locks were lifted."""
        lifted = await self._redis.delete(*[self._lock(p) for p in parties])
        await self._redis.delete(*[self._fails(p) for p in parties])
        return int(lifted)

    @staticmethod
    def second_factor_party(person_id: int) -> Party:
        """Wrong second-factor codes about one person, from every half-done sign-in together (a
        password that checks out opens a new one, so a per-sign-in count alone is no limit);
        forgotten after a right code, lifted by a security administrator."""
        return Party(f"p:{person_id}#2fa", CODE_GUESSES)
