"""Another expert library on loopback, as docs/federation.md says one answers: it checks the
caller's signature, time and nonce, answers its directory signed over the request's nonce,
and can be told to refuse, to answer in a shape the protocol does not have, or to sign with
a key nobody configured."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from services.federation import Federation, Identity, Keys, NotTrusted, Peer, Trust


class MemoryNonces:
    """The fake's own record of nonces seen (Redis's SET NX, in a dict)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    async def set(self, key: str, value: str, nx: bool = False, ex: int = 0) -> bool:
        if key in self.seen:
            return False
        self.seen.add(key)
        return True


@dataclass
class PeerLibrary:
    identity: Identity = field(default_factory=lambda: Identity(
        "440200", "韶关市评标专家库", Keys.new_private()))
    mode: str = "ok"  # ok / refuse / garbage / forged / down (503 to every call)
    asked: list[dict[str, str]] = field(default_factory=list)
    caller: Peer | None = None
    # draws asked of it: the requests as received, and what it answers about them
    draw_requests: list[dict[str, Any]] = field(default_factory=list)
    draw_state: dict[str, Any] = field(default_factory=lambda: {
        "status": "drawing", "reason": "", "experts": []})
    nonces: MemoryNonces = field(default_factory=lambda: MemoryNonces())
    cancelled: list[str] = field(default_factory=list)  # request ids it was told to stop
    releases: list[str] = field(default_factory=list)  # each cancel's `release` ("": none)
    updates: list[dict[str, Any]] = field(default_factory=list)  # changes it was sent

    def trusting(self, caller: Identity, url: str) -> None:
        self.caller = Peer(caller.code, caller.name, url, caller.public_key())

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/federation/v1/directory", self.directory)
        app.router.add_post("/federation/v1/draws", self.draws)
        app.router.add_get("/federation/v1/draws/{request_id}", self.draws)
        app.router.add_post("/federation/v1/draws/{request_id}/cancel", self.draws)
        app.router.add_post("/federation/v1/draws/{request_id}/update", self.draws)
        return app

    async def draws(self, request: web.Request) -> web.Response:
        """A request for experts (POST) or its state (GET), answered as draw_state says."""
        assert self.caller is not None
        if self.mode == "down":
            return web.Response(status=503, text="维护中")
        body = await request.read()
        trust = Trust(Federation(self.identity, {self.caller.code: self.caller}),
                      self.nonces, "")  # type: ignore[arg-type]
        try:
            incoming = await trust.check_request(request.headers, request.method,
                                                 request.path_qs, body, int(_now()))
        except NotTrusted as exc:
            return web.json_response({"error": exc.reason, "message": "请求未通过验证"},
                                     status=401)
        if request.path.endswith("/update"):  # a change of the evaluation: acknowledged
            change = json.loads(body)
            self.updates.append(change)
            answer = json.dumps({"request_id": request.match_info["request_id"],
                                 "seq": change["seq"], "applied": True}).encode()
            return web.Response(body=answer, content_type="application/json",
                                headers=trust.sign_answer(incoming, 200, answer))
        if request.path.endswith("/cancel"):
            self.cancelled.append(request.match_info["request_id"])
            release = json.loads(body).get("release", "") if body else ""
            self.releases.append(release)
            # version 1.1: released experts are counted and no longer listed
            released = {"released": len(self.draw_state["experts"]), "experts": []} \
                if release else {}
            self.draw_state = {**self.draw_state, "status": "cancelled", **released}
        elif request.method == "POST":
            self.draw_requests.append(json.loads(body))
        asked = self.draw_requests[-1] if self.draw_requests else {}
        data = {"request_id": asked.get("request_id", ""), "count": asked.get("count", 0),
                "specialty": asked.get("specialty", ""), "region": asked.get("region", ""),
                "confirmed": len(self.draw_state["experts"]), **self.draw_state}
        answer = json.dumps(data, ensure_ascii=False).encode()
        return web.Response(body=answer, content_type="application/json",
                            headers=trust.sign_answer(incoming, 200, answer))

    async def directory(self, request: web.Request) -> web.Response:
        assert self.caller is not None
        trust = Trust(Federation(self.identity, {self.caller.code: self.caller}),
                      MemoryNonces(), "")  # type: ignore[arg-type]
        try:
            incoming = await trust.check_request(request.headers, request.method,
                                                 request.path_qs, b"", int(_now()))
        except NotTrusted as exc:
            return web.json_response({"error": exc.reason, "message": "请求未通过验证"},
                                     status=401)
        self.asked.append(dict(request.query))
        if self.mode == "refuse":
            return web.json_response({"error": "unknown_peer", "message":
                                      "本专家库未配置与该专家库的互信"}, status=401)
        data: dict[str, Any] = {
            "library": self.identity.code, "as_of": "2026-11-26", "small": 3, "total": 57,
            "asked": 5 if request.query else None,
            "by_specialty": [{"code": "A04", "name": "工程 / 设计", "count": 12},
                             {"code": "A0401", "name": "工程 / 设计 / 建筑工程设计",
                              "count": None}],
            "by_region": [{"code": "440200", "name": "广东省韶关市", "count": 57},
                          {"code": "440203", "name": "广东省韶关市武江区", "count": None}]}
        if self.mode == "garbage":
            data["total"] = "很多"
        body = json.dumps(data, ensure_ascii=False).encode()
        signer = trust if self.mode != "forged" else Trust(Federation(Identity(
            self.identity.code, self.identity.name, Keys.new_private())), None, "")
        return web.Response(body=body, content_type="application/json",
                            headers=signer.sign_answer(incoming, 200, body))


def _now() -> float:
    import time

    return time.time()
