"""One meaning of 异地 (docs/rules-that-are-ours.md): the venue lies in another city than
the expert's residence, a county counting as its city. XJ-SIGNUP's application asks
"是否接受异地评标"; an expert who answered 否 is not drawn for a venue that is 异地 for
them, in GD-DRAW's residence mode over several cities ("地区" several) as in its willing
mode ("可能抽取到异地的专家"). The record marks 异地 where the fee pays the travel and meal
allowances, and nowhere else. The seeds' shapes: experts living in 韶关市武江区 and in 广州市
天河区 (counties), a venue in 广州市天河区."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp.test_utils import TestClient

from models.draws import Condition, DrawActivity, Invitation, SkippedCandidate
from models.experts import ExpertProfile
from services.common.clock import china_today
from tests.support.api import Api
from tests.support.browser import screenshot, signed_in
from tests.support.draw_world import (
    finish,
    make_experts,
    prepared,
    start_draw,
    the_results_unseal,
)
from tests.support.fees import evaluation_over, nine_today, publish, row_of, worked
from tests.support.wechat import Chat

SHAOGUAN = "440203"  # 韶关市武江区
TIANHE = "440106"  # 广州市天河区, where prepared()'s venue is
SPECIALTY = "A0802"  # none of the demo's experts has it: the experts made here are the pool


async def _preview(api: Api, token: str, aid: int, **body: object) -> int:
    answer = await api.call("POST", f"/draws/activities/{aid}/preview", token, {
        "regions": ["4401", "4402"], "main_specialty": SPECIALTY, **body})
    assert answer.status == 200, answer.data
    return int(answer.data["matching"])


async def test_who_declined_is_never_drawn_for_another_city_and_fee_matches_record(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    declined = await make_experts(client, 2, first=1100, region=SHAOGUAN,
                                  specialty=SPECIALTY, remote_ok=False)
    accepts = await make_experts(client, 1, first=1110, region=SHAOGUAN, specialty=SPECIALTY)
    # 否 too, but the venue is in their own city: nothing to decline
    home = await make_experts(client, 2, first=1120, region=TIANHE, specialty=SPECIALTY,
                              remote_ok=False)
    # willing to come to 广州 (GD-DRAW's 意愿评标区), yet 否 to 异地评标: the 否 holds
    willing = await make_experts(client, 1, first=1130, region="4402", willing=("4401",),
                                 specialty=SPECIALTY, remote_ok=False)
    assert (await publish(api, demo, china_today(datetime.now(UTC)))).status == 200
    aid, token = await prepared(api, demo, total=3, regions=("4401", "4402"),
                                specialty=SPECIALTY)
    # the agency's preview counts them out once it names the notice (its venue)
    notice = (await api.call("GET", f"/draws/activities/{aid}", token)).data["notices"][0]
    assert await _preview(api, token, aid) == 6
    assert await _preview(api, token, aid, notice_id=notice["id"]) == 3
    assert await _preview(api, token, aid, notice_id=notice["id"], region_mode="willing",
                          regions=["4401"]) == 2
    assert await _preview(api, token, aid, region_mode="willing", regions=["4401"]) == 3
    # the pool committed at verification holds nobody who declined a venue 异地 for them
    pool = set((await Condition.get(activity_id=aid)).pool or [])
    assert pool == {p.id for p in accepts + home}
    assert (await start_draw(api, token, aid)).status == 200
    served = await finish(chat, aid)
    assert (await DrawActivity.get(id=aid)).end_reason == "complete"
    assert not await Invitation.filter(
        expert_id__in=[p.id for p in declined + willing]).exists()
    await the_results_unseal(aid, datetime.now(UTC))
    results = await api.call("GET", f"/draws/activities/{aid}/results", token)
    assert results.status == 200, results.data
    experts = results.data["experts"]
    assert {e["name"] for e in experts} == {"专家1110", "专家1120", "专家1121"}
    # the 韶关 expert came to 广州 in the residence mode: marked 异地 all the same
    assert {e["name"] for e in experts if e["travels"]} == {"专家1110"}
    assert all(("（异地）" in e["situation"]) == e["travels"] for e in experts)
    # the fee pays the travel and meal allowances to those the record marks 异地, only them
    now = await evaluation_over(aid)
    for item in served:
        await worked(item, nine_today(now), 2.5)
    fees = await api.call("GET", f"/draws/activities/{aid}/fees", token)
    assert fees.status == 200, fees.data
    for expert in experts:
        row = row_of(fees, next(i for i in served if i.id == expert["invitation_id"]))
        assert ("异地交通补助 150.00元" in row["breakdown"]) == expert["travels"]
        assert row["computed_yuan"] == ("650.00" if expert["travels"] else "400.00")


async def _declined_since_the_pool_was_fixed(api: Api, chat: Chat, client: TestClient,
                                           demo: dict) -> tuple[int, str, int]:
    """A 韶关 and a 广州 expert in the pool of a draw for a 广州 venue; the 韶关 expert's 否
    comes after verification (a change approved since); the draw run, the results unsealed.
    The activity, the handler's token, the 韶关 expert."""
    away = await make_experts(client, 1, first=1200, region=SHAOGUAN, specialty=SPECIALTY)
    local = await make_experts(client, 1, first=1210, region=TIANHE, specialty=SPECIALTY)
    aid, token = await prepared(api, demo, total=2, regions=("4401", "4402"),
                                specialty=SPECIALTY)
    assert set((await Condition.get(activity_id=aid)).pool or []) == {away[0].id, local[0].id}
    await ExpertProfile.filter(id=away[0].id).update(remote_ok=False)
    assert (await start_draw(api, token, aid)).status == 200
    served = await finish(chat, aid)
    assert [i.expert_id for i in served] == [local[0].id]
    await the_results_unseal(aid, datetime.now(UTC))
    return aid, token, away[0].id


