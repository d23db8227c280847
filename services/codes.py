"""One-time SMS codes with expiry, resend throttling and brute-force locks, in Redis.

A code is issued to an *actor* (who asks: an openid) about a *subject* (what it proves: a
person, a phone). Five wrong codes lock both the actor and the subject for 30 minutes, so
neither many openids against one person nor one openid against many people gets far.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from redis.asyncio import Redis

CODE_TTL = 300
MAX_FAILURES = 5
LOCK_TTL = 1800
RESEND_INTERVAL = 60


class CodeError(Exception):
    """A refusal; `message` tells the user what to do next (Chinese)."""

    message = "验证失败，请稍后再试。"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message


class Locked(CodeError):
    def __init__(self, until: float) -> None:
        stamp = time.strftime("%H:%M", time.localtime(until))
        super().__init__(f"验证码错误次数过多，已锁定30分钟，请在 {stamp} 后再试。")
        self.until = until


class TooSoon(CodeError):
    def __init__(self, seconds: int) -> None:
        super().__init__(f"验证码已发送，请 {seconds} 秒后再重新获取。")
        self.seconds = seconds


class NoCode(CodeError):
    message = "验证码已过期或尚未获取，请重新获取验证码。"


class WrongCode(CodeError):
    def __init__(self, remaining: int) -> None:
        super().__init__(f"验证码不正确，还可以再试 {remaining} 次。")
        self.remaining = remaining


class Lockout:
    """Counts failures per party; `MAX_FAILURES` of them lock every party involved for
    `LOCK_TTL` seconds."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._p = prefix

    async def check(self, *who: str) -> None:
        values = await self._redis.mget([f"{self._p}lock:{w}" for w in who])
        found = [float(v) for v in values if v]
        if found:
            raise Locked(max(found))

    async def fail(self, *who: str) -> int:
        """Count a failure; raises Locked on the last allowed one, else returns tries left."""
        failures = 0
        for w in who:
            n = await self._redis.incr(f"{self._p}fail:{w}")
            await self._redis.expire(f"{self._p}fail:{w}", LOCK_TTL)
            failures = max(failures, n)
        if failures < MAX_FAILURES:
            return MAX_FAILURES - failures
        until = time.time() + LOCK_TTL
        for w in who:
            await self._redis.set(f"{self._p}lock:{w}", str(until), ex=LOCK_TTL)
            await self._redis.delete(f"{self._p}fail:{w}")
        raise Locked(until)

    async def clear(self, *who: str) -> None:
        await self._redis.delete(*[f"{self._p}fail:{w}" for w in who])


@dataclass(frozen=True)
class Pending:
    subject: str
    payload: str  # what the caller needs back once the code checks out (e.g. a person id)


class VerificationCodes:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._p = prefix + "code:"
        self.lockout = Lockout(redis, self._p)

    def _hash(self, actor: str, code: str) -> str:
        return hmac.new(actor.encode(), code.encode(), hashlib.sha256).hexdigest()

    async def issue(self, purpose: str, actor: str, subject: str, payload: str,
                    deliver: Callable[[str], Awaitable[None]] | None) -> None:
        """Issue a code; `deliver(code)` sends it (None: nobody to send it to, which must
        look the same to the asker)."""
        await self.lockout.check(actor, subject)
        throttle = f"{self._p}sent:{purpose}:{actor}"
        if not await self._redis.set(throttle, "1", nx=True, ex=RESEND_INTERVAL):
            raise TooSoon(max(1, await self._redis.ttl(throttle)))
        code = f"{secrets.randbelow(10**6):06d}"
        record = {"s": subject, "p": payload, "h": self._hash(actor, code)}
        await self._redis.set(f"{self._p}{purpose}:{actor}", json.dumps(record), ex=CODE_TTL)
        if deliver is not None:
            await deliver(code)

    async def check(self, purpose: str, actor: str, code: str) -> Pending:
        """The pending record if `code` is right; raises CodeError otherwise."""
        key = f"{self._p}{purpose}:{actor}"
        raw = await self._redis.get(key)
        if raw is None:
            raise NoCode()
        record = json.loads(raw)
        subject = record["s"]
        await self.lockout.check(actor, subject)
        if hmac.compare_digest(record["h"], self._hash(actor, code.strip())) and record["p"]:
            await self._redis.delete(key, f"{self._p}sent:{purpose}:{actor}")
            await self.lockout.clear(actor, subject)
            return Pending(subject, record["p"])
        try:
            remaining = await self.lockout.fail(actor, subject)
        except Locked:
            await self._redis.delete(key)
            raise
        raise WrongCode(remaining)
