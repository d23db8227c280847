"""WeChat's customer-service windows as WeChat counts them (WX-CS: the 服务号's rule of 客服消息,
current since 2023-06-12): a user's own message opens 5 messages
for 48 hours; a click or scan menu item, a follow or a QR code scan opens 3 messages within one
minute; a link menu item, a payment or a receipt opens none. Outside a window WeChat answers
45015, past its count 45047.

The window each user has is kept in Redis as "<until> <left>" (epoch seconds, messages left),
beside their conversation (one hash tag): opened by the conversation's closing script when a
push is done, spent one message at a time by the outbox's sender before each customer-service
message. Windows are not added up: a new trigger replaces the open window only when it lasts
longer (a menu click inside a message's 48 hours changes nothing; the next message opens a
fresh 5): the reading that never picks a channel WeChat would refuse
(docs/rules-that-are-ours.md, "Customer-service windows"). A window Redis has lost is closed:
the notice goes by template message or SMS."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from redis.asyncio import Redis

from bot.wechat.incoming import Incoming
from services.common.redis_keys import RedisKeys


@dataclass(frozen=True, slots=True)
class Grant:
    """What one trigger allows: `messages` within `seconds` of it."""

    messages: int
    seconds: int


MESSAGE = Grant(5, 48 * 3600)  # the user sent a message (text, voice, image, ...)
BRIEF = Grant(3, 60)  # a click or scan menu item, a follow, a QR code scan
BRIEF_EVENTS = frozenset({"click", "scancode_push", "scancode_waitmsg", "subscribe", "scan"})


def grant_of(msg: Incoming) -> Grant | None:
    """The window `msg` opens, None for a push that opens none (a link menu item, a
    receipt, a reported location, an unfollow)."""
    if not msg.is_event:
        return MESSAGE
    return BRIEF if msg.event in BRIEF_EVENTS else None


def opened_at(msg: Incoming, fallback: float) -> float:
    """When WeChat counts the window from: the user's action (CreateTime) where the push
    carries a sane one, else `fallback` (the time the service took it)."""
    return float(msg.create_time) if 0 < msg.create_time <= fallback + 300 else fallback


@dataclass(frozen=True, slots=True)
class Window:
    until: float  # epoch seconds
    left: int

    def carries(self, now: float) -> bool:
        """True while one more customer-service message may go."""
        return now < self.until and self.left > 0

    @staticmethod
    def parse(value: str | bytes | None) -> Window | None:
        if not value:
            return None
        text = value.decode() if isinstance(value, bytes) else value
        until, _, left = text.partition(" ")
        try:
            return Window(float(until), int(left))
        except ValueError:
            return None


def grant_lua(key: str, messages: str, until: str) -> str:
    """Lua that opens the window at `key` with `messages` until `until` (integer epoch
    seconds) unless the one there lasts as long; shared by the conversation's closing script."""
    return f"""
local current = redis.call('get', {key})
local until_now = 0
if current then until_now = tonumber(string.match(current, '^(%S+)')) or 0 end
if tonumber({until}) > until_now then
  redis.call('set', {key}, {until} .. ' ' .. {messages}, 'EXAT', {until})
end
"""


_GRANT = grant_lua("KEYS[1]", "ARGV[1]", "ARGV[2]")

# KEYS[1] the window; ARGV[1] now. One message taken: 1, or 0 when none is left or it closed.
_TAKE = """
local current = redis.call('get', KEYS[1])
if not current then return 0 end
local until_at, left = string.match(current, '^(%S+) (%S+)$')
until_at, left = tonumber(until_at), tonumber(left)
if not until_at or not left or until_at <= tonumber(ARGV[1]) or left <= 0 then return 0 end
redis.call('set', KEYS[1], string.format('%d %d', until_at, left - 1), 'KEEPTTL')
return 1
"""

# KEYS[1] the window: WeChat said none is left (45015, 45047): nothing more is tried in it.
_SPENT = """
local current = redis.call('get', KEYS[1])
if not current then return 0 end
local until_at = string.match(current, '^(%S+)')
redis.call('set', KEYS[1], until_at .. ' 0', 'KEEPTTL')
return 1
"""


def grant_args(grant: Grant, at: float) -> tuple[int, int]:
    """The closing script's (messages, until) for a window opened at `at`."""
    return grant.messages, math.floor(at) + grant.seconds


class ServiceWindows:
    """Each user's customer-service window in Redis: read for a batch, taken from per message."""

    def __init__(self, redis: Redis, keys: RedisKeys) -> None:
        self._redis = redis
        self._keys = keys
        self._grant = redis.register_script(_GRANT)
        self._take = redis.register_script(_TAKE)
        self._spent = redis.register_script(_SPENT)

    def key(self, openid: str) -> str:
        return self._keys.service_window(openid)

    async def open(self, openid: str, grant: Grant, at: float) -> None:
        """The window `grant` opens at `at`, unless the user's lasts as long (the simulator
        and the tests; the chat path opens it in the conversation's closing script)."""
        await self._grant(keys=[self.key(openid)], args=grant_args(grant, at))

    async def read(self, openids: Iterable[str]) -> dict[str, Window]:
        """The open windows of `openids` (those without one are left out)."""
        wanted = list(dict.fromkeys(openids))
        if not wanted:
            return {}
        values = await self._redis.mget([self.key(o) for o in wanted])
        found = {o: Window.parse(v) for o, v in zip(wanted, values, strict=True)}
        return {o: w for o, w in found.items() if w is not None}

    async def take(self, openid: str, now: float) -> bool:
        """One message of the user's window, if it still carries one."""
        return bool(await self._take(keys=[self.key(openid)], args=[now]))

    async def spent(self, openid: str) -> None:
        """WeChat refused a message in it: no more are tried until the user acts again."""
        await self._spent(keys=[self.key(openid)])

    async def close(self, openid: str) -> None:
        """Forget the user's window (the simulator's "silent for 49 hours")."""
        await self._redis.delete(self.key(openid))
