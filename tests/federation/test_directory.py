"""The shared directory another library reads: counts of experts who could
be drawn, by specialty and place at every level, signed, with no personal data; and the
protocol's refusals (a stranger, a forged signature, a replay, a stale request) in words."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from bot.providers.federation.client import FederationClient
from config.settings import Settings
from models.audit import AuditEntry
from models.sanctions import Sanction, SanctionKind
from services.federation import (
    Federation,
    Identity,
    Keys,
    NotTrusted,
    Peer,
    PeerRefused,
    PeerUnavailable,
    Trust,
)
from tests.support.api import Api
from tests.support.draw_world import make_experts
from tests.support.ports import free_port

ASKER = Identity("440200", "韶关市评标专家库", Keys.new_private())
OURS = ("440100", "广州市评标专家库")


@pytest.fixture
def settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """This service as 广州's library, trusting 韶关's."""
    monkeypatch.setenv("FEDERATION_CODE", OURS[0])
    monkeypatch.setenv("FEDERATION_NAME", OURS[1])
    monkeypatch.setenv("FEDERATION_PEERS", json.dumps([{
        "code": ASKER.code, "name": ASKER.name, "url": "http://127.0.0.1:9",
        "public_key": ASKER.public_key(), "accept": "admin"}]))
    return settings


def asking(client: TestClient, settings: Settings, identity: Identity = ASKER,
           session: aiohttp.ClientSession | None = None
           ) -> tuple[FederationClient, Peer, aiohttp.ClientSession]:
    ours = Identity(*OURS, Keys.from_seed(settings.secret_key.encode()))
    peer = Peer(ours.code, ours.name, str(client.make_url("")), ours.public_key())
    session = session or aiohttp.ClientSession()
    trust = Trust(Federation(identity, {peer.code: peer}), None, "")
    return FederationClient(trust, session, timeout=5), peer, session


async def test_another_library_reads_counts_by_specialty_and_place_and_nothing_personal(
        client: TestClient, settings: Settings, api: Api, demo: dict) -> None:
    # 韶关 (no demo expert lives there): 4 in 武江区, of whom one is suspended today and one
    # deregistered (not available, so not counted), and 3 in 浈江区
    wj = await make_experts(client, 4, first=2000, region="440203", specialty="A0401")
    await make_experts(client, 3, first=2100, region="440204", specialty="A0401")
    await Sanction.create(expert_id=wj[0].id, kind=SanctionKind.SUSPENSION,
                          starts_on=date.today() - timedelta(days=1),
                          ends_on=date.today() + timedelta(days=30), reason="测试暂停",
                          decided_on=date.today(), decided_by=1)
    wj[1].active = False
    await wj[1].save()
    federation, peer, session = asking(client, settings)
    async with session:
        read = await federation.directory(peer, int(time.time()))
        city = await federation.directory(peer, int(time.time()), specialty="A04",
                                          region="440200")
        county = await federation.directory(peer, int(time.time()), specialty="A04",
                                            region="440203")
    regions = {c["code"]: c for c in read["by_region"]}
    specialties = {c["code"]: c for c in read["by_specialty"]}
    # places travel by their six-digit codes, every level, by name
    assert regions["440200"] == {"code": "440200", "name": "广东省韶关市", "count": 5}
    assert regions["440204"]["count"] == 3
    # the two left in 武江区 are fewer than three: a count that narrow is not given
    assert regions["440203"]["count"] is None
    assert city["asked"] == 5 and county["asked"] is None
    assert specialties["A0401"]["count"] >= 5 and "/" in specialties["A0401"]["name"]
    assert specialties["A"]["count"] >= specialties["A0401"]["count"]  # every level up
    assert read["small"] == 3 and read["library"] == OURS[0]
    shown = json.dumps([read, city, county], ensure_ascii=False)
    assert "专家20" not in shown and "T-2" not in shown and "单位" not in shown
    assert "139" not in shown
    # the read is on this library's audit trail, by the asking library's name
    assert await AuditEntry.filter(action="federation").count() == 3
    entry = await AuditEntry.filter(action="federation").order_by("id").first()
    assert entry is not None
    assert entry.detail["peer"] == ASKER.code and entry.detail["what"] == "directory"
    token = await api.login(demo["audit_admin"].mp_openid)
    trail = await api.call("GET", "/admin/audit-trail", token)
    said = [e["what"] for e in trail.data["entries"] if e["title"] == "其他专家库的库间调用"]
    assert said and said[0] == ("韶关市评标专家库（440200）"
                                "读取本库专家分布统计（只有人数，不含个人信息）")


async def test_a_stranger_a_forgery_a_replay_and_a_stale_request_are_refused_in_words(
        client: TestClient, settings: Settings) -> None:
    stranger = Identity("450100", "南宁市评标专家库", Keys.new_private())
    federation, peer, session = asking(client, settings, stranger)
    async with session:
        with pytest.raises(PeerRefused) as refused:
            await federation.directory(peer, int(time.time()))
        assert refused.value.reason == "unknown_peer" and "公钥" in refused.value.message
        # 韶关's code with another key: the signature does not verify
        forger = Identity(ASKER.code, ASKER.name, Keys.new_private())
        federation, peer, _ = asking(client, settings, forger, session)
        with pytest.raises(PeerRefused) as forged:
            await federation.directory(peer, int(time.time()))
        assert forged.value.reason == "bad_signature"
        # a request taken off the wire and sent again
        federation, peer, _ = asking(client, settings, session=session)
        path = "/federation/v1/directory"
        headers = federation.trust.sign_request(peer, "GET", path, b"", int(time.time()))
        url = str(client.make_url(path))
        async with session.get(url, headers=headers) as first:
            assert first.status == 200
        async with session.get(url, headers=headers) as again:
            said = await again.json()
            assert again.status == 401 and said["error"] == "replayed"
            assert "重复发送" in said["message"]
        # ten minutes old
        with pytest.raises(PeerRefused) as stale:
            await federation.directory(peer, int(time.time()) - 600)
        assert stale.value.reason == "stale" and "时钟" in stale.value.message
    assert await AuditEntry.filter(action="federation").count() == 1  # the one answered


async def test_an_answer_is_believed_only_with_its_signature_over_the_request(
        client: TestClient, settings: Settings) -> None:
    federation, peer, session = asking(client, settings)
    async with session:
        path = "/federation/v1/directory"
        headers = federation.trust.sign_request(peer, "GET", path, b"", int(time.time()))
        async with session.get(str(client.make_url(path)), headers=headers) as answer:
            body, their = await answer.read(), answer.headers
        nonce = headers["X-Federation-Nonce"]
        federation.trust.check_answer(peer, nonce, 200, their, body)
        with pytest.raises(NotTrusted):  # a changed body
            federation.trust.check_answer(peer, nonce, 200, their, body.replace(b"0", b"9"))
        with pytest.raises(NotTrusted):  # the answer to another request
            federation.trust.check_answer(peer, "f" * 32, 200, their, body)


async def test_a_library_that_does_not_answer_is_said_to_be_unavailable(
        client: TestClient, settings: Settings) -> None:
    federation, peer, session = asking(client, settings)
    gone = Peer(peer.code, peer.name, f"http://127.0.0.1:{free_port()}", peer.public_key)
    async with session:
        with pytest.raises(PeerUnavailable, match="广州市评标专家库"):
            await federation.directory(gone, int(datetime.now(UTC).timestamp()))
