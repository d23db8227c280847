"""Console sessions, stored server-side in Redis by the SHA-256 of an opaque token (the
cookie holds the token; a copy of Redis holds nothing usable). A session ends after
CONSOLE_IDLE without a request, after CONSOLE_MAX_AGE in any case, at sign-out, or once the
person's password changes; each carries its own CSRF token."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass

from redis.asyncio import Redis

from models.people import Person
from services.common.clock import SYSTEM_CLOCK, Clock
from services.common.redis_keys import CONSOLE_IDLE, CONSOLE_MAX_AGE, RedisKeys

SESSION_COOKIE = "eb_console"  # the signed-in session's cookie
SECOND_FACTOR_WAIT = 5 * 60  # s a password sign-in waits for its second factor

@dataclass(frozen=True)
class ConsoleSession:
    token: str
    person_id: int
    csrf: str
    started: float
    stamp: str  # of the password it was opened with (password_stamp)
    second: bool = True  # the second factor given (or not needed): False, only that page
    first: str = ""  # how the first factor was given: password / sms
    agency: int | None = None  # whom a person of several agencies acts for (set_acting)


def password_stamp(person: Person) -> str:
    """A session outlives no password change, wherever it was made (console, mini-program,
    an administrator): it holds a fingerprint of the password hash it was opened under."""
    return hashlib.sha256(f"console:{person.password_hash or ''}".encode()).hexdigest()[:16]


class ConsoleSessions:
    def __init__(self, redis: Redis, keys: RedisKeys, clock: Clock = SYSTEM_CLOCK) -> None:
        self._redis = redis
        self._keys = keys
        self._clock = clock  # a session's start and its longest day

    def _key(self, token: str) -> str:
        return self._keys.console_session(hashlib.sha256(token.encode()).hexdigest())

    async def create(self, person_id: int, stamp: str, second: bool = True,
                     first: str = "") -> ConsoleSession:
        token = secrets.token_urlsafe(32)
        session = ConsoleSession(token, person_id, secrets.token_urlsafe(24), self._clock.time(),
                                 stamp, second, first)
        await self._redis.set(self._key(token), json.dumps(
            {"p": person_id, "c": session.csrf, "s": session.started, "w": stamp,
             "f": second, "h": first}), ex=CONSOLE_IDLE if second else SECOND_FACTOR_WAIT)
        return session

    async def sign_in(self, person: Person) -> tuple[str, str]:
        """A new session for the person: the cookie's name and value."""
        return SESSION_COOKIE, (await self.create(person.id, password_stamp(person))).token

    async def resolve(self, token: str, touch: bool = True) -> ConsoleSession | None:
        """The live session of this token, or None; `touch`: this request is activity (the
        idle time starts again)."""
        if not token or len(token) > 128:
            return None
        key = self._key(token)
        raw = await self._redis.get(key)
        if raw is None:
            return None
        record = json.loads(raw)
        if self._clock.time() - float(record["s"]) > CONSOLE_MAX_AGE:
            await self._redis.delete(key)
            return None
        if touch and record.get("f", True):  # a half-done sign-in keeps its short wait
            await self._redis.expire(key, CONSOLE_IDLE)
        return ConsoleSession(token, int(record["p"]), str(record["c"]), float(record["s"]),
                              str(record.get("w", "")), bool(record.get("f", True)),
                              str(record.get("h", "")), record.get("a"))

    async def set_acting(self, token: str, agency_id: int) -> None:
        """This session acts for `agency_id` (checked by the API first) from now on (GD-DRAW:
        登录后选择以经办企业的身份进入系统); its idle time is untouched."""
        key = self._key(token)
        raw = await self._redis.get(key)
        if raw is not None:
            await self._redis.set(key, json.dumps({**json.loads(raw), "a": agency_id}),
                                  keepttl=True)

    async def drop(self, token: str) -> None:
        await self._redis.delete(self._key(token))

    async def enrolling(self, token: str, secret: str | None = None) -> str | None:
        """The TOTP secret being enrolled in this half-done sign-in (kept while it waits):
        set it with `secret`, read it without."""
        key = self._key(token) + ":enrol"
        if secret is not None:
            await self._redis.set(key, secret, ex=SECOND_FACTOR_WAIT)
            return secret
        raw = await self._redis.get(key)
        return raw.decode() if isinstance(raw, bytes) else raw

    async def second_failure(self, token: str) -> int:
        """One more wrong second factor in this sign-in: how many so far."""
        key = self._key(token) + ":fails"
        count = int(await self._redis.incr(key))
        await self._redis.expire(key, SECOND_FACTOR_WAIT)
        return count
