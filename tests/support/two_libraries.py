"""Two libraries as two processes (NDRC-26 异地抽取; FG-807 主场/副场): this test service as
韶关's library and 广州's as `expertbot serve` of its own (tests/support/peer_process.py),
the demo's experts loaded there; how 韶关's agency asks 广州 for a 副场's two experts and
how 广州's experts answer in its chat. The tests' fixtures are built from these."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from config.settings import Settings
from sandbox.wechat_push import Pusher, text_fields
from services.demo_draws import DEMO_POOL, DEMO_POOL_SPECIALTY
from services.federation import Identity, Keys
from tests.support.accounts import APPID, TOKEN
from tests.support.api import Api
from tests.support.cli import Preloaded
from tests.support.draw_world import prepared, start_draw, submit
from tests.support.peer_process import LibraryProcess

SHAOGUAN = Identity("440200", "韶关市评标专家库", Keys.new_private())
GUANGZHOU = Identity("440100", "广州市评标专家库", Keys.new_private())


async def asked_of_guangzhou(api: Api, demo: dict) -> tuple[int, str, int]:
    """Two experts of the demo pool's specialty in 广州, drawn by 广州's library: started."""
    aid, token = await prepared(api, demo, total=2, regions=("4401",),
                                specialty=DEMO_POOL_SPECIALTY, submitted=False)
    condition = (await api.call("GET", f"/draws/activities/{aid}", token)).data[
        "conditions"][0]["id"]
    picked = await api.call("PUT", f"/draws/activities/{aid}/conditions/{condition}/peer",
                            token, {"peer_code": GUANGZHOU.code})
    assert picked.status == 200, picked.data
    assert (await submit(api, token, aid)).status == 200
    verifier = await api.login(demo["verifier"].mp_openid)
    assert (await api.call("POST", f"/verify/activities/{aid}", verifier,
                           {"approve": True, "small_pool_ok": True})).status == 200
    assert (await start_draw(api, token, aid)).status == 200
    return aid, token, condition


async def says(library: LibraryProcess, openid: str, text: str, msg_id: int) -> None:
    """A WeChat user of that library sends it a text (its signed callback, over HTTP)."""
    push = Pusher(TOKEN, APPID).build(text_fields(openid, text, msg_id=msg_id))
    async with aiohttp.ClientSession() as http, http.post(
            f"{library.url}/wechat/callback", params=push.query, data=push.body) as resp:
        assert resp.status == 200


async def every_pool_expert_says_1(library: LibraryProcess, first_msg_id: int) -> None:
    """Each of the demo pool's experts answers 1 at that library (those invited confirm)."""
    for n in range(1, len(DEMO_POOL) + 1):
        await says(library, f"o_demo_pool{n}", "1", first_msg_id + n)


async def said_of(api: Api, token: str, aid: int) -> dict:
    return (await api.call("GET", f"/draws/activities/{aid}", token)).data[
        "conditions"][0]["peer"]


def library_of_guangzhou(infra: dict[str, str], tmp_path: Path, wechat: TestServer,
                         preloaded: Preloaded | None = None) -> LibraryProcess:
    """广州's library (not started): on a SQLite copy of the migrated template; its
    `expertbot` commands forked from `preloaded` (tests/support/preloaded.py)."""
    if "SQLITE_TEMPLATE" not in infra:
        pytest.skip("the other library runs on a SQLite copy of the migrated template")
    return LibraryProcess(GUANGZHOU, infra, tmp_path / "guangzhou",
                          str(wechat.make_url("")).rstrip("/"), preloaded=preloaded)


def as_shaoguan(guangzhou: LibraryProcess, settings: Settings,
                monkeypatch: pytest.MonkeyPatch, *others: LibraryProcess) -> Settings:
    """This service as 韶关's library trusting 广州's (and the `others`); the test runs the
    sweep by hand."""
    monkeypatch.setenv("FEDERATION_CODE", SHAOGUAN.code)
    monkeypatch.setenv("FEDERATION_NAME", SHAOGUAN.name)
    monkeypatch.setenv("FEDERATION_PRIVATE_KEY", SHAOGUAN.private_key)
    monkeypatch.setenv("FEDERATION_TIMEOUT", "5")
    monkeypatch.setenv("FEDERATION_PEERS", json.dumps([{
        "code": library.identity.code, "name": library.identity.name, "url": library.url,
        "public_key": library.identity.public_key()} for library in (guangzhou, *others)]))
    return settings.model_copy(update={"run_worker": False})
