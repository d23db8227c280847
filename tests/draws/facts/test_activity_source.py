"""活动来源 (GD-DRAW's activity list: "活动来源 所有来源" beside 活动状态 and 活动类型): the
list filters by how an activity came — made new, a 复评 or a 重新抽取 cloned from an ended
one, or experts drawn by another library — in the API and at the desk, in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from tests.support.api import Api
from tests.support.console import Desk
from tests.support.draw_world import drawn, make_experts, prepared, the_evaluation_is_over
from tests.support.peer_library import PeerLibrary
from tests.support.wechat import Chat


async def test_the_activity_list_filters_by_how_each_activity_came(
        shaoguan_library: PeerLibrary, api: Api, chat: Chat, client: TestClient,
        demo: dict) -> None:
    await make_experts(client, 6)
    new, token = await drawn(api, chat, demo)
    await the_evaluation_is_over(new, datetime.now(UTC))
    start = datetime.now(UTC) + timedelta(days=4)
    times = {"bid_open_at": (start - timedelta(hours=1)).isoformat(),
             "eval_start": start.isoformat(), "eval_end": (start + timedelta(hours=4)).isoformat()}
    reeval = await api.call("POST", f"/draws/activities/{new}/reeval", token, times)
    redraw = await api.call("POST", f"/draws/activities/{new}/redraw", token, times)
    assert reeval.status == 200 and redraw.status == 200, (reeval.data, redraw.data)
    # a draft whose one condition 韶关's library draws: its experts come from another library
    peer, token = await prepared(api, demo, total=3, regions=("4402",), submitted=False)
    condition = (await api.call("GET", f"/draws/activities/{peer}", token)).data[
        "conditions"][0]["id"]
    assert (await api.call("PUT", f"/draws/activities/{peer}/conditions/{condition}/peer",
                           token, {"peer_code": "440200"})).status == 200
    came = {"new": new, "reeval": reeval.data["id"], "redraw": redraw.data["id"], "peer": peer}

    everything = await api.call("GET", "/draws/activities", token)
    assert everything.status == 200, everything.data
    shown = {a["id"]: (a["source"], a["source_title"]) for a in everything.data["activities"]}
    assert shown == {came["new"]: ("new", "新建"), came["reeval"]: ("reeval", "复评"),
                     came["redraw"]: ("redraw", "重新抽取"), came["peer"]: ("peer", "其他专家库")}
    for source, aid in came.items():
        listed = await api.call("GET", "/draws/activities", token, params={"source": source})
        assert [a["id"] for a in listed.data["activities"]] == [aid], source
    # with the other filters: a 复评 that is a draft
    both = await api.call("GET", "/draws/activities", token,
                          params={"source": "reeval", "status": "ended"})
    assert both.data["activities"] == []
    refused = await api.call("GET", "/draws/activities", token, params={"source": "复评"})
    assert refused.status == 422 and refused.data["fields"][0]["field"] == "source"
    # the OpenAPI document says the parameter and its values
    spec = await (await client.get("/miniapp/v1/openapi.json")).json()
    params = spec["paths"]["/draws/activities"]["get"]["parameters"]
    source_param = next(p for p in params if p["name"] == "source")
    assert "其他专家库" in source_param["description"]

    # the desk: a select of words (never a code), the choice kept, the source in each row
    desk = Desk(client)
    assert (await desk.sign_in(demo["handler"].phone)).status == 303
    _, page = await desk.get("/console/activities")
    assert "活动来源" in page and ">所有来源</option>" in page
    for word in ("新建", "复评", "重新抽取", "其他专家库"):
        assert f">{word}</option>" in page
    assert f'data-testid="activity-source-{peer}">其他专家库<' in page
    _, page = await desk.get("/console/activities?source=redraw")
    assert f'data-testid="activity-{came["redraw"]}"' in page
    assert not any(f'data-testid="activity-{aid}"' in page
                   for key, aid in came.items() if key != "redraw")
    assert '<option value="redraw" selected>重新抽取</option>' in page
