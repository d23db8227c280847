"""Preparation can be corrected until it is submitted (GD-DRAW's activity list offers 修改
and 删除 on a draft; a refused activity is edited and submitted again): a wrong condition is
fixed and the draft submitted, a draft given up frees its sections for a new activity, a
condition's preview counts the experts it matches now, and "【是否已抽专家】：选择是后需勾选
前期抽取完成项目进行当前项目的专家回避" (GD-DRAW)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.draws import Invitation, InvitationStatus
from models.experts import ExpertProfile
from tests.support.api import Api
from tests.support.draw_world import (
    ACTIVITY_FORM,
    PROJECT_FORM,
    TENDERER,
    finish,
    make_experts,
    start_draw,
    submit,
)
from tests.support.wechat import Chat


async def new_project(api: Api, token: str) -> dict:
    project = await api.call("POST", "/draws/projects", token, {
        "name": "某市第二中学改建工程", "number": f"GZ-D-{datetime.now(UTC).timestamp():.6f}",
        **PROJECT_FORM, "tenderer_name": TENDERER[0],
        "tenderer_credit_code": TENDERER[1],
        "sections": [{"number": "1", "name": "施工"}, {"number": "2", "name": "监理"}]})
    assert project.status == 200, project.data
    return project.data


async def new_activity(api: Api, token: str, project: dict, section: int, total: int,
                       **extra: object) -> dict:
    start = datetime.now(UTC) + timedelta(days=3)
    activity = await api.call("POST", "/draws/activities", token, {
        **ACTIVITY_FORM,
        "project_id": project["id"], "section_ids": [project["sections"][section]["id"]],
        "bid_open_at": (start - timedelta(hours=1)).isoformat(),
        "eval_start": start.isoformat(), "eval_end": (start + timedelta(hours=6)).isoformat(),
        "total": total, **extra})
    assert activity.status == 200, activity.data
    notice = await api.call("POST", f"/draws/activities/{activity.data['id']}/notices", token, {
        "venue": "广州公共资源交易中心", "city": "广州市", "district": "天河区",
        "street": "天润路333号", "room": "5楼", "contact_name": "陈志强",
        "contact_phone": "020-12345678", "gather_at": (start - timedelta(minutes=30)).isoformat()})
    assert notice.status == 200, notice.data
    return notice.data


CONDITION = {"regions": ["4401"], "main_specialty": "A0401"}


async def test_a_draft_is_corrected_and_submitted_and_another_cancelled_frees_its_section(
        api: Api, client: TestClient, demo: dict) -> None:
    await make_experts(client, 3)
    token = await api.login(demo["handler"].mp_openid)
    project = await new_project(api, token)
    a = await new_activity(api, token, project, 0, total=2)
    aid, notice_id = a["id"], a["notices"][0]["id"]
    # GD-DRAW: "如果当前项目已关联了抽取活动，不能修改" — a draft links it already
    renamed = await api.call("PUT", f"/draws/projects/{project['id']}", token,
                             {"tenderer_name": "某市第二中学（更正）"})
    assert renamed.status == 409 and "已关联了抽取活动" in renamed.message
    wrong = await api.call("POST", f"/draws/activities/{aid}/conditions", token,
                           {"notice_id": notice_id, **CONDITION, "planned": 3})
    condition_id = wrong.data["conditions"][0]["id"]
    refused = await submit(api, token, aid)
    assert refused.status == 400  # 3 planned, 2 needed: it never balances...
    fixed = await api.call("PUT", f"/draws/activities/{aid}/conditions/{condition_id}", token,
                           {"planned": 2})
    assert fixed.status == 200 and fixed.data["conditions"][0]["planned"] == 2  # ...until now
    # the preview counts experts, never names; two more experts, two more matches
    before = (await api.call("POST", f"/draws/activities/{aid}/preview", token,
                             CONDITION)).data["matching"]
    newcomers = await make_experts(client, 2, first=2000)
    await ExpertProfile.filter(id=newcomers[0].id).update(emergency_ok=True)
    after = await api.call("POST", f"/draws/activities/{aid}/preview", token, CONDITION)
    # and how many of them said yes to 应急 (an urgent draw invites them first)
    assert after.status == 200 and after.data == {"matching": before + 2, "willing": 1}
    # the notice and the times can still change
    moved = await api.call("PUT", f"/draws/activities/{aid}/notices/{notice_id}", token,
                           {"room": "3楼评标室", "contact_phone": "020-87654321"})
    assert moved.status == 200 and "3楼评标室" in moved.data["notices"][0]["address"]
    later = datetime.fromisoformat(a["eval_start"]) + timedelta(hours=1)
    retimed = await api.call("PUT", f"/draws/activities/{aid}", token,
                             {"eval_start": later.isoformat()})
    assert retimed.status == 200
    assert datetime.fromisoformat(retimed.data["eval_start"]) == later
    backwards = await api.call("PUT", f"/draws/activities/{aid}", token, {
        "eval_end": (later - timedelta(hours=2)).isoformat()})
    assert backwards.status == 400
    submitted = await submit(api, token, aid)
    assert submitted.status == 200 and submitted.data["status"] == "submitted"
    frozen = await api.call("PUT", f"/draws/activities/{aid}/conditions/{condition_id}", token,
                            {"planned": 1})
    assert frozen.status == 409
    assert (await api.call("PUT", f"/draws/projects/{project['id']}", token,
                           {"name": "改名"})).status == 409
    # a second draft over section 2, given up: the section is free again
    b = await new_activity(api, token, project, 1, total=1)
    in_use = await api.call("DELETE", f"/draws/projects/{project['id']}/sections/"
                                      f"{project['sections'][1]['id']}", token)
    assert in_use.status == 409
    cancelled = await api.call("POST", f"/draws/activities/{b['id']}/cancel", token)
    assert cancelled.status == 200 and cancelled.data["status_title"] == "已取消"
    c = await new_activity(api, token, project, 1, total=1)
    # a notice with conditions is not deleted under them
    cid = (await api.call("POST", f"/draws/activities/{c['id']}/conditions", token, {
        "notice_id": c["notices"][0]["id"], **CONDITION, "planned": 1})).data["conditions"][0]["id"]
    kept = await api.call("DELETE", f"/draws/activities/{c['id']}/notices/"
                                    f"{c['notices'][0]['id']}", token)
    assert kept.status == 409 and "抽取条件" in kept.message
    assert (await api.call("DELETE", f"/draws/activities/{c['id']}/conditions/{cid}",
                           token)).status == 200
    gone = await api.call("DELETE", f"/draws/activities/{c['id']}/notices/"
                                    f"{c['notices'][0]['id']}", token)
    assert gone.status == 200 and gone.data["notices"] == []
    log = (await api.call("GET", f"/draws/activities/{b['id']}/log", token)).data["entries"]
    assert [e["action"] for e in log] == ["cancel"]


async def test_experts_of_a_ticked_earlier_activity_are_avoided(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    await make_experts(client, 4)
    token = await api.login(demo["handler"].mp_openid)
    verifier = await api.login(demo["verifier"].mp_openid)
    project = await new_project(api, token)
    drawn_ids: set[int] = set()
    earlier: list[int] = []
    for section in (0, 1):
        if earlier:  # 是否已抽专家: 是, and the earlier activity ticked
            wrong = await api.call("POST", "/draws/activities", token, {
                **ACTIVITY_FORM, "project_id": project["id"],
                "section_ids": [project["sections"][1]["id"]],
                "bid_open_at": (datetime.now(UTC) + timedelta(days=2)).isoformat(), "total": 2,
                "eval_start": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
                "eval_end": (datetime.now(UTC) + timedelta(days=3, hours=6)).isoformat(),
                "avoid_drawn": True, "avoid_activity_ids": [earlier[0] + 999]})
            assert wrong.status == 400 and "前期抽取活动" in wrong.message
        activity = await new_activity(api, token, project, section, total=2,
                                      avoid_drawn=bool(earlier), avoid_activity_ids=earlier)
        aid = activity["id"]
        await api.call("POST", f"/draws/activities/{aid}/conditions", token,
                       {"notice_id": activity["notices"][0]["id"], **CONDITION, "planned": 2})
        assert (await submit(api, token, aid)).status == 200
        assert (await api.call("POST", f"/verify/activities/{aid}", verifier,
                               {"approve": True, "small_pool_ok": True})).status == 200
        started = await start_draw(api, token, aid)
        assert started.status == 200, started.data
        invited = {i.expert_id for i in await Invitation.filter(activity_id=aid)}
        assert not invited & drawn_ids  # the first activity's experts are not invited again
        confirmed = await finish(chat, aid)
        assert len(confirmed) == 2
        drawn_ids |= {i.expert_id for i in confirmed}
        earlier.append(aid)
    assert await Invitation.filter(status=InvitationStatus.CONFIRMED).count() == 4


async def test_a_project_without_a_number_is_registered(api: Api, demo: dict) -> None:
    """GD-DRAW: "非进场项目如无编号则不需要填写" — two projects with no number are two
    projects; a number given is still unique to the agency."""
    token = await api.login(demo["handler"].mp_openid)
    body = {"name": "某村道路硬化工程", **PROJECT_FORM,
            "tenderer_name": TENDERER[0], "tenderer_credit_code": TENDERER[1]}
    first = await api.call("POST", "/draws/projects", token, body)
    second = await api.call("POST", "/draws/projects", token, {**body, "number": "  "})
    assert (first.status, second.status) == (200, 200), (first.data, second.data)
    assert first.data["number"] == second.data["number"] == ""
    numbered = await api.call("POST", "/draws/projects", token, {**body, "number": "GZ-N-1"})
    again = await api.call("POST", "/draws/projects", token, {**body, "number": "GZ-N-1"})
    assert numbered.status == 200 and again.status == 409
