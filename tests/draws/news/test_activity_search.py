"""The agency's activity list (GD-DRAW lists activities by 名称 / 编号 / 地区 /
状态 / 类型 with numbers such as CQSQ…): searched and filtered by the server, paged newest
first, each activity with a number people can read out and type back."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from models.draws import DrawActivity, Project
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.draw_world import prepared


async def three(api: Api, demo: dict) -> tuple[list[int], str]:
    made = []
    for name, submitted in (("某区人民医院门诊楼改造工程", False),
                            ("某市第一中学教学楼新建工程", True), ("某县自来水厂扩建工程", True)):
        aid, token = await prepared(api, demo, total=1, verify=False, submitted=submitted)
        activity = await DrawActivity.get(id=aid)
        await Project.filter(id=activity.project_id).update(name=name)
        made.append(aid)
    return made, token


async def test_activities_are_searched_filtered_and_paged_by_the_server(
        api: Api, client: TestClient, demo: dict) -> None:
    (hospital, school, water), token = await three(api, demo)

    async def ids(**query: object) -> tuple[list[int], int | None]:
        listed = await api.call("GET", "/draws/activities", token,
                              params={k: str(v) for k, v in query.items()})
        assert listed.status == 200, listed.data
        return [a["id"] for a in listed.data["activities"]], listed.data["next_before"]

    assert (await ids(q="门诊楼"))[0] == [hospital]
    assert (await ids(q=f"CQSQ{school:08d}"))[0] == [school]  # the number as printed
    assert (await ids(q=f"cqne{school}"))[0] == [school]  # any of GD-DRAW's prefixes
    assert (await ids(status="draft"))[0] == [hospital]
    assert (await ids(status="submitted"))[0] == [water, school]
    assert (await ids(region="4401"))[0] == [water, school, hospital]
    assert (await ids(region="4403"))[0] == []
    assert (await ids(q="50%"))[0] == []  # a wildcard typed is a character searched
    first, following = await ids(limit=2)
    assert first == [water, school] and following == school
    assert (await ids(limit=2, before=following)) == ([hospital], None)
    refused = await api.call("GET", "/draws/activities", token, params={"region": "广州"})
    assert refused.status == 422 and refused.data["fields"][0]["field"] == "region"
    # the console: the filters in a form, the number shown, the next page linked
    desk = Desk(client)
    assert (await desk.sign_in(demo["handler"].phone)).status == 303
    _, page = await desk.get("/console/activities?q=%E8%87%AA%E6%9D%A5%E6%B0%B4")  # 自来水
    assert f'data-testid="activity-{water}"' in page and f"CQSQ{water:08d}" in page
    assert f'data-testid="activity-{school}"' not in page
    assert 'value="自来水"' in page  # the search stays in its box
    _, page = await desk.get("/console/activities?status=draft")
    assert f'data-testid="activity-{hospital}"' in page and 'data-testid="next-page"' not in page


async def test_activities_are_found_by_their_name_in_the_api_and_at_the_desk(
        api: Api, client: TestClient, demo: dict) -> None:
    """GD-DRAW's list searches by 活动名称 (a field of its own beside 活动编号 and 项目名称):
    the name typed on the activity's form is shown in the list and searched."""
    named = {}
    for name in ("门诊楼改造工程(一标段)", "教学楼新建工程(二标段)"):
        aid, token = await prepared(api, demo, total=1, verify=False, submitted=False)
        edited = await api.call("PUT", f"/draws/activities/{aid}", token, {"name": name})
        assert edited.status == 200 and edited.data["name"] == name, edited.data
        named[name] = aid
    hospital, school = named.values()
    found = await api.call("GET", "/draws/activities", token, params={"name": "门诊楼"})
    assert found.status == 200, found.data
    assert [(a["id"], a["name"]) for a in found.data["activities"]] == [
        (hospital, "门诊楼改造工程(一标段)")]
    both = await api.call("GET", "/draws/activities", token, params={"name": "工程("})
    assert [a["id"] for a in both.data["activities"]] == [school, hospital]
    # the project's name is not the activity's: it is searched with q, not with name
    assert (await api.call("GET", "/draws/activities", token,
                           params={"name": "第一中学"})).data["activities"] == []
    desk = Desk(client)
    assert (await desk.sign_in(demo["handler"].phone)).status == 303
    _, page = await desk.get("/console/activities?name=%E6%95%99%E5%AD%A6%E6%A5%BC")  # 教学楼
    assert f'data-testid="activity-{school}"' in page and "教学楼新建工程(二标段)" in page
    assert f'data-testid="activity-{hospital}"' not in page
    assert 'value="教学楼"' in page and "活动名称" in page
