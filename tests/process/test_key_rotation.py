"""A federation key rotated where the other side holds it (docs/federation.md, "Rotating a key";
GB-39786: a key replaced within its period): 韶关's library makes a new key and 广州's
(`expertbot serve` of its own) lists it beside the old one, whose end its operator set. In
the overlap 广州 answers 韶关 signed with either key; once the old key's end has passed —
广州 started again with the same list, the day gone by — only the new one."""

from __future__ import annotations

import json
import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.providers.federation.client import FederationClient
from services.common.clock import CHINA
from services.federation import Federation, Identity, Keys, Peer, PeerRefused, Trust
from tests.support.cli import Preloaded
from tests.support.peer_process import LibraryProcess
from tests.support.two_libraries import GUANGZHOU, SHAOGUAN, library_of_guangzhou


@pytest.fixture
def guangzhou(infra: dict[str, str], tmp_path: Path, wechat: TestServer,
              preloaded_cli: Preloaded) -> LibraryProcess:
    return library_of_guangzhou(infra, tmp_path, wechat, preloaded_cli)


def trusting(library: LibraryProcess, old: Identity, new: Identity, until: str) -> dict[str, str]:
    """广州's environment: 韶关's old key ending `until`, its new key beside it."""
    env = library.env(old, "http://127.0.0.1:9", "admin")
    env["FEDERATION_PEERS"] = json.dumps([{
        "code": old.code, "name": old.name, "url": "http://127.0.0.1:9",
        "public_key": old.public_key(), "until": until, "second_public_key": new.public_key()}])
    return env


async def read_directory(library: LibraryProcess, signer: Identity) -> str:
    """广州's directory as 韶关 signing with that key reads it: "ok", or 广州's refusal."""
    peer = Peer(GUANGZHOU.code, GUANGZHOU.name, library.url, GUANGZHOU.public_key())
    async with aiohttp.ClientSession() as http:
        client = FederationClient(Trust(Federation(signer, {peer.code: peer}), None, ""), http)
        try:
            said = await client.directory(peer, int(time.time()))
        except PeerRefused as exc:
            return exc.reason
    assert said["library"] == GUANGZHOU.code
    return "ok"


async def test_a_rotated_key_is_accepted_in_the_overlap_then_only_the_new(
        guangzhou: LibraryProcess, infra: dict[str, str]) -> None:
    old = SHAOGUAN
    new = Identity(SHAOGUAN.code, SHAOGUAN.name, Keys.new_private())
    today = datetime.now(CHINA).date()
    # its database: the run's migrated template (no experts: the directory counts none)
    guangzhou.folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(infra["SQLITE_TEMPLATE"], guangzhou.database)
    await guangzhou.start(trusting(guangzhou, old, new, (today + timedelta(days=1)).isoformat()))
    try:
        assert await read_directory(guangzhou, old) == "ok"  # not switched yet
        assert await read_directory(guangzhou, new) == "ok"  # switched
        await guangzhou.stop()
        # the old key's last day was yesterday (China): 广州 no longer believes it
        await guangzhou.start(trusting(guangzhou, old, new,
                                       (today - timedelta(days=1)).isoformat()))
        assert await read_directory(guangzhou, old) == "bad_signature"
        assert await read_directory(guangzhou, new) == "ok"
    finally:
        await guangzhou.stop()
