"""No fee the law forbids, as the people involved live it over HTTP (CK-198 Art. 25:
"评审专家未完成评审工作擅自离开评审现场，或者在评审活动中有违法违规行为的，不得获取劳务报酬和报销
异地评审差旅费"): the agency confirms an expert's 早退 on the performance record after it
recorded the standard's fee; the fee sheet shows the fee removed with the reason, refuses the
full amount, finance approves the reduced total, the expert is told why, reads it in 我的专家费
and disputes the record (the fee then held, not removed); a conduct item confirmed after
finance approved leaves that approved line as it was and says so."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp.test_utils import TestClient

from models.draws import DrawActivity, DrawLog
from models.fees import FeeStandard
from models.notifications import Notification
from models.wechat import Channel, WeChatIdentity
from sandbox.pay.gateway import PayGateway
from services.common.clock import CHINA, china_today
from tests.support.api import Api
from tests.support.draw_world import openid_of
from tests.support.evaluation import end, evaluated
from tests.support.fees import LEFT_EARLY, procured, publish, row_of
from tests.support.payouts import fees_ready, record
from tests.support.wechat import Chat


async def performance(api: Api, aid: int, token: str, invitation_id: int,
                      body: dict[str, Any]) -> Any:
    return await api.call("PUT", f"/draws/activities/{aid}/performance/{invitation_id}",
                          token, body)


async def test_a_confirmed_early_departure_removes_the_fee_before_finance_approves(
        api: Api, chat: Chat, client: TestClient, demo: dict, pay_gateway: PayGateway) -> None:
    aid, token, (first, second) = await fees_ready(api, chat, client, demo)
    await procured(aid)
    assert (await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                           {"channel": "platform"})).status == 200
    for item in (first, second):  # the standard's fee recorded for both
        assert (await record(api, aid, token, item)).status == 200

    # the agency confirms 早退 on the first expert's record: the fee line follows at once
    made = await performance(api, aid, token, first.id, LEFT_EARLY)
    assert made.status == 200, made.data
    fees = await api.call("GET", f"/draws/activities/{aid}/fees", token)
    row = row_of(fees, first)
    assert (row["computed_yuan"], row["amount_yuan"]) == ("0.00", "0.00")
    assert "未完成评审工作擅自离开评审现场（早退）" in row["breakdown"]
    assert "第二十五条不得获取劳务报酬，不予支付 400.00元" in row["breakdown"]
    assert row["withheld_yuan"] == "400.00" and row["withheld"].startswith("不予支付 400.00元：")
    assert row_of(fees, second)["amount_yuan"] == "400.00"
    assert (row_of(fees, second)["withheld_yuan"], row_of(fees, second)["withheld"]) == (
        "0.00", "")
    log = await DrawLog.filter(activity_id=aid, action="fee_forfeit").values_list(
        "detail", flat=True)
    assert [(d["invitation"], d["fen"], d["taken"]) for d in log] == [(first.id, 0, 40000)]
    # the full amount again is refused in words, saying what may be recorded
    refused = await record(api, aid, token, first, "400.00", reason="专家已说明")
    assert refused.status == 400
    assert "第二十五条" in refused.message and "最多 0.00元" in refused.message

    # the expert is told why, and reads it in 我的专家费
    assert await Notification.filter(kind="fee.forfeit", person_id=first.person_id).count() == 1
    said = (await chat.say(await openid_of(first.person_id), "我的专家费")).text
    assert "不予支付 400.00元" in said and "早退" in said
    mini = await WeChatIdentity.get(person_id=first.person_id, channel=Channel.MINI_PROGRAM)
    expert = await api.login(mini.openid)
    mine = await api.call("GET", "/expert/fees", expert)
    (fee,) = mine.data["fees"]
    assert fee["amount_yuan"] == "0.00" and "不予支付 400.00元" in fee["breakdown"]
    assert "第二十五条" in fee["withheld"]

    # finance approves the reduced sheet: 400.00, the second expert's fee alone
    submitted = await api.call("POST", f"/draws/activities/{aid}/fee-funding", token,
                               {"reference": "HX2026001"})
    assert submitted.status == 200, submitted.data
    assert submitted.data["funding"]["total_yuan"] == "400.00"
    finance = await api.login(demo["finance"].mp_openid)
    # finance reads the line with the reason before approving
    waiting = await api.call("GET", "/finance/fee-sheets", finance, params={"state": "submitted"})
    (sheet,) = waiting.data["sheets"]
    line = next(e for e in sheet["experts"] if e["invitation_id"] == first.id)
    assert (line["amount_yuan"], line["withheld_yuan"]) == ("0.00", "400.00")
    assert "未完成评审工作擅自离开评审现场（早退）" in line["withheld"]
    approved = await api.call("POST", f"/finance/fee-sheets/{aid}/decision", finance,
                              {"approve": True, "total_yuan": "400.00"})
    assert approved.status == 200, approved.data

    # the expert disputes the record as any: the fee is held, not removed, until the review
    records = await api.call("GET", "/me/performance", expert)
    (kept,) = records.data["records"]
    disputed = await api.call("POST", f"/me/performance/{kept['id']}/reply", expert, {
        "text": "评审报告签字后经组长同意离开", "dispute": True})
    assert disputed.status == 200, disputed.data
    held = row_of(await api.call("GET", f"/draws/activities/{aid}/fees", token), first)
    assert "暂扣 400.00元（专家已申诉，待管理员复核）" in held["breakdown"]
    assert held["withheld"].startswith("暂扣 400.00元")

    # a conduct item confirmed on the second expert after finance approved: the approved
    # line is not changed under finance; it says what the law takes, and the expert is told
    late = await performance(api, aid, token, second.id, {
        "late": False, "left_early": False, "conduct": ["tbl71-4"], "score": 50})
    assert late.status == 200, late.data
    row = row_of(await api.call("GET", f"/draws/activities/{aid}/fees", token), second)
    assert (row["amount_yuan"], row["computed_yuan"]) == ("400.00", "0.00")
    assert "在评审活动中有违法违规行为（私下接触投标人）" in row["breakdown"]
    assert "在财务批准清单后才确认，登记金额未改" in row["withheld"]
    notice = await Notification.get(kind="fee.forfeit", person_id=second.person_id)
    assert notice.params["fixed"] == "approved"
    logged = await DrawLog.filter(activity_id=aid, action="fee_forfeit").order_by("id")
    assert (logged[-1].detail["invitation"], logged[-1].detail["fen"],
            logged[-1].detail["fixed"]) == (second.id, 40000, "approved")


async def test_a_tendering_project_keeps_the_fee_and_says_the_item(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """No source withholds a 招标投标 expert's fee: the item is said beside it, the fee kept,
    nobody told of a deduction (docs/rules-that-are-ours.md)."""
    aid, token, (first, _second) = await fees_ready(api, chat, client, demo)
    assert (await record(api, aid, token, first)).status == 200
    assert (await performance(api, aid, token, first.id, LEFT_EARLY)).status == 200
    row = row_of(await api.call("GET", f"/draws/activities/{aid}/fees", token), first)
    assert (row["computed_yuan"], row["amount_yuan"]) == ("400.00", "400.00")
    assert "招标投标项目，无规定扣减劳务报酬，金额未改" in row["breakdown"]
    assert row["withheld_yuan"] == "0.00" and "没有规定扣减劳务报酬" in row["withheld"]
    assert not await Notification.exists(kind="fee.forfeit", person_id=first.person_id)


async def test_an_early_departure_the_evaluation_system_reports_reaches_the_fee_once_confirmed(
        client: TestClient, api: Api, chat: Chat, demo: dict) -> None:
    """The evaluation system reports 早退; the agency confirms the proposal before writing any
    record: the fee line already reads it, and the expert is told why."""
    aid, token, served, system = await evaluated(client, api, chat, demo, 5600)
    await procured(aid)
    now = datetime.now(UTC)
    assert (await publish(api, demo, china_today(now))).status == 200
    left = {"event_id": "E-9", "expert": served[0].code, "kind": "left_early",
            "at": now.isoformat(), "note": "评审未结束离开评标室"}
    assert (await system.call("POST", f"/evaluation/v1/activities/{aid}/events", left))[
        "replayed"] is False
    await end(aid)
    # held on the China day of the standard published today
    await DrawActivity.filter(id=aid).update(eval_start=now.astimezone(CHINA).replace(
        hour=0, minute=0, second=0, microsecond=0))
    fees = await api.call("GET", f"/draws/activities/{aid}/fees", token)
    assert row_of(fees, served[0])["withheld"] == ""  # a proposal alone changes nothing
    (proposal,) = (await api.call("GET", f"/draws/activities/{aid}/performance/proposals",
                                  token)).data["proposals"]
    decided = await api.call("POST", f"/draws/activities/{aid}/performance/proposals/"
                             f"{proposal['id']}/decision", token,
                             {"confirm": True, "reason": "现场监控记录属实"})
    assert decided.status == 200, decided.data
    row = row_of(await api.call("GET", f"/draws/activities/{aid}/fees", token), served[0])
    assert row["computed_yuan"] == "0.00" and "早退" in row["withheld"]
    assert await Notification.exists(kind="fee.forfeit", person_id=served[0].person_id)
    assert not await Notification.exists(kind="fee.forfeit", person_id=served[1].person_id)


async def test_a_review_that_takes_the_early_departure_away_gives_the_fee_back(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """Held while the dispute waits; the administrator corrects the record: the line is the
    standard's again, and the expert is told."""
    aid, token, (first, _second) = await fees_ready(api, chat, client, demo)
    await procured(aid)
    assert (await record(api, aid, token, first)).status == 200
    assert (await performance(api, aid, token, first.id, LEFT_EARLY)).status == 200
    mini = await WeChatIdentity.get(person_id=first.person_id, channel=Channel.MINI_PROGRAM)
    expert = await api.login(mini.openid)
    (kept,) = (await api.call("GET", "/me/performance", expert)).data["records"]
    assert (await api.call("POST", f"/me/performance/{kept['id']}/reply", expert, {
        "text": "评审报告签字后经组长同意离开", "dispute": True})).status == 200
    admin = await api.login(demo["admin"].mp_openid)
    reviewed = await api.call("POST", f"/admin/performance/{kept['id']}/review", admin, {
        "outcome": "corrected", "review_note": "经核实，评审报告已签字，离开经组长同意",
        "correction": {"late": False, "left_early": False, "conduct": [], "score": 90}})
    assert reviewed.status == 200, reviewed.data
    row = row_of(await api.call("GET", f"/draws/activities/{aid}/fees", token), first)
    assert (row["computed_yuan"], row["amount_yuan"], row["withheld"]) == (
        "400.00", "400.00", "")
    told = await Notification.filter(kind="fee.forfeit", person_id=first.person_id
                                     ).order_by("id")
    assert [n.params["taken"] for n in told] == ["400.00", "0.00"]
    said = (await chat.say(await openid_of(first.person_id), "我的专家费")).text
    assert "400.00" in said and "不予支付" not in said


async def test_without_a_published_standard_a_typed_fee_the_law_forbids_is_refused(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """No standard computes the fee, so none is taken off it; the agency types it, and a
    positive amount for a 政府采购 expert whose 早退 is confirmed is refused in words."""
    aid, token, (first, second) = await fees_ready(api, chat, client, demo)
    await procured(aid)
    await FeeStandard.all().delete()
    assert (await performance(api, aid, token, first.id, LEFT_EARLY)).status == 200
    refused = await record(api, aid, token, first, "400.00", reason="按约定")
    assert refused.status == 400
    assert "未完成评审工作擅自离开评审现场（早退）" in refused.message
    assert "请登记 0.00元" in refused.message
    assert (await record(api, aid, token, first, "0.00", reason="早退")).status == 200
    assert (await record(api, aid, token, second, "400.00", reason="按约定")).status == 200
