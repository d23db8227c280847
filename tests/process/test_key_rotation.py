"""A federation key rotated where the other side holds it (docs/federation.md, "Rotating a key";
GB-39786: a key replaced within its period): two libraries each made a new key, and 广州's
(`expertbot serve` of its own, started once) lists each new key beside the old one, whose
end its operator set: 深圳's old key ends tomorrow (the overlap: 广州 answers 深圳 signed
with either key), 韶关's ended yesterday (only its new key is believed)."""

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
    """广州's library, to be started (`serve` forked from the worker's preloaded process)."""
    return library_of_guangzhou(infra, tmp_path, wechat, preloaded_cli)


def trusting(library: LibraryProcess, keys: list[tuple[Identity, Identity, str]]
             ) -> dict[str, str]:
    """广州's environment: each library's old key ending `until`, its new key beside it."""
    env = library.env(keys[0][0], "http://127.0.0.1:9", "admin")
    env["FEDERATION_PEERS"] = json.dumps([{
        "code": old.code, "name": old.name, "url": "http://127.0.0.1:9",
        "public_key": old.public_key(), "until": until, "second_public_key": new.public_key()}
        for old, new, until in keys])
    return env


async def read_directory(library: LibraryProcess, signer: Identity) -> str:
    """广州's directory as the library signing with that key reads it: "ok", or 广州's
    refusal."""
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
    shenzhen = Identity("440300", "深圳市评标专家库", Keys.new_private())
    renewed = {lib.code: Identity(lib.code, lib.name, Keys.new_private())
               for lib in (SHAOGUAN, shenzhen)}
    today = datetime.now(CHINA).date()
    # its database: the run's migrated template (no experts: the directory counts none)
    guangzhou.folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(infra["SQLITE_TEMPLATE"], guangzhou.database)
    await guangzhou.start(trusting(guangzhou, [
        (shenzhen, renewed[shenzhen.code], (today + timedelta(days=1)).isoformat()),
        (SHAOGUAN, renewed[SHAOGUAN.code], (today - timedelta(days=1)).isoformat())]))
    try:
        # its operator reads at start-up how each rotation stands
        said = guangzhou.banner()
        assert (f"; its key: believed before {today + timedelta(days=2)} 00:00 China time, "
                "a second key: no end") in said, said
        assert f"; its key: believed before {today} 00:00 China time" in said, said
        # the overlap: 深圳 not switched yet, and switched
        assert await read_directory(guangzhou, shenzhen) == "ok"
        assert await read_directory(guangzhou, renewed[shenzhen.code]) == "ok"
        # past the old key's last day: only the new one
        assert await read_directory(guangzhou, SHAOGUAN) == "bad_signature"
        assert await read_directory(guangzhou, renewed[SHAOGUAN.code]) == "ok"
    finally:
        await guangzhou.stop()
