"""Scores back from the evaluation system (docs/evaluation-systems.md): a table checked
whole and kept once, sealed; what stands out — a deviation from the committee's median, an
objective score that differs — proposed on the expert's record with its numbers; the agency
confirms or dismisses each with a reason, a confirmed one marks the record, and the expert
reads why; events at the venue the same way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient
from tortoise import connections

from config.settings import Settings
from models.draws import DrawActivity
from models.evaluation.scores import RecordProposal, ScoreTable
from models.performance import PerformanceRecord
from tests.support.api import Api
from tests.support.evaluation import BIDDERS, end, evaluated, table
from tests.support.performance import mini_token
from tests.support.wechat import Chat


async def test_a_table_is_checked_whole_kept_once_and_refused_with_nothing_kept(
        client: TestClient, settings: Settings, api: Api, chat: Chat, demo: dict) -> None:
    aid, _, served, system = await evaluated(client, api, chat, demo, 4800)
    codes = [str(i.code) for i in served]
    path = f"/evaluation/v1/activities/{aid}"
    no_bidders = await system.refused("POST", f"{path}/scores", table(codes))
    assert no_bidders.reason == "no_bidders"
    assert (await system.call("PUT", f"{path}/bidders",
                              {"bidders": BIDDERS}))["bidders"] == 3
    started = (await DrawActivity.get(id=aid)).eval_start
    await DrawActivity.filter(id=aid).update(eval_start=datetime.now(UTC) + timedelta(
        minutes=20))  # unsealed, not begun
    early = await system.refused("POST", f"{path}/scores", table(codes))
    assert early.reason == "not_started" and "尚未开始" in early.message
    assert early.status == 409  # a state, as the contract says: to be tried again later
    await DrawActivity.filter(id=aid).update(eval_start=started)
    await end(aid)
    hostile = [
        (table([*codes[:2], "99999999"]), "not_member"),  # someone not on the committee
        ({**table(codes), "scores": [*table(codes)["scores"], {
            "expert": codes[0], "bidder": "91440101MA5B000099", "criterion": "C1",
            "value": 1}]}, "not_bidder"),
        (table(codes, {(0, BIDDERS[0]["key"], "C1"): 41}), "out_of_range"),
        (table(codes, {(0, BIDDERS[0]["key"], "C1"): 12.345}), "bad_field"),
        ({**table(codes), "scores": table(codes)["scores"][1:]}, "incomplete"),
        ({**table(codes), "scores": [*table(codes)["scores"], table(codes)["scores"][0]]},
         "duplicate"),
    ]
    for body, reason in hostile:
        refused = await system.refused("POST", f"{path}/scores", body)
        assert refused.reason == reason, (reason, refused)
        assert refused.message and "未保存" in refused.message
    assert await ScoreTable.filter(activity_id=aid).count() == 0
    assert await RecordProposal.filter(activity_id=aid).count() == 0
    kept = await system.call("POST", f"{path}/scores", table(codes))
    assert kept == {"table_id": "T-1", "kept": True, "replayed": False, "experts": 3,
                    "bidders": 3, "proposals": 0}  # an honest committee: nothing proposed
    replay = await system.call("POST", f"{path}/scores", table(codes))
    assert replay["replayed"] is True
    other = await system.refused("POST", f"{path}/scores",
                                 table(codes, {(0, BIDDERS[0]["key"], "C1"): 20}, "T-2"))
    assert other.reason == "scored_twice" and "T-1" in other.message
    stored = await ScoreTable.get(activity_id=aid)
    raw = await connections.get("default").execute_query_dict(
        f"SELECT scores FROM evaluation_score_table WHERE id = {stored.id}")
    assert "sm4:" in str(raw[0]["scores"]) and codes[0] not in str(raw[0]["scores"])
    assert codes[0] in stored.scores["rows"]  # opened as the row is read
    late_bidders = await system.refused("PUT", f"{path}/bidders",
                                        {"bidders": BIDDERS})
    assert late_bidders.reason == "bidders_closed"


async def test_a_deviation_is_proposed_decided_with_a_reason_and_read_by_the_expert(
        client: TestClient, settings: Settings, api: Api, chat: Chat, demo: dict) -> None:
    aid, token, served, system = await evaluated(client, api, chat, demo, 4900)
    codes = [str(i.code) for i in served]
    path = f"/evaluation/v1/activities/{aid}"
    await system.call("PUT", f"{path}/bidders", {"bidders": BIDDERS})
    await end(aid)
    # the third expert gives 甲 38 of 40 on the subjective C1 (the others 30): 8 points,
    # 20 % of C1's maximum and 8 % of the total's; the second mistypes an objective score
    kept = await system.call("POST", f"{path}/scores", table(codes, {
        (2, BIDDERS[0]["key"], "C1"): 38, (1, BIDDERS[1]["key"], "C2"): 51}))
    assert kept["proposals"] == 2
    listed = (await api.call("GET", f"/draws/activities/{aid}/performance/proposals",
                             token)).data["proposals"]
    by_kind = {p["kind"]: p for p in listed}
    deviation, objective = by_kind["deviation"], by_kind["objective"]
    assert deviation["invitation_id"] == served[2].id
    assert "广州甲建设有限公司的技术方案评 38 分，委员会中位数 30 分" in deviation["explanation"]
    assert "偏离 20.0%" in deviation["explanation"] and "偏离 8.0%" in deviation["explanation"]
    assert deviation["status_title"] == "待确认" and deviation["mark"] == "tbl71-3"
    assert objective["invitation_id"] == served[1].id and "51" in objective["explanation"]
    # no reason, no decision
    bare = await api.call("POST", f"/draws/activities/{aid}/performance/proposals/"
                          f"{deviation['id']}/decision", token, {"confirm": True, "reason": ""})
    assert bare.status == 400 and "理由" in bare.message
    confirmed = await api.call("POST", f"/draws/activities/{aid}/performance/proposals/"
                               f"{deviation['id']}/decision", token,
                               {"confirm": True, "reason": "评分依据与评标办法不符，经复核属实"})
    assert confirmed.status == 200, confirmed.data
    dismissed = await api.call("POST", f"/draws/activities/{aid}/performance/proposals/"
                               f"{objective['id']}/decision", token,
                               {"confirm": False, "reason": "录入错误，评标现场已更正"})
    assert dismissed.status == 200
    twice = await api.call("POST", f"/draws/activities/{aid}/performance/proposals/"
                           f"{objective['id']}/decision", token,
                           {"confirm": True, "reason": "再次处理"})
    assert twice.status == 409
    # the record the agency then writes carries the confirmed item, ticked or not
    for item in served:
        recorded = await api.call("PUT", f"/draws/activities/{aid}/performance/{item.id}",
                                  token, {"score": 90, "conduct": []})
        assert recorded.status == 200, recorded.data
    records = {r.invitation_id: r for r in await PerformanceRecord.filter(activity_id=aid)}
    assert records[served[2].id].conduct == ["tbl71-3"]
    assert records[served[1].id].conduct == [] and records[served[0].id].conduct == []
    # the expert reads why, and may reply as to any record
    expert = await mini_token(api, served[2].person_id)
    mine = (await api.call("GET", "/me/performance/proposals", expert)).data["proposals"]
    assert [p["id"] for p in mine] == [deviation["id"]]
    assert "经复核属实" in mine[0]["reason"] and "偏离 20.0%" in mine[0]["explanation"]
    assert mine[0]["mark_title"] == "不按照招标文件规定的评标标准和方法评标"
    own = (await api.call("GET", "/me/performance", expert)).data["records"]
    assert [c["code"] for c in own[0]["conduct"]] == ["tbl71-3"]
    others = await mini_token(api, served[1].person_id)
    assert (await api.call("GET", "/me/performance/proposals", others)).data["proposals"] == []


async def test_an_event_at_the_venue_is_applied_once_and_marks_the_record_when_confirmed(
        client: TestClient, settings: Settings, api: Api, chat: Chat, demo: dict) -> None:
    aid, token, served, system = await evaluated(client, api, chat, demo, 5000)
    path = f"/evaluation/v1/activities/{aid}"
    late = {"event_id": "E-1", "expert": served[0].code, "kind": "late",
            "at": datetime.now(UTC).isoformat(), "note": "迟到25分钟"}
    assert (await system.call("POST", f"{path}/events", late))[
        "replayed"] is False
    assert (await system.call("POST", f"{path}/events", late))[
        "replayed"] is True
    stranger = await system.refused("POST", f"{path}/events",
                                    {**late, "event_id": "E-2", "expert": "99999999"})
    assert stranger.reason == "not_member"
    vague = await system.refused("POST", f"{path}/events",
                                 {**late, "event_id": "E-3", "kind": "other", "note": ""})
    assert vague.reason == "bad_field"
    await end(aid)
    recorded = await api.call("PUT", f"/draws/activities/{aid}/performance/{served[0].id}",
                              token, {"score": 85})
    assert recorded.status == 200
    listed = (await api.call("GET", f"/draws/activities/{aid}/performance/proposals",
                             token)).data["proposals"]
    assert len(listed) == 1 and "迟到" in listed[0]["explanation"]
    assert "迟到25分钟" in listed[0]["explanation"]
    decided = await api.call("POST", f"/draws/activities/{aid}/performance/proposals/"
                             f"{listed[0]['id']}/decision", token,
                             {"confirm": True, "reason": "现场签到记录属实"})
    assert decided.status == 200, decided.data
    record = await PerformanceRecord.get(invitation_id=served[0].id)
    assert record.late is True and record.score == 85  # marked on the record written before
