"""The algorithm of a link is the registered key's (docs/federation.md, "Signing"): 广州, on
SM2 and keeping its Ed25519 key, trusts 韶关, still a 1.1 library on Ed25519, and 深圳, on
SM2. Both read its directory over real HTTP and believe its answers; a message signed with
the other algorithm than its sender's registered key is refused, and the protocol's refusals
(a forged key, a changed request, a replay, a stale request, a changed answer) hold for
either algorithm."""

from __future__ import annotations

import json
import time

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from bot.providers.federation.client import FederationClient
from config.settings import Settings
from services.federation import (
    ED25519,
    SM2_SM3,
    Algorithm,
    Federation,
    Identity,
    Keys,
    NotTrusted,
    Peer,
    PeerRefused,
    Trust,
)

OURS = Identity("440100", "广州市评标专家库", Keys.new_private(), Keys.new_private(ED25519))
OLD = Identity("440200", "韶关市评标专家库", Keys.new_private(ED25519))  # a 1.1 library
NEW = Identity("440300", "深圳市评标专家库", Keys.new_private())
PATH = "/federation/v1/directory"


@pytest.fixture
def settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("FEDERATION_CODE", OURS.code)
    monkeypatch.setenv("FEDERATION_NAME", OURS.name)
    monkeypatch.setenv("FEDERATION_PRIVATE_KEY", OURS.private_key)
    monkeypatch.setenv("FEDERATION_LEGACY_KEY", OURS.legacy_key)
    monkeypatch.setenv("FEDERATION_PEERS", json.dumps([
        {"code": p.code, "name": p.name, "url": "http://127.0.0.1:9",
         "public_key": p.public_key(), "accept": "admin"} for p in (OLD, NEW)]))
    return settings


def caller(client: TestClient, me: Identity, ours_as: Algorithm,
           session: aiohttp.ClientSession) -> tuple[FederationClient, Peer]:
    """`me` calling 广州, which it registered with 广州's key of `ours_as`."""
    ours = Peer(OURS.code, OURS.name, str(client.make_url("")), OURS.public_key(ours_as))
    return FederationClient(Trust(Federation(me, {ours.code: ours}), None, ""), session,
                            timeout=5), ours


async def test_a_1_1_peer_on_ed25519_and_an_sm2_peer_both_read_and_believe_the_answer(
        client: TestClient, settings: Settings) -> None:
    async with aiohttp.ClientSession() as session:
        for me, algorithm in ((OLD, ED25519), (NEW, SM2_SM3)):
            federation, ours = caller(client, me, algorithm, session)
            read = await federation.directory(ours, int(time.time()))
            assert "by_region" in read  # the answer's signature was checked by the client
            # answered with the key the peer registered: the other one would not verify
            headers = federation.trust.sign_request(ours, "GET", PATH, b"", int(time.time()))
            async with session.get(str(client.make_url(PATH)), headers=headers) as answer:
                body, their = await answer.read(), answer.headers
            other = ED25519 if algorithm is SM2_SM3 else SM2_SM3
            mistaken = Peer(ours.code, ours.name, ours.url, OURS.public_key(other))
            with pytest.raises(NotTrusted):
                federation.trust.check_answer(mistaken, headers["X-Federation-Nonce"], 200,
                                              their, body)
            federation.trust.check_answer(ours, headers["X-Federation-Nonce"], 200, their,
                                          body)


async def test_a_message_signed_with_the_other_algorithm_is_refused(
        client: TestClient, settings: Settings) -> None:
    # 韶关, registered on Ed25519, now signing with an SM2 key (its own, not registered)
    old_on_sm2 = Identity(OLD.code, OLD.name, Keys.new_private(), OLD.private_key)
    # 深圳, registered on SM2, signing with an Ed25519 key it also holds
    new_on_ed = Identity(NEW.code, NEW.name, Keys.new_private(ED25519))
    async with aiohttp.ClientSession() as session:
        for me, signs_with in ((old_on_sm2, SM2_SM3), (new_on_ed, ED25519)):
            federation, ours = caller(client, me, signs_with, session)
            headers = federation.trust.sign_request(ours, "GET", PATH, b"", int(time.time()))
            headers["X-Federation-Algorithm"] = signs_with.name  # a claim read by nobody
            async with session.get(str(client.make_url(PATH)), headers=headers) as refused:
                said = await refused.json()
            assert refused.status == 401 and said["error"] == "bad_signature", said
            assert "签名" in said["message"]


@pytest.mark.parametrize("me,algorithm", [(OLD, ED25519), (NEW, SM2_SM3)],
                         ids=["ed25519", "sm2"])
async def test_forged_changed_replayed_and_stale_requests_are_refused_either_way(
        client: TestClient, settings: Settings, me: Identity, algorithm: Algorithm) -> None:
    async with aiohttp.ClientSession() as session:
        forger = Identity(me.code, me.name, Keys.new_private(algorithm))  # the wrong key
        federation, ours = caller(client, forger, algorithm, session)
        with pytest.raises(PeerRefused) as forged:
            await federation.directory(ours, int(time.time()))
        assert forged.value.reason == "bad_signature"
        federation, ours = caller(client, me, algorithm, session)
        # signed for one question, sent with another
        headers = federation.trust.sign_request(ours, "GET", PATH + "?specialty=A04", b"",
                                                int(time.time()))
        async with session.get(str(client.make_url(PATH + "?specialty=A05")),
                               headers=headers) as changed:
            assert changed.status == 401 and (await changed.json())["error"] == "bad_signature"
        # a request taken off the wire and sent again
        headers = federation.trust.sign_request(ours, "GET", PATH, b"", int(time.time()))
        async with session.get(str(client.make_url(PATH)), headers=headers) as first:
            body, their = await first.read(), first.headers
            assert first.status == 200
        async with session.get(str(client.make_url(PATH)), headers=headers) as again:
            assert again.status == 401 and (await again.json())["error"] == "replayed"
        # an answer changed on its way back
        with pytest.raises(NotTrusted):
            federation.trust.check_answer(ours, headers["X-Federation-Nonce"], 200, their,
                                          body.replace(b"0", b"9"))
        with pytest.raises(PeerRefused) as stale:  # ten minutes old
            await federation.directory(ours, int(time.time()) - 600)
        assert stale.value.reason == "stale"


def test_a_peer_on_an_algorithm_this_library_holds_no_key_of_stops_the_start(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from config.federation import FederationSettings, federation_of
    from config.settings import SettingsError

    monkeypatch.delenv("FEDERATION_LEGACY_KEY")
    with pytest.raises(SettingsError, match=r"440200.*Ed25519.*FEDERATION_LEGACY_KEY"):
        federation_of(settings, FederationSettings())
    monkeypatch.setenv("FEDERATION_LEGACY_KEY", Keys.new_private())
    with pytest.raises(SettingsError, match="Ed25519 key kept beside an SM2"):
        federation_of(settings, FederationSettings())
