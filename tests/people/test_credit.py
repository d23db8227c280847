"""Experts' credit from their performance records and sanctions (招标投标法实施条例 Art. 78:
"国家建立招标投标信用制度"): a score and level per expert from the records and sanctions by
the administrator's rule, recomputed on each change with its history, shown to the expert
and the administrator. The formula and its defaults are ours
(docs/rules-that-are-ours.md)."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp.test_utils import TestClient

from models.experts import ExpertProfile
from services.common.clock import CHINA
from tests.support.api import Api
from tests.support.draw_world import openid_of
from tests.support.performance import LATE_AND_AWAY, ended_evaluation, mini_token
from tests.support.wechat import Chat


async def test_a_record_and_a_sanction_lower_the_credit_a_dispute_waits_and_the_rule_counts(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    aid, token, served = await ended_evaluation(api, chat, client, demo)
    first = served[0]
    profile = await ExpertProfile.get(id=first.expert_id)
    expert = await mini_token(api, first.person_id)
    admin = await api.login(demo["admin"].mp_openid)
    clean = await api.call("GET", "/expert/credit", expert)
    assert (clean.data["score"], clean.data["level"], clean.data["history"]) == (100, "A", [])
    # late and 擅离职守, scored 70: 70 - 10 (one item) - 2 (late) = 58, level D
    assert (await api.call("PUT", f"/draws/activities/{aid}/performance/{first.id}", token,
                           LATE_AND_AWAY)).status == 200
    after = await api.call("GET", "/expert/credit", expert)
    assert (after.data["score"], after.data["level"], after.data["records"]) == (58, "D", 1)
    # ... and it says how: the start, each deduction, the levels
    assert after.data["explanation"] == [
        "最近36个月计入的 1 条履职记录平均 70 分", "履职问题 1 项，扣 10 分",
        "迟到或早退 1 次，扣 2 分",
        "等级：90 分及以上为 A，75 分及以上为 B，60 分及以上为 C，其余为 D（分数在 0 至 100 之间）"]
    assert after.data["history"][0]["cause"] == "履职记录"
    # disputed: it waits for the review, out of the credit meanwhile
    record = (await api.call("GET", "/me/performance", expert)).data["records"][0]
    assert (await api.call("POST", f"/me/performance/{record['id']}/reply", expert, {
        "text": "迟到系地铁故障，已提前告知", "dispute": True})).status == 200
    waiting = await api.call("GET", "/expert/credit", expert)
    assert (waiting.data["score"], waiting.data["records"]) == (100, 0)
    # a warning: 100 - 10 = 90, still A; the administrator reads the same with its history
    today = datetime.now(UTC).astimezone(CHINA).date()
    assert (await api.call("POST", "/admin/sanctions", admin, {
        "expert_number": profile.expert_number, "kind": "warning",
        "reason": "未按时到场", "starts_on": today.isoformat()})).status == 200
    seen = await api.call("GET", "/admin/credit", admin,
                          params={"expert_number": profile.expert_number})
    assert (seen.data["score"], seen.data["level"], seen.data["sanctions"]) == (90, "A", 1)
    assert [h["cause"] for h in seen.data["history"]][:2] == ["处分", "履职记录有异议待复核"]
    # the rule changes: a warning costs 20 and A starts at 85; recomputed at once
    refused = await api.call("PUT", "/admin/credit-rule", admin, {
        "warning_points": 20, "level_a": 70, "level_b": 80})
    assert refused.status == 400 and "A 级 > B 级" in refused.message
    assert (await api.call("PUT", "/admin/credit-rule", admin, {
        "warning_points": 20, "level_a": 85})).status == 200
    now = await api.call("GET", "/expert/credit", expert)
    assert (now.data["score"], now.data["level"]) == (80, "B")
    assert now.data["history"][0]["cause"] == "信用规则调整"
    # the expert reads the same in chat, with the warning and how to appeal
    said = (await chat.say(await openid_of(first.person_id), "我的信用")).text
    assert "我的信用分：80 分，等级 B" in said and "警告" in said and "未按时到场" in said
    assert "没有计入的履职记录，按满分 100 分起算" in said and "警告 1 次，扣 20 分" in said
    assert "85 分及以上为 A" in said
    assert "申诉" in said
    # a handler has no access to anyone's credit
    assert (await api.call("GET", "/admin/credit", token,
                           params={"expert_number": profile.expert_number})).status == 403
