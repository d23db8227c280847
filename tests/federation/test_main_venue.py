"""Another library draws only for a 副场 in its region (FG-807 远程异地评标, docs/federation.md):
in a remote evaluation the 主场's conditions are this library's, so the agency's desk offers
the other library only for the 副场's condition, and the request for the 主场's condition is
refused in words saying where to put the experts the other library should draw."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from config.settings import Settings
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.draw_world import prepared
from tests.support.peer_library import PeerLibrary


@pytest.fixture
def settings(shaoguan_library: PeerLibrary, settings: Settings) -> Settings:
    return settings.model_copy(update={"run_worker": False})


async def test_only_a_secondary_venues_condition_is_offered_to_the_other_library(
        shaoguan_library: PeerLibrary, client: TestClient, api: Api, demo: dict) -> None:
    aid, token = await prepared(api, demo, total=3, planned=[1], regions=("4401",),
                                submitted=False)
    shown = (await api.call("GET", f"/draws/activities/{aid}", token)).data
    main = shown["notices"][0]
    at_main = shown["conditions"][0]["id"]
    added = await api.call("POST", f"/draws/activities/{aid}/notices", token, {
        "venue": "韶关市公共资源交易中心", "city": "韶关市", "district": "武江区",
        "street": "沿江路16号", "room": "3楼", "contact_name": "刘敏",
        "contact_phone": "0751-8888888", "gather_at": main["gather_at"], "role": "secondary"})
    assert added.status == 200, added.data
    secondary = next(n for n in added.data["notices"] if n["id"] != main["id"])
    made = await api.call("POST", f"/draws/activities/{aid}/conditions", token, {
        "notice_id": secondary["id"], "regions": ["440200"], "region_mode": "residence",
        "main_specialty": "A0401", "planned": 2})
    assert made.status == 200, made.data
    at_secondary = next(c["id"] for c in made.data["conditions"] if c["id"] != at_main)
    # the desk offers 韶关's library for the 副场's condition only
    desk = Desk(client)
    await desk.sign_in(demo["handler"].phone)
    _, page = await desk.get(f"/console/activities/{aid}")
    assert f'data-testid="peer-code-{at_secondary}"' in page
    assert f'data-testid="peer-code-{at_main}"' not in page
    # and the 主场's, asked for all the same, is refused in words
    refused = await api.call("PUT", f"/draws/activities/{aid}/conditions/{at_main}/peer",
                             token, {"peer_code": "440200"})
    assert refused.status == 409 and "主场的专家由本库抽取" in refused.message
    assert "副场" in refused.message
    picked = await api.call("PUT", f"/draws/activities/{aid}/conditions/{at_secondary}/peer",
                            token, {"peer_code": "440200"})
    assert picked.status == 200, picked.data
    said = {c["id"]: c["peer"] for c in picked.data["conditions"]}
    assert said[at_main] is None and said[at_secondary]["said"].startswith("由韶关市评标专家库抽取")
