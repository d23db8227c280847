"""A trading centre's evaluation system as the tests drive it: its own key, registered by
the administrator, calling this service over the signed protocol
(docs/evaluation-systems.md) and checking every answer's signature."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient

from bot.providers.federation.client import FederationClient
from config.settings import Settings
from models.draws import DrawActivity, Project
from services.evaluation import EVALUATION_PROTOCOL, LIBRARY_CODE
from services.federation import Federation, Identity, Keys, Peer, PeerRefused, Trust
from tests.support.api import Api


def library_key(settings: Settings) -> str:
    """This service's key where neither EVALUATION_ nor FEDERATION_PRIVATE_KEY is set."""
    return Keys.from_seed(settings.secret_key.encode() + b":evaluation")


@dataclass
class System:
    identity: Identity = field(default_factory=lambda: Identity(
        "GZJY", "广州公共资源交易中心电子评标系统", Keys.new_private()))

    def client(self, client: TestClient, settings: Settings, session: aiohttp.ClientSession
               ) -> tuple[FederationClient, Peer]:
        ours = Identity(LIBRARY_CODE, LIBRARY_CODE, library_key(settings))
        library = Peer(ours.code, ours.name, str(client.make_url("")), ours.public_key())
        trust = Trust(Federation(self.identity, {library.code: library}), None, "",
                      EVALUATION_PROTOCOL)
        return FederationClient(trust, session, timeout=10), library

    async def call(self, client: TestClient, settings: Settings, method: str, path: str,
                   data: dict[str, Any] | None = None,
                   query: dict[str, str] | None = None) -> dict[str, Any]:
        """The signed answer's body; PeerRefused with the refusal's code and words."""
        async with aiohttp.ClientSession() as session:
            caller, library = self.client(client, settings, session)
            return await caller.call(library, method, path, int(time.time()), query, data)

    async def refused(self, client: TestClient, settings: Settings, method: str, path: str,
                      data: dict[str, Any] | None = None) -> PeerRefused:
        try:
            await self.call(client, settings, method, path, data)
        except PeerRefused as exc:
            return exc
        raise AssertionError(f"{method} {path} was not refused")

    async def register(self, api: Api, demo: dict, centres: list[str],
                       url: str = "") -> dict[str, Any]:
        admin = await api.login(demo["admin"].mp_openid)
        made = await api.call("POST", "/admin/evaluation-systems", admin, {
            "code": self.identity.code, "name": self.identity.name, "centres": centres,
            "public_key": self.identity.public_key(), "url": url})
        assert made.status == 200, made.data
        return made.data


async def centre_of(activity_id: int) -> str:
    """The six-digit code of the centre an activity went to."""
    activity = await DrawActivity.get(id=activity_id)
    centre = activity.terminal or (await Project.get(id=activity.project_id)).region[:4]
    return centre.ljust(6, "0")
