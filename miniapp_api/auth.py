"""Mini-program sessions: our own opaque token (WeChat's session_key never leaves the
server), and the access check every endpoint goes through."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiohttp import web
from redis.asyncio import Redis

from miniapp_api.framework import Access, ApiError, Endpoint, forbidden
from models.people import Person, Role, RoleGrant
from models.wechat import WeChatIdentity
from services.people import People

SESSION_TTL = 7 * 24 * 3600


class Sessions:
    """Tokens are stored by their SHA-256, so a copy of Redis holds no usable token."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._p = prefix + "mpsess:"

    @staticmethod
    def _key(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    async def create(self, identity_id: int, session_key: str) -> str:
        token = secrets.token_urlsafe(32)
        record = json.dumps({"i": identity_id, "k": session_key})
        await self._redis.set(self._p + self._key(token), record, ex=SESSION_TTL)
        return token

    async def resolve(self, token: str) -> int | None:
        """The identity id of a live session (its lifetime slides with use)."""
        key = self._p + self._key(token)
        raw = await self._redis.get(key)
        if raw is None:
            return None
        await self._redis.expire(key, SESSION_TTL)
        return int(json.loads(raw)["i"])

    async def drop(self, token: str) -> None:
        await self._redis.delete(self._p + self._key(token))


@dataclass
class Caller:
    """Who is calling: their mini-program identity, the person it is bound to, their roles."""

    token: str | None = None
    identity: WeChatIdentity | None = None
    person: Person | None = None
    grants: list[RoleGrant] = field(default_factory=list)

    def has(self, *roles: Role) -> bool:
        return any(g.role in roles for g in self.grants)

    def grant(self, role: Role) -> RoleGrant | None:
        return next((g for g in self.grants if g.role == role), None)

    def need_person(self) -> Person:
        if self.person is None:
            raise forbidden("请先绑定专家库账户。", "not_bound")
        return self.person


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class Authorizer:
    """Resolves the caller and enforces the endpoint's declared access."""

    def __init__(self, sessions: Sessions, people: People) -> None:
        self.sessions = sessions
        self.people = people

    async def __call__(self, request: web.Request, ep: Endpoint) -> Caller:
        if ep.access == Access.PUBLIC:
            return Caller()
        token = _bearer(request)
        if token is None:
            raise ApiError(401, "unauthenticated", "请先登录小程序。")
        identity_id = await self.sessions.resolve(token)
        identity = await WeChatIdentity.get_or_none(id=identity_id) if identity_id else None
        if identity is None:
            raise ApiError(401, "session_expired", "登录已过期，请重新进入小程序。")
        person = None
        if identity.person_id is not None:
            person = await Person.get_or_none(id=identity.person_id, deregistered_at=None)
        caller = Caller(token, identity, person)
        if ep.access == Access.SESSION:
            return caller
        caller.need_person()
        assert person is not None
        caller.grants = await self.people.active_roles(person.id, datetime.now(UTC))
        if person.must_change_password and not ep.allow_initial_password:
            raise forbidden("您还在使用初始密码，请先修改密码。", "password_change_required")
        if ep.roles is not None and not caller.has(*ep.roles):
            raise forbidden()
        return caller
