"""A trading centre's evaluation system as the tests drive it: its own key, registered by
the administrator, calling this service over the signed protocol
(docs/evaluation-systems.md) and checking every answer's signature."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient

from bot.providers.federation.client import FederationClient
from config.settings import Settings
from models.draws import DrawActivity, Invitation, Project
from sandbox.app import sync_followers
from services.evaluation import EVALUATION_PROTOCOL
from services.federation import ED25519, Federation, Identity, Keys, Peer, PeerRefused, Trust
from tests.support.api import Api
from tests.support.draw_world import finish, make_experts, prepared, start_draw
from tests.support.wechat import Chat


def library_key(settings: Settings) -> str:
    """This service's key where neither EVALUATION_ nor FEDERATION_PRIVATE_KEY is set."""
    return Keys.from_seed(settings.secret_key.encode() + b":evaluation")


@dataclass
class System:
    identity: Identity = field(default_factory=lambda: Identity(
        "GZJY", "广州公共资源交易中心电子评标系统", Keys.new_private()))
    library: Peer | None = None  # this service as the administrator's page shows it

    def knows(self, base_url: str, code: str, public_key: str) -> None:
        """This service's address, code and public key (from its 电子评标系统 page)."""
        self.library = Peer(code, code, base_url, public_key)

    def client(self, session: aiohttp.ClientSession) -> FederationClient:
        assert self.library is not None
        trust = Trust(Federation(self.identity, {self.library.code: self.library}), None, "",
                      EVALUATION_PROTOCOL)
        return FederationClient(trust, session, timeout=10)

    async def call(self, method: str, path: str, data: dict[str, Any] | None = None,
                   query: dict[str, str] | None = None) -> dict[str, Any]:
        """The signed answer's body; PeerRefused with the refusal's code and words."""
        assert self.library is not None
        async with aiohttp.ClientSession() as session:
            return await self.client(session).call(self.library, method, path,
                                                   int(time.time()), query, data)

    async def refused(self, method: str, path: str, data: dict[str, Any] | None = None
                      ) -> PeerRefused:
        try:
            await self.call(method, path, data)
        except PeerRefused as exc:
            return exc
        raise AssertionError(f"{method} {path} was not refused")

    async def register(self, api: Api, demo: dict, centres: list[str],
                       url: str = "") -> dict[str, Any]:
        """Registered by the administrator through the API; this service known from it."""
        admin = await api.login(demo["admin"].mp_openid)
        made = await api.call("POST", "/admin/evaluation-systems", admin, {
            "code": self.identity.code, "name": self.identity.name, "centres": centres,
            "public_key": self.identity.public_key(), "url": url})
        assert made.status == 200, made.data
        legacy = Keys.check(self.identity.public_key(), "its key").algorithm is ED25519
        self.knows(str(api.client.make_url("")), made.data["library_code"],
                   made.data["legacy_public_key" if legacy else "public_key"])
        return made.data


async def centre_of(activity_id: int) -> str:
    """The six-digit code of the centre an activity went to."""
    activity = await DrawActivity.get(id=activity_id)
    centre = activity.terminal or (await Project.get(id=activity.project_id)).region[:4]
    return centre.ljust(6, "0")


BIDDERS = [{"key": "91440101MA5B000011", "name": "广州甲建设有限公司"},
           {"key": "91440101MA5B000022", "name": "广州乙建设有限公司"},
           {"key": "91440101MA5B000033", "name": "广州丙建设有限公司"}]
CRITERIA = [{"code": "C1", "name": "技术方案", "max": 40, "kind": "subjective"},
            {"code": "C2", "name": "投标报价", "max": 60, "kind": "objective"}]


def table(codes: list[str], odd: dict[tuple[int, str, str], float] | None = None,
          table_id: str = "T-1") -> dict[str, Any]:
    """Every expert gives every bidder 30 on C1 and 50 on C2, but for `odd`
    ((expert index, bidder key, criterion) -> value)."""
    odd = odd or {}
    return {"table_id": table_id, "criteria": CRITERIA, "scores": [
        {"expert": code, "bidder": b["key"], "criterion": c["code"],
         "value": odd.get((n, b["key"], c["code"]), 30 if c["code"] == "C1" else 50)}
        for n, code in enumerate(codes) for b in BIDDERS for c in CRITERIA]}


async def evaluated(client: TestClient, api: Api, chat: Chat, demo: dict, first: int
                    ) -> tuple[int, str, list[Invitation], System]:
    """Three experts served an evaluation of this system's centre, under way (it ends in an
    hour); the bidders declared."""
    await make_experts(client, 4, first=first, specialty="A0802")
    await sync_followers(api.platform)
    aid, token = await prepared(api, demo, total=3, specialty="A0802")
    assert (await start_draw(api, token, aid)).status == 200
    served = sorted(await finish(chat, aid), key=lambda i: i.id)
    now = datetime.now(UTC)
    await DrawActivity.filter(id=aid).update(eval_start=now - timedelta(hours=5),
                                             eval_end=now + timedelta(hours=1))
    system = System()
    await system.register(api, demo, [await centre_of(aid)])
    return aid, token, served, system


async def end(aid: int) -> None:
    now = datetime.now(UTC)
    await DrawActivity.filter(id=aid).update(eval_end=now - timedelta(minutes=5),
                                             finished_at=now - timedelta(minutes=5))
