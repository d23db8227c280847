"""Two libraries for the draws they share: this service as 韶关's library (OURS) answering
广州's (ASKER), a signed client as 广州's, and a request for experts as docs/federation.md
says one is sent."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from bot.providers.federation.client import FederationClient
from config.settings import Settings
from models.people import Person, RoleGrant, phone_is
from services.demo_codes import demo_credit_code
from services.federation import (
    Federation,
    Identity,
    Keys,
    Peer,
    Trust,
)
from tests.support.api import Api
from tests.support.draw_world import prepared, start_draw, submit

ASKER = Identity("440100", "广州市评标专家库", Keys.new_private())
# this service as 广州's library asking, and 韶关's on loopback (tests/conftest.py:
# shaoguan_library) answering
GUANGZHOU = Identity("440100", "广州市评标专家库", Keys.new_private())
SHAOGUAN = Identity("440200", "韶关市评标专家库", Keys.new_private())
OURS = ("440200", "韶关市评标专家库")


def lending_here(monkeypatch: pytest.MonkeyPatch, accept: str = "admin") -> None:
    """This service as 韶关's library (OURS), trusting 广州's (ASKER), deciding its requests
    as `accept` says: `admin`, `auto` or `never` (set before the service starts)."""
    monkeypatch.setenv("FEDERATION_CODE", OURS[0])
    monkeypatch.setenv("FEDERATION_NAME", OURS[1])
    monkeypatch.setenv("FEDERATION_PEERS", json.dumps([{
        "code": ASKER.code, "name": ASKER.name, "url": "http://127.0.0.1:9",
        "public_key": ASKER.public_key(), "accept": accept}]))


def asking(client: TestClient, settings: Settings, identity: Identity = ASKER
           ) -> tuple[FederationClient, Peer, aiohttp.ClientSession]:
    """A signed client as `identity`, and this service (its development key) as the peer
    it calls."""
    ours = Identity(*OURS, Keys.from_seed(settings.secret_key.encode()))
    return signed_client(str(client.make_url("")), ours, identity)


def signed_client(url: str, ours: Identity, identity: Identity = ASKER
                  ) -> tuple[FederationClient, Peer, aiohttp.ClientSession]:
    """A signed client as `identity`, calling the service at `url` whose identity is `ours`."""
    peer = Peer(ours.code, ours.name, url, ours.public_key())
    session = aiohttp.ClientSession()
    trust = Trust(Federation(identity, {peer.code: peer}), None, "")
    return FederationClient(trust, session, timeout=5), peer, session


def draw_request(count: int = 2, specialty: str = "A0401", region: str = "440200",
                 tenderer: tuple[str, str] = ("某市第一中学", demo_credit_code(50)),
                 in_days: int = 2) -> dict[str, Any]:
    """广州's request for `count` experts for a 副场 in 韶关."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=in_days)
    return {
        "request_id": f"440100-{secrets.token_hex(8)}", "project": "某市第一中学教学楼新建工程",
        "specialty": specialty, "region": region, "count": count,
        "eval_start": start.isoformat(), "eval_end": (start + timedelta(hours=6)).isoformat(),
        "nonce": "0815",
        "notice": {"venue": "韶关市公共资源交易中心", "city": "韶关市", "district": "武江区",
                   "street": "沿江路16号", "room": "3楼副场", "contact_name": "李明",
                   "contact_phone": "0751-8888888", "notes": "请携带身份证",
                   "gather_at": (start - timedelta(minutes=30)).isoformat()},
        "avoid_units": [{"name": tenderer[0], "credit_code": tenderer[1]},
                        {"name": "广州某招标代理有限公司", "credit_code": demo_credit_code(51)}]}


async def centre_of_shaoguan(demo: dict[str, Any]) -> None:
    """The demo's verifier (赵敏) as a verifier of 韶关's centre: the 副场 of a draw made here
    for another library lies in its region."""
    verifier = await Person.get(phone_is(demo["verifier"].phone))
    await RoleGrant.filter(person_id=verifier.id, role="verifier").update(region="4402")


async def asked_of_shaoguan(api: Api, demo: dict) -> tuple[int, str, int]:
    """A draft whose one condition (3 experts in 韶关) 韶关's library draws, submitted,
    verified and started; the activity, the handler's token and the condition."""
    aid, token = await prepared(api, demo, total=3, regions=("4402",), submitted=False)
    listed = await api.call("GET", "/draws/peer-libraries", token)
    assert listed.data["peers"] == [{"code": "440200", "name": "韶关市评标专家库"}]
    condition = (await api.call("GET", f"/draws/activities/{aid}", token)).data[
        "conditions"][0]["id"]
    picked = await api.call("PUT", f"/draws/activities/{aid}/conditions/{condition}/peer",
                            token, {"peer_code": "440200"})
    assert picked.status == 200, picked.data
    assert picked.data["conditions"][0]["peer"]["said"] == \
        "由韶关市评标专家库抽取：抽取开始后系统将向韶关市评标专家库发送请求"
    assert (await submit(api, token, aid)).status == 200
    verifier = await api.login(demo["verifier"].mp_openid)
    assert (await api.call("POST", f"/verify/activities/{aid}", verifier,
                           {"approve": True, "small_pool_ok": True})).status == 200
    # verified: which library draws is part of the request the centre verified
    late = await api.call("DELETE", f"/draws/activities/{aid}/conditions/{condition}/peer",
                          token)
    assert late.status == 409 and "提交审核前" in late.message
    assert (await start_draw(api, token, aid)).status == 200
    return aid, token, condition
