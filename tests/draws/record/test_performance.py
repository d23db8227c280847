"""Performance records, over real HTTP and chat as the agency, the expert and
the administrator use them. CK-198 (财库〔2016〕198号): "采购人或者采购代理机构应当于评审活动
结束后5个工作日内……记录评审专家的职责履行情况"; the expert "可以……查询本人职责履行情况记录，
并就有关情况作出说明". TBL-REG (招标投标法实施条例) Art. 71–72: the offences the agency
ticks, in the regulation's words."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.people import Agency, RoleGrant
from sandbox.platform import Platform
from services.common.clock import CHINA
from services.demo_codes import demo_credit_code
from services.standing.conduct import deadline
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.draw_world import make_experts, openid_of
from tests.support.helpers import eventually
from tests.support.performance import LATE_AND_AWAY, ended_evaluation, mini_token
from tests.support.wechat import Chat


def delivered(platform: Platform, openid: str) -> str:
    """Everything the platform delivered to this follower, as text."""
    return " ".join(json.dumps(s.payload, ensure_ascii=False) for s in platform.sent
                    if s.openid == openid)


async def test_the_agency_records_a_late_arrival_and_an_offence_the_expert_replies_and_an_administrator_reviews(  # noqa: E501
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform) -> None:
    """CK-198: the agency records each expert's performance after the review (评审活动结束后
    5个工作日内记录评审专家的职责履行情况); the expert may read it and explain (查询本人职责
    履行情况记录，并就有关情况作出说明); TBL-REG Art. 71 (二): 擅离职守. The issue: "the
    expert is told, reads it in the mini-program and by chat, and may reply (说明) once; an
    administrator reviews disputed records"."""
    aid, token, served = await ended_evaluation(api, chat, client, demo)
    sheet = await api.call("GET", f"/draws/activities/{aid}/performance", token)
    assert sheet.status == 200, sheet.data
    assert sheet.data["evaluation"]["open"] is True
    assert [e["record"] for e in sheet.data["experts"]] == [None, None]
    names = [i["name"] for i in sheet.data["items"]]
    assert "擅离职守" in names and "收受投标人的财物或者其他好处" in names
    assert "应当回避而不回避" in names  # Art. 71 (一), the regulation's words
    listed = await api.call("GET", "/draws/performance", token)
    assert [(e["id"], e["served"], e["recorded"]) for e in listed.data["evaluations"]] == [
        (aid, 2, 0)]

    first, second = served
    made = await api.call("PUT", f"/draws/activities/{aid}/performance/{first.id}", token,
                          LATE_AND_AWAY)
    assert made.status == 200, made.data
    row = next(e for e in made.data["experts"] if e["invitation_id"] == first.id)
    assert row["record"]["attendance"] == "迟到"
    assert [c["name"] for c in row["record"]["conduct"]] == ["擅离职守"]
    assert row["record"]["conduct"][0]["article"] == "招标投标法实施条例第七十一条第（二）项"
    # the expert is told, through the platform
    openid = await openid_of(first.person_id)
    await eventually(lambda: "擅离职守" in delivered(platform, openid))
    assert "迟到" in delivered(platform, openid)

    # reads it in chat and in the mini-program
    said = (await chat.say(openid, "我的履职记录")).text
    assert "到场：迟到" in said and "擅离职守" in said and "评分：70" in said
    assert "小程序" in said  # where the reply is written
    expert = await mini_token(api, first.person_id)
    mine = await api.call("GET", "/me/performance", expert)
    assert mine.status == 200
    (record,) = mine.data["records"]
    assert record["comment"] == LATE_AND_AWAY["comment"] and record["reply"] is None

    # replies once, disputing it; a second reply is refused in words
    replied = await api.call("POST", f"/me/performance/{record['id']}/reply", expert, {
        "text": "当天因地铁故障迟到，已提前电话告知代理机构；"
                "评审中离开是经评标委员会同意去补交身份材料",
        "dispute": True})
    assert replied.status == 200, replied.data
    assert replied.data["records"][0]["disputed"] is True
    again = await api.call("POST", f"/me/performance/{record['id']}/reply", expert,
                           {"text": "补充说明", "dispute": True})
    assert again.status == 409 and "每条记录只能说明一次" in again.message
    # the record the expert answered can no longer be changed by the agency
    edit = await api.call("PUT", f"/draws/activities/{aid}/performance/{first.id}", token,
                          {**LATE_AND_AWAY, "score": 60})
    assert edit.status == 409 and "联系系统管理员" in edit.message

    # the administrator reviews the disputed record and corrects it
    admin = await api.login(demo["admin"].mp_openid)
    queue = await api.call("GET", "/admin/performance/disputed", admin)
    assert [r["id"] for r in queue.data["waiting"]] == [record["id"]]
    assert queue.data["waiting"][0]["reply"].startswith("当天因地铁故障迟到")
    desk = Desk(client)  # the administrator's home counts it
    await desk.sign_in(demo["admin"].phone)
    assert "<b>1</b>待复核的履职记录异议" in (await desk.get("/console/home"))[1]
    refused = await api.call("POST", f"/admin/performance/{record['id']}/review", admin,
                             {"outcome": "corrected", "review_note": "经核实离开系经同意"})
    assert refused.status == 400 and "更正后的" in refused.message
    reviewed = await api.call("POST", f"/admin/performance/{record['id']}/review", admin, {
        "outcome": "corrected", "review_note": "经核实，离开评标室系经评标委员会同意，撤销擅离职守",
        "correction": {"late": True, "conduct": [], "score": 85,
                       "comment": LATE_AND_AWAY["comment"]}})
    assert reviewed.status == 200, reviewed.data
    assert reviewed.data["waiting"] == []
    assert reviewed.data["reviewed"][0]["review_title"] == "已更正记录"
    # the expert is told
    await eventually(lambda: "已更正记录" in delivered(platform, openid))
    said = (await chat.say(openid, "我的履职记录")).text
    assert "复核结果：已更正记录" in said and "履职问题：无" in said and "评分：85" in said
    # the agency's changes and the review are in the activity's log
    log = await api.call("GET", f"/draws/activities/{aid}/log", token)
    assert "记录专家履职情况" in json.dumps(log.data, ensure_ascii=False)
    assert "复核专家履职记录" in json.dumps(log.data, ensure_ascii=False)
    # the second expert, on time, recorded too
    ok = await api.call("PUT", f"/draws/activities/{aid}/performance/{second.id}", token,
                        {"score": 95})
    assert ok.status == 200
    assert next(e for e in ok.data["experts"] if e["invitation_id"] == second.id)[
        "record"]["attendance"] == "准时"


