"""Absence is part of the record : an expert registered absent (GD-DRAW: "登记专家
缺席原因并提交缺席登记") costs credit by the administrator's rule from the registration on,
undone with it, and the agency's performance record (CK-198: "评审活动结束后5个工作日内……记录
评审专家的职责履行情况") names the registered absence. Over real HTTP and chat, with the
seed's timing: the absence registered after the gathering time's urging window (GD-DRAW:
"集合时间至集合时间后 30 分钟" for urges), the record after the evaluation ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.draws import DrawActivity
from sandbox.app import sync_followers
from tests.support.api import Api
from tests.support.draw_world import (
    finish,
    make_experts,
    openid_of,
    prepared,
    start_draw,
    the_evaluation_starts_now,
)
from tests.support.performance import mini_token
from tests.support.wechat import Chat


async def credit_of(api: Api, token: str) -> tuple[int, str, int]:
    got = (await api.call("GET", "/expert/credit", token)).data
    return got["score"], got["level"], got["absences"]


async def test_a_no_show_is_registered_recorded_and_moves_the_credit_by_the_rule(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    await make_experts(client, 3, first=4200, specialty="A0802")
    await sync_followers(api.platform)
    aid, token = await prepared(api, demo, total=2, specialty="A0802")
    assert (await start_draw(api, token, aid)).status == 200
    came, stayed_away = await finish(chat, aid)
    expert = await mini_token(api, stayed_away.person_id)
    admin = await api.login(demo["admin"].mp_openid)
    assert await credit_of(api, expert) == (100, "A", 0)

    # the evaluation began; the urging window after the gathering time has closed: the
    # agency registers the no-show by the verification code it reads on the results
    now = datetime.now(UTC)
    await the_evaluation_starts_now(aid, now)
    registered = await api.call("POST", f"/draws/activities/{aid}/absences", token,
                                {"key": stayed_away.code, "kind": "缺席"})
    assert registered.status == 200, registered.data
    # the default rule: 20 points a registered 缺席
    assert await credit_of(api, expert) == (80, "B", 1)
    history = (await api.call("GET", "/expert/credit", expert)).data["history"]
    assert history[0]["cause"] == "缺席登记或撤销"
    # registered by mistake and undone: the credit is whole again; then registered for good
    assert (await api.call("POST", f"/draws/activities/{aid}/absences/{stayed_away.id}/undo",
                           token, {"reason": "登记错了专家"})).status == 200
    assert await credit_of(api, expert) == (100, "A", 0)
    assert (await api.call("POST", f"/draws/activities/{aid}/absences", token,
                           {"key": stayed_away.code, "kind": "缺席"})).status == 200
    assert await credit_of(api, expert) == (80, "B", 1)

    # the evaluation ends; the sheet lists the absent expert with the registered reason
    ended = datetime.now(UTC) - timedelta(minutes=5)
    await DrawActivity.filter(id=aid).update(eval_end=ended, finished_at=ended)
    sheet = await api.call("GET", f"/draws/activities/{aid}/performance", token)
    assert sheet.status == 200, sheet.data
    rows = {e["invitation_id"]: e for e in sheet.data["experts"]}
    assert (rows[came.id]["absence"], rows[stayed_away.id]["absence"]) == (None, "缺席")
    assert sheet.data["evaluation"]["served"] == 2

    # the agency records the no-show: a comment, no score, the record names 缺席
    made = await api.call("PUT", f"/draws/activities/{aid}/performance/{stayed_away.id}",
                          token, {"comment": "未到场，未提前请假，电话未接通"})
    assert made.status == 200, made.data
    record = next(e for e in made.data["experts"]
                  if e["invitation_id"] == stayed_away.id)["record"]
    assert (record["attendance"], record["absence"], record["score"]) == (
        "未到场（缺席）", "缺席", None)
    # the expert who came still needs a score
    unscored = await api.call("PUT", f"/draws/activities/{aid}/performance/{came.id}",
                              token, {"comment": "认真"})
    assert unscored.status == 400 and "请填写评分" in unscored.message
    # the expert reads it in chat; the record does not count the absence a second time
    said = (await chat.say(await openid_of(stayed_away.person_id), "我的履职记录")).text
    assert "到场：未到场（缺席）" in said and "评分" not in said.split("到场：未到场")[1][:8]
    assert await credit_of(api, expert) == (80, "B", 1)
    standing = (await chat.say(await openid_of(stayed_away.person_id), "我的信用")).text
    assert "我的信用分：80 分，等级 B" in standing and "缺席或请假登记 1 次" in standing

    # the administrator's rule: 30 points a 缺席 from now on, recomputed at once
    assert (await api.call("PUT", "/admin/credit-rule", admin, {"absence_points": 30})
            ).status == 200
    assert await credit_of(api, expert) == (70, "C", 1)
    rule = (await api.call("GET", "/admin/credit-rule", admin)).data
    assert (rule["absence_points"], rule["leave_points"]) == (30, 0)

    # the expert says they came and disputes it: the absence waits for the review
    mine = (await api.call("GET", "/me/performance", expert)).data["records"]
    assert [r["attendance"] for r in mine] == ["未到场（缺席）"]
    assert (await api.call("POST", f"/me/performance/{mine[0]['id']}/reply", expert, {
        "text": "当天到场后因身份核验排队，并非缺席", "dispute": True})).status == 200
    assert await credit_of(api, expert) == (100, "A", 0)
    # kept by the administrator: it counts again
    kept = await api.call("POST", f"/admin/performance/{mine[0]['id']}/review", admin, {
        "outcome": "kept", "review_note": "场地签到记录显示未到场，维持"})
    assert kept.status == 200, kept.data
    assert await credit_of(api, expert) == (70, "C", 1)
