"""The committee an activity draws for: the agency records its size and the tenderer's
representatives; the experts to draw are the rest (GD-DRAW: "如评标委员会由5人组成，省专家库中
抽取专家4人，则所需专家人数填4人"); a committee the law does not allow (TBL-37, GPL-87, GPL-74,
CK-214) is refused in words naming the article — at saving, at the verifier's approval and at
a 重新抽取 — and an activity made before the committee was recorded is not refused for it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.draws import Condition, DrawActivity
from models.federated_draws import PeerAsk
from tests.support.api import Api
from tests.support.draw_world import (
    ACTIVITY_FORM,
    PROJECT_FORM,
    finish,
    make_experts,
    prepared,
    start_draw,
    submit,
    the_results_unseal,
)
from tests.support.wechat import Chat

FIVE_OF_WHICH_ONE = "评标委员会 5 人：招标人代表 1 人，专家 4 人（本库抽取 4 人）"


async def a_project(api: Api, token: str, **form: object) -> dict:
    now = datetime.now(UTC)
    made = await api.call("POST", "/draws/projects", token, {
        "name": "某区政府采购项目", "number": f"CG-{now.timestamp():.6f}", **PROJECT_FORM,
        "tenderer_name": "某区教育局", "tenderer_credit_code": "11440100007502376X",
        **form})
    assert made.status == 200, made.data
    return made.data


def activity_body(project: dict, **committee: object) -> dict:
    start = datetime.now(UTC) + timedelta(days=3)
    return {**ACTIVITY_FORM, "project_id": project["id"],
            "section_ids": [project["sections"][0]["id"]],
            "bid_open_at": (start - timedelta(hours=1)).isoformat(),
            "eval_start": start.isoformat(), "eval_end": (start + timedelta(hours=6)).isoformat(),
            **committee}


async def test_the_committee_decides_how_many_experts_are_drawn_and_the_law_its_size(
        api: Api, demo: dict) -> None:
    token = await api.login(demo["handler"].mp_openid)
    project = await a_project(api, token)
    four = await api.call("POST", "/draws/activities", token,
                          activity_body(project, committee_size=4, representatives=1))
    assert four.status == 400
    assert four.message == ("评标委员会成员人数应为五人以上单数（招标投标法第三十七条），"
                            "现为 4 人。请改为 5、7、9 等人数后再保存。")
    two_representatives = await api.call("POST", "/draws/activities", token, activity_body(
        project, committee_size=5, representatives=2))
    assert two_representatives.status == 400
    assert "专家不得少于成员总数的三分之二（招标投标法第三十七条）" in two_representatives.message
    assert "招标人代表至多 1 人" in two_representatives.message
    mismatch = await api.call("POST", "/draws/activities", token, activity_body(
        project, committee_size=5, representatives=1, total=5))
    assert mismatch.status == 400 and "5 − 1 = 4 人，现填 5 人" in mismatch.message
    neither = await api.call("POST", "/draws/activities", token, activity_body(project))
    assert neither.status == 400 and "委员会人数和代表人数" in neither.message
    assert await DrawActivity.filter(project_id=project["id"]).count() == 0  # nothing made
    made = await api.call("POST", "/draws/activities", token, activity_body(
        project, committee_size=5, representatives=1))
    assert made.status == 200, made.data
    assert (made.data["total"], made.data["committee"]) == (4, FIVE_OF_WHICH_ONE)
    # a draft's committee is changed with its experts; the experts alone must follow it
    aid = made.data["id"]
    alone = await api.call("PUT", f"/draws/activities/{aid}", token, {"total": 5})
    assert alone.status == 400 and "委员会人数减去代表人数" in alone.message
    seven = await api.call("PUT", f"/draws/activities/{aid}", token,
                           {"committee_size": 7, "representatives": 2})
    assert seven.status == 200, seven.data
    assert seven.data["total"] == 5
    assert seven.data["committee"] == "评标委员会 7 人：招标人代表 2 人，专家 5 人（本库抽取 5 人）"


async def test_government_procurement_asks_seven_when_the_agency_ticks_a_listed_case(
        api: Api, demo: dict) -> None:
    token = await api.login(demo["handler"].mp_openid)
    goods = await a_project(api, token, kind="政府采购/货物")
    big = await api.call("POST", "/draws/activities", token, activity_body(
        goods, committee_size=5, representatives=1, committee_cases=["budget"]))
    assert big.status == 400
    assert big.message.startswith(
        "评标委员会成员人数应为七人以上单数（政府采购货物和服务招标投标管理办法第四十七条，"
        "本项目采购预算金额在1000万元以上），现为 5 人")
    unknown = await api.call("POST", "/draws/activities", token, activity_body(
        goods, committee_size=7, representatives=1, committee_cases=["huge"]))
    assert unknown.status == 400 and unknown.message.startswith(
        "没有“huge”这一情形。可勾选的情形：采购预算金额在1000万元以上（budget）、技术复杂（complex）")
    made = await api.call("POST", "/draws/activities", token, activity_body(
        goods, committee_size=7, representatives=1, committee_cases=["budget"]))
    assert made.status == 200 and made.data["committee"].startswith("评标委员会 7 人：采购人代表")
    talks = await a_project(api, token, kind="政府采购/服务", tender_method="竞争性谈判")
    three = await api.call("POST", "/draws/activities", token, activity_body(
        talks, committee_size=3, representatives=1))
    assert three.status == 200, three.data
    assert three.data["committee"] == "谈判小组 3 人：采购人代表 1 人，专家 2 人（本库抽取 2 人）"


async def test_the_verifier_cannot_approve_a_committee_the_law_does_not_allow(
        api: Api, client: TestClient, demo: dict) -> None:
    await make_experts(client, 8)
    aid, _ = await prepared(api, demo, total=4, committee=(5, 1), verify=False)
    verifier = await api.login(demo["verifier"].mp_openid)
    queue = (await api.call("GET", "/verify/activities", verifier)).data["activities"]
    assert next(a for a in queue if a["id"] == aid)["committee"] == FIVE_OF_WHICH_ONE
    # a committee an older client wrote past the rule (two of five are representatives)
    await DrawActivity.filter(id=aid).update(representatives=2, total=3)
    refused = await api.call("POST", f"/verify/activities/{aid}", verifier,
                             {"approve": True, "small_pool_ok": True})
    assert refused.status == 409
    assert refused.message.startswith("不能通过核验：评标委员会中专家不得少于成员总数的三分之二"
                                      "（招标投标法第三十七条）")
    assert "请退回申请并写明原因" in refused.message
    assert (await DrawActivity.get(id=aid)).status == "submitted"
    # an activity made before the committee was recorded is not refused for it
    legacy, _ = await prepared(api, demo, total=2, verify=False)
    await DrawActivity.filter(id=legacy).update(committee_size=None, representatives=None)
    queue = (await api.call("GET", "/verify/activities", verifier)).data["activities"]
    assert next(a for a in queue if a["id"] == legacy)["committee"].startswith("委员会组成未登记")
    approved = await api.call("POST", f"/verify/activities/{legacy}", verifier,
                              {"approve": True, "small_pool_ok": True})
    assert approved.status == 200, approved.data


async def test_a_redraw_keeps_or_records_anew_a_lawful_committee(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    await make_experts(client, 12)
    aid, token = await prepared(api, demo, total=4, committee=(5, 1))
    assert (await start_draw(api, token, aid)).status == 200
    await finish(chat, aid)
    # the printed record carries the committee, beside the experts drawn for it
    await the_results_unseal(aid, datetime.now(UTC))
    link = (await api.call("GET", f"/draws/activities/{aid}/result-page", token)).data["url"]
    printed = await (await client.get(link[link.index("/draws/"):])).text()
    assert FIVE_OF_WHICH_ONE in printed
    start = datetime.now(UTC) + timedelta(days=4)
    times = {"bid_open_at": (start - timedelta(hours=1)).isoformat(),
             "eval_start": start.isoformat(), "eval_end": (start + timedelta(hours=4)).isoformat()}
    four = await api.call("POST", f"/draws/activities/{aid}/redraw", token,
                          {**times, "committee_size": 4, "representatives": 0})
    assert four.status == 400 and "五人以上单数（招标投标法第三十七条）" in four.message
    assert not await DrawActivity.filter(parent_id=aid).exists()  # nothing made
    seven = await api.call("POST", f"/draws/activities/{aid}/redraw", token,
                           {**times, "committee_size": 7, "representatives": 2})
    assert seven.status == 200, seven.data
    assert (seven.data["total"], seven.data["committee_size"]) == (5, 7)
    # the conditions came with the original's counts: the submission says they must add up
    sent = await submit(api, token, seven.data["id"])
    assert sent.status == 400 and "与需要的专家总数 5 人不一致" in sent.message


async def test_experts_another_library_draws_are_not_counted_as_drawn_here(
        api: Api, client: TestClient, demo: dict) -> None:
    await make_experts(client, 6)
    aid, token = await prepared(api, demo, total=4, planned=[3, 1], committee=(5, 1),
                                submitted=False)
    last = await Condition.filter(activity_id=aid).order_by("-id").first()
    assert last is not None and last.planned == 1
    # the 副场's condition, drawn by another library (docs/federation.md)
    await PeerAsk.create(activity_id=aid, condition_id=last.id, peer_code="440200",
                         peer_name="韶关市评标专家库", request_id=f"ask-{aid}")
    shown = await api.call("GET", f"/draws/activities/{aid}", token)
    assert shown.data["committee"] == ("评标委员会 5 人：招标人代表 1 人，专家 4 人"
                                       "（本库抽取 3 人）")
