"""应急专家 used: XJ-SIGNUP and XJ-CE ask every expert 是否愿意成为应急专家. The
agency asks for an urgent draw with a reason from the list; the trading centre decides it
when it verifies the activity; approved, the draw invites the experts who said yes first
(their own committed pool, audited with the others) with a shorter answer window; refused,
or never asked, the answer changes nothing. The expert changes the answer in the
mini-program, and later urgent draws read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.draw_handler import UrgentPool
from models.draws import Condition, DrawActivity, DrawLog, Invitation, SkippedCandidate
from models.experts import ExpertProfile
from models.notifications import Notification
from services.draws.randomness.audit import DrawAudit, draw_key, order
from services.draws.randomness.merkle import pool_root
from services.draws.record.results import Results
from tests.support.api import Api
from tests.support.draw_world import (
    NONCE,
    finish,
    make_experts,
    prepared,
    start_draw,
    submit,
    supplement,
    the_results_unseal,
)
from tests.support.wechat import Chat
from web.context import TEXTS


async def willing(api: Api, experts: list[ExpertProfile]) -> None:
    """These experts say yes to 应急 in the mini-program, as they would."""
    for expert in experts:
        n = expert.expert_number.removeprefix("T-")
        token = await api.login(f"mp_ex_{n}")
        said = await api.call("PUT", "/expert/emergency", token, {"emergency_ok": True})
        assert said.status == 200 and said.data == {"emergency_ok": True}


def read(client: TestClient, told: Notification, channel: str) -> str:
    """What a person reads of a notice on one channel."""
    return client.app[TEXTS].render(f"notify/{told.kind}/{channel}.j2", **told.params)


def window(invitation: Invitation) -> timedelta:
    return invitation.due_at - invitation.sent_at


async def test_an_urgent_draw_invites_the_emergency_experts_first_with_a_shorter_window(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    experts = await make_experts(client, 8)
    emergency = experts[:2]
    await willing(api, emergency)
    aid, token = await prepared(api, demo, total=3, submitted=False)
    # the agency asks, with a reason from the list (words, not codes, come back)
    listed = (await api.call("GET", "/draws/urgency-reasons", token)).data["reasons"]
    assert [r["title"] for r in listed][:2] == ["自然灾害抢险救灾", "事故灾难处置"]
    wrong = await api.call("PUT", f"/draws/activities/{aid}/urgency", token,
                           {"reason": "hurry"})
    assert wrong.status == 400 and "请从列表中选择" in wrong.message
    asked = await api.call("PUT", f"/draws/activities/{aid}/urgency", token,
                           {"reason": "natural_disaster", "note": "台风过境后堤防抢修"})
    assert asked.status == 200, asked.data
    assert asked.data["urgency"]["reason_title"] == "自然灾害抢险救灾"
    assert asked.data["urgency"]["status_title"] == "已申请应急，待交易中心核验"
    mine = (await api.call("GET", "/draws/activities", token)).data["activities"]
    assert next(a for a in mine if a["id"] == aid)["urgency"]["reason"] == "natural_disaster"
    assert (await submit(api, token, aid)).status == 200
    late = await api.call("PUT", f"/draws/activities/{aid}/urgency", token,
                          {"reason": "accident"})
    assert late.status == 409  # submitted: only the verifier decides now
    # the verifier sees it in the queue and must decide it with the approval
    verifier = await api.login(demo["verifier"].mp_openid)
    queue = (await api.call("GET", "/verify/activities", verifier)).data["activities"]
    assert next(a for a in queue if a["id"] == aid)["urgency"]["note"] == "台风过境后堤防抢修"
    undecided = await api.call("POST", f"/verify/activities/{aid}", verifier,
                               {"approve": True, "small_pool_ok": True})
    assert undecided.status == 400 and "自然灾害抢险救灾" in undecided.message
    assert (await DrawActivity.get(id=aid)).status == "submitted"  # nothing changed
    approved = await api.call("POST", f"/verify/activities/{aid}", verifier,
                              {"approve": True, "small_pool_ok": True, "urgent": True})
    assert approved.status == 200, approved.data
    shown = (await api.call("GET", f"/draws/activities/{aid}", token)).data
    assert shown["urgency"]["status_title"] == "交易中心已同意按应急抽取"
    assert shown["urgency"]["response_minutes"] == 5  # the library's, shorter than 10
    # the emergency pool is committed and published with the others, before the start
    (condition,) = await Condition.filter(activity_id=aid)
    urgent = await UrgentPool.get(condition_id=condition.id)
    assert urgent.expert_ids == sorted(e.id for e in emergency)
    assert set(urgent.expert_ids) < set(condition.pool or [])
    log = await DrawLog.get(activity_id=aid, action="verify")
    assert log.detail["pools"][str(condition.id)]["urg"] == urgent.root == pool_root(
        condition.id, "urg", urgent.expert_ids)
    assert (log.detail["urgency"], log.detail["response_minutes"]) == ("approved", 5)
    assert shown["conditions"][0]["urgent_pool_hash"] == urgent.root  # seen before the start
    titles = [e["title"] for e in (await api.call("GET", f"/draws/activities/{aid}/log",
                                                  token)).data["entries"]]
    assert "申请按应急抽取：自然灾害抢险救灾" in titles
    assert "核验通过：交易中心已同意按应急抽取（自然灾害抢险救灾）" in titles
    # the draw: both emergency experts first, then one of the others, as the seed orders
    assert (await start_draw(api, token, aid)).status == 200
    invited = await Invitation.filter(activity_id=aid).order_by("id")
    assert [(i.pool, i.expert_id) for i in invited[:2]] == [
        ("urg", e) for e in order(draw_key((await DrawActivity.get(id=aid)).seed or "", NONCE),
                                  condition.id, "urg", urgent.expert_ids)]
    assert invited[2].pool == "main" and invited[2].expert_id not in urgent.expert_ids
    assert all(window(i) == timedelta(minutes=5) for i in invited)
    # the expert reads why the window is short: in chat, SMS, the template and the link page
    said = "本次为应急抽取（自然灾害抢险救灾），经交易中心同意，回复时限缩短为5分钟"
    told = next(n for n in await Notification.filter(kind="draw.invitation")  # a family's
                if n.params["invitation"] == str(invited[0].id))            # rows: one notice
    assert told.params["urgency"] == "natural_disaster"
    assert "【应急评标邀请】" in read(client, told, "chat")
    assert said in read(client, told, "chat") and said in read(client, told, "sms")
    assert "应急抽取，请尽快回复" in read(client, told, "template")
    page = await client.get("/a/" + told.params["link"].split("/a/", 1)[1])
    assert said in await page.text()
    # the agency's push says the urgency was approved, and the window it gives
    verified = await Notification.filter(kind="draw.verified").first()
    assert verified is not None
    assert "交易中心同意按应急抽取：优先邀请应急专家，回复时限5分钟" in read(client, verified,
                                                                       "chat")
    # in the main pool the emergency experts met again are passed over as invited
    skipped = await SkippedCandidate.filter(condition_id=condition.id, pool="main")
    assert all(s.reason.startswith("invited:") for s in skipped)
    assert {s.expert_id for s in skipped} <= set(urgent.expert_ids)
    await finish(chat, aid)
    done = await DrawActivity.get(id=aid)
    assert done.status == "ended"
    report = DrawAudit.audit(done.seed or "", done.seed_hash or "",
                             await Results.audit_records(done),
                             done.nonce or "")
    assert report.ok, report.problems
    assert {r.name for r in await Results.audit_records(done)} == {"urg", "main"}


async def test_a_refused_urgency_draws_as_usual(api: Api, client: TestClient,
                                                demo: dict) -> None:
    experts = await make_experts(client, 6)
    await willing(api, experts[:2])
    aid, token = await prepared(api, demo, total=2, submitted=False)
    assert (await api.call("PUT", f"/draws/activities/{aid}/urgency", token,
                           {"reason": "public_health"})).status == 200
    assert (await submit(api, token, aid)).status == 200
    verifier = await api.login(demo["verifier"].mp_openid)
    refused = await api.call("POST", f"/verify/activities/{aid}", verifier,
                             {"approve": True, "small_pool_ok": True, "urgent": False})
    assert refused.status == 200, refused.data
    shown = (await api.call("GET", f"/draws/activities/{aid}", token)).data
    assert shown["urgency"]["status_title"] == "交易中心未同意应急，按常规抽取"
    assert shown["urgency"]["response_minutes"] is None
    assert not await UrgentPool.filter(activity_id=aid).exists()
    await ordinary_draw(api, token, aid)


async def test_a_draw_nobody_asked_to_hurry_ignores_the_answer(
        api: Api, client: TestClient, demo: dict) -> None:
    experts = await make_experts(client, 6)
    await willing(api, experts[:3])
    aid, token = await prepared(api, demo, total=2)
    shown = (await api.call("GET", f"/draws/activities/{aid}", token)).data
    assert shown["urgency"] is None
    await ordinary_draw(api, token, aid)


async def ordinary_draw(api: Api, token: str, aid: int) -> None:
    """The draw invites the main pool's first places in the seed's order, whoever said yes
    to 应急, each with the agency's own 10 minutes."""
    assert (await start_draw(api, token, aid)).status == 200
    (condition,) = await Condition.filter(activity_id=aid)
    activity = await DrawActivity.get(id=aid)
    expected = order(draw_key(activity.seed or "", NONCE), condition.id, "main",
                     condition.pool or [])[:condition.planned]
    invited = await Invitation.filter(activity_id=aid).order_by("rank")
    assert [(i.pool, i.expert_id) for i in invited] == [("main", e) for e in expected]
    assert all(window(i) == timedelta(minutes=10) for i in invited)