async def test_a_record_after_the_deadline_is_refused(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """CK-198: the record is made 评审活动结束后5个工作日内; after that the agency is told it
    is too late and to ask an administrator."""
    aid, token, served = await ended_evaluation(api, chat, client, demo,
                                                ended_ago=timedelta(days=10))
    sheet = await api.call("GET", f"/draws/activities/{aid}/performance", token)
    assert sheet.data["evaluation"]["open"] is False
    late = await api.call("PUT", f"/draws/activities/{aid}/performance/{served[0].id}", token,
                          LATE_AND_AWAY)
    assert late.status == 400
    assert "5 个工作日内" in late.message and "请联系系统管理员" in late.message
    # an administrator who gives the agencies more working days opens it again
    admin = await api.login(demo["admin"].mp_openid)
    assert (await api.call("PUT", "/admin/performance/settings", admin,
                           {"deadline_days": 15})).status == 200
    again = await api.call("PUT", f"/draws/activities/{aid}/performance/{served[0].id}", token,
                           LATE_AND_AWAY)
    assert again.status == 200, again.data


def test_the_deadline_counts_working_days_in_china_time() -> None:
    """CK-198: 5个工作日 — Monday to Friday (March 2026 has no holiday); an evaluation ending on a
    Friday evening (China time) may be recorded until the next Friday ends."""
    friday_evening = datetime(2026, 3, 6, 20, 0, tzinfo=CHINA)  # 12:00 UTC
    assert deadline(friday_evening.astimezone(UTC), 5) == datetime(2026, 3, 14, 0, 0,
                                                                    tzinfo=CHINA)
    # 01:00 on Saturday in China is still Friday in UTC: China's calendar counts
    saturday = datetime(2026, 3, 7, 1, 0, tzinfo=CHINA)
    assert deadline(saturday.astimezone(UTC), 1) == datetime(2026, 3, 10, 0, 0, tzinfo=CHINA)


async def test_an_agency_cannot_record_another_agencys_evaluation(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """CK-198: the agency of the review records its experts' performance — no other."""
    aid, _, served = await ended_evaluation(api, chat, client, demo)
    (stranger,) = await make_experts(client, 1, first=4100, specialty="A0803")
    other = await Agency.create(name="另一家招标代理有限公司", credit_code=demo_credit_code(78))
    await RoleGrant.create(person_id=stranger.person_id, role="agency_handler", agency=other)
    token = await api.login("mp_ex_4100")
    for method, body in (("GET", None), ("PUT", LATE_AND_AWAY)):
        path = f"/draws/activities/{aid}/performance" + (
            f"/{served[0].id}" if method == "PUT" else "")
        answer = await api.call(method, path, token, body)
        assert answer.status in (403, 404), (method, answer.status, answer.data)
    listed = await api.call("GET", "/draws/performance", token)
    assert listed.data["evaluations"] == []


async def test_an_expert_cannot_read_or_answer_anothers_record(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """CK-198: the expert reads 本人 (their own) record only."""
    aid, token, (first, second) = await ended_evaluation(api, chat, client, demo)
    made = await api.call("PUT", f"/draws/activities/{aid}/performance/{first.id}", token,
                          LATE_AND_AWAY)
    record_id = next(e for e in made.data["experts"] if e["invitation_id"] == first.id)[
        "record"]["id"]
    other = await mini_token(api, second.person_id)
    assert (await api.call("GET", "/me/performance", other)).data["records"] == []
    answer = await api.call("POST", f"/me/performance/{record_id}/reply", other,
                            {"text": "不是我的", "dispute": True})
    assert answer.status == 404
    said = (await chat.say(await openid_of(second.person_id), "我的履职记录")).text
    assert "暂无履职记录" in said and "擅离职守" not in said
    # an agency's handler is no expert: the expert's list is closed to them
    assert (await api.call("GET", "/me/performance", token)).status == 403


async def test_the_administrator_keeps_the_catalogue(api: Api, demo: dict) -> None:
    """TBL-REG Art. 71–72 seed the catalogue; the administrator adds an item, deactivates one
    (no longer offered, kept by the records that chose it) and cannot delete one in use."""
    admin = await api.login(demo["admin"].mp_openid)
    listed = await api.call("GET", "/admin/conduct-items", admin)
    assert listed.data["deadline_days"] == 5
    assert len(listed.data["items"]) == 9
    added = await api.call("POST", "/admin/conduct-items", admin, {
        "name": "评审时使用手机", "article": "本库评标纪律", "position": 95})
    assert added.status == 200
    item = next(i for i in added.data["items"] if i["name"] == "评审时使用手机")
    twice = await api.call("POST", "/admin/conduct-items", admin, {"name": "评审时使用手机"})
    assert twice.status == 409 and "已有名为" in twice.message
    off = await api.call("PUT", f"/admin/conduct-items/{item['id']}", admin, {
        "name": "评审时使用手机", "article": "本库评标纪律", "position": 95, "active": False})
    assert next(i for i in off.data["items"] if i["id"] == item["id"])["active"] is False
    gone = await api.call("DELETE", f"/admin/conduct-items/{item['id']}", admin)
    assert gone.status == 200
    handler = await api.login(demo["handler"].mp_openid)
    assert (await api.call("GET", "/admin/conduct-items", handler)).status == 403