SAID = "不接受异地评标，评标地点广东省广州市天河区不在其常驻城市"


async def test_an_answer_changed_to_no_after_the_pool_was_fixed_is_honoured_and_audited(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """The pool is fixed at verification; an expert whose 否 came after it is passed over
    at the invitation, with the reason on record and in words, and the audit finds the
    record bears it out."""
    aid, token, away = await _declined_since_the_pool_was_fixed(api, chat, client, demo)
    assert (await DrawActivity.get(id=aid)).end_reason == "exhausted"  # the agency is told
    skipped = await SkippedCandidate.get(expert_id=away)
    assert skipped.reason == f"remote:{TIANHE}"
    audit = await api.call("GET", f"/draws/activities/{aid}/audit", token)
    assert audit.status == 200 and audit.data["ok"] is True, audit.data
    assert [s["reason"] for s in audit.data["pools"][0]["skipped"]] == [SAID]
    # a skip naming a venue in the expert's own city would be found out
    await SkippedCandidate.filter(id=skipped.id).update(reason="remote:4402")
    audit = await api.call("GET", f"/draws/activities/{aid}/audit", token)
    assert audit.data["ok"] is False
    assert any("异地" in p for p in audit.data["problems"]), audit.data


async def test_the_audit_page_says_who_was_passed_over_for_declining_and_why(
        api: Api, chat: Chat, client: TestClient, demo: dict, browser: Any) -> None:
    from playwright.async_api import expect

    aid, _, _ = await _declined_since_the_pool_was_fixed(api, chat, client, demo)
    desk = await signed_in(browser, client.server, demo["handler"].phone,
                           f"/console/activities/{aid}/audit")
    await expect(desk.get_by_test_id("audit-result")).to_contain_text("一致")
    skipped = desk.get_by_test_id("skipped")
    await expect(skipped).to_contain_text("条件1 主专业")
    await expect(skipped).to_contain_text(SAID)
    await screenshot(desk, "var/console-audit-remote.png")
