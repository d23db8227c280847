"""This library calling another it trusts (or an evaluation system, by its protocol): each
request signed, each answer's signature checked against the request's nonce before its
body is believed. A peer that does not
answer in time, answers with an error, or answers unsigned raises PeerUnavailable or
PeerRefused with words an administrator reads."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import aiohttp

from services.federation import (
    NotTrusted,
    Peer,
    PeerRefused,
    PeerUnavailable,
    Trust,
)

MAX_ANSWER = 4 * 1024 * 1024


class FederationClient:
    def __init__(self, trust: Trust, session: aiohttp.ClientSession,
                 timeout: float = 10.0) -> None:
        self.trust = trust
        self.session = session
        self.timeout = timeout

    async def call(self, peer: Peer, method: str, path: str, now: int,
                   query: dict[str, str] | None = None,
                   data: dict[str, Any] | None = None) -> dict[str, Any]:
        path_qs = path + (f"?{urlencode(query)}" if query else "")
        body = json.dumps(data, ensure_ascii=False).encode() if data is not None else b""
        headers = self.trust.sign_request(peer, method, path_qs, body, now)
        if data is not None:
            headers["Content-Type"] = "application/json"
        try:
            async with self.session.request(
                    method, peer.url.rstrip("/") + path_qs, data=body or None,
                    headers=headers, timeout=aiohttp.ClientTimeout(total=self.timeout)) as r:
                answer = await r.content.read(MAX_ANSWER + 1)
                status, their = r.status, r.headers
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise PeerUnavailable(f"{peer.name}: {type(exc).__name__}") from None
        if len(answer) > MAX_ANSWER:
            raise PeerUnavailable(f"{peer.name}: answer too large")
        if status in (400, 401, 403, 404, 409, 422):
            try:
                said = json.loads(answer)
                raise PeerRefused(str(said.get("error", status)), str(said.get("message", "")),
                                  status)
            except (ValueError, AttributeError):
                raise PeerUnavailable(f"{peer.name}: HTTP {status}") from None
        if status != 200:
            raise PeerUnavailable(f"{peer.name}: HTTP {status}")
        try:
            nonce = headers[self.trust.protocol.names()[3]]
            self.trust.check_answer(peer, nonce, status, their, answer, now)
        except NotTrusted as exc:
            raise PeerUnavailable(f"{peer.name}: answer {exc.reason}") from None
        try:
            out = json.loads(answer)
        except ValueError:
            raise PeerUnavailable(f"{peer.name}: answer not JSON") from None
        if not isinstance(out, dict):
            raise PeerUnavailable(f"{peer.name}: answer not an object")
        return out

    async def directory(self, peer: Peer, now: int, specialty: str = "",
                        region: str = "") -> dict[str, Any]:
        query = {k: v for k, v in (("specialty", specialty), ("region", region)) if v}
        return await self.call(peer, "GET", "/federation/v1/directory", now, query or None)