async def test_the_expert_changes_the_answer_and_reads_it_on_their_card(
        api: Api, client: TestClient, demo: dict) -> None:
    (expert,) = await make_experts(client, 1)
    token = await api.login("mp_ex_1000")
    card = await api.call("GET", "/expert/card", token)
    assert card.status == 200 and card.data["emergency_ok"] is False
    said = await api.call("PUT", "/expert/emergency", token, {"emergency_ok": True})
    assert said.status == 200
    assert (await api.call("GET", "/expert/card", token)).data["emergency_ok"] is True
    assert (await api.call("GET", "/expert/emergency", token)).data == {"emergency_ok": True}
    assert (await ExpertProfile.get(id=expert.id)).emergency_ok
    back = await api.call("PUT", "/expert/emergency", token, {"emergency_ok": False})
    assert back.status == 200 and not (await ExpertProfile.get(id=expert.id)).emergency_ok
    # an agency's token is not an expert's
    handler = await api.login(demo["handler"].mp_openid)
    assert (await api.call("PUT", "/expert/emergency", handler,
                           {"emergency_ok": True})).status == 403


async def test_a_supplement_of_an_urgent_evaluation_is_urgent_too(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    experts = await make_experts(client, 8)
    await willing(api, experts[:3])
    aid, token = await prepared(api, demo, total=2, submitted=False)
    assert (await api.call("PUT", f"/draws/activities/{aid}/urgency", token,
                           {"reason": "accident"})).status == 200
    assert (await submit(api, token, aid)).status == 200
    verifier = await api.login(demo["verifier"].mp_openid)
    assert (await api.call("POST", f"/verify/activities/{aid}", verifier,
                           {"approve": True, "small_pool_ok": True, "urgent": True})
            ).status == 200
    assert (await start_draw(api, token, aid)).status == 200
    confirmed = await finish(chat, aid)
    assert {i.pool for i in confirmed} == {"urg"}
    now = datetime.now(UTC)
    await the_results_unseal(aid, now)
    assert (await api.call("POST", f"/draws/activities/{aid}/absences", token,
                           {"key": confirmed[0].code, "kind": "缺席"})).status == 200
    child = await supplement(api, token, aid,
                             gather_at=(now + timedelta(hours=1)).isoformat())
    assert child.status == 200, child.data
    assert child.data["urgency"]["status"] == "approved"  # the evaluation's
    assert child.data["conditions"][0]["urgent_pool_hash"]
    (invited,) = await Invitation.filter(activity_id=child.data["id"])
    asked = {i.expert_id for i in await Invitation.filter(activity_id=aid)}
    (third,) = {e.id for e in experts[:3]} - asked  # the emergency expert not yet asked
    assert (invited.pool, invited.expert_id, window(invited)) == ("urg", third,
                                                                  timedelta(minutes=5))
    await finish(chat, child.data["id"])
    done = await DrawActivity.get(id=child.data["id"])
    report = DrawAudit.audit(done.seed or "", done.seed_hash or "",
                             await Results.audit_records(done),
                             done.nonce or "")
    assert done.status == "ended" and report.ok, report.problems
    # the agency's list says 应急 on the 补抽 too (its evaluation's urgency)
    listed = await api.call("GET", "/draws/activities", token)
    (row,) = [a for a in listed.data["activities"] if a["id"] == child.data["id"]]
    assert row["urgency"]["status"] == "approved"


async def test_an_urgency_where_no_candidate_is_willing_is_approved_only_knowingly(
        api: Api, client: TestClient, demo: dict) -> None:
    """Nobody among a condition's candidates said yes to 应急: the pool sizes say so, and the
    verifier approving 按应急抽取 is told so in words (the draw could only walk the ordinary
    candidates, on the urgent answer window) until she says she knows it."""
    await make_experts(client, 8)  # none willing
    aid, token = await prepared(api, demo, total=2, submitted=False)
    assert (await api.call("PUT", f"/draws/activities/{aid}/urgency", token,
                           {"reason": "accident"})).status == 200
    assert (await submit(api, token, aid)).status == 200
    verifier = await api.login(demo["verifier"].mp_openid)
    sizes = (await api.call("GET", f"/verify/activities/{aid}/pool-sizes", verifier)).data
    assert [s["willing"] for s in sizes["conditions"]] == [0]
    queue = (await api.call("GET", "/verify/activities", verifier)).data["activities"]
    assert next(a for a in queue if a["id"] == aid)["urgent_empty"] == 1
    told = await api.call("POST", f"/verify/activities/{aid}", verifier,
                          {"approve": True, "small_pool_ok": True, "urgent": True})
    assert told.status == 409 and "条件1的候选人中没有愿意应急的专家" in told.message
    assert "不同意应急，按常规抽取" in told.message
    assert (await DrawActivity.get(id=aid)).status == "submitted"  # nothing changed
    knowingly = await api.call("POST", f"/verify/activities/{aid}", verifier, {
        "approve": True, "small_pool_ok": True, "urgent": True, "urgent_empty_ok": True})
    assert knowingly.status == 200, knowingly.data
