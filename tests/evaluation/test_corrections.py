"""A score table corrected only as GPL-87 Art. 64 allows (docs/evaluation-systems.md,
corrections): its four cases, each with the committee's written reason, accepted until the
evaluation system says the report is signed and refused after in the law's words; the
first table and each correction kept sealed, the difference shown to the agency; proposals
made again from the corrected table, those decided kept."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from tortoise import connections

from config.settings import Settings
from models.evaluation.scores import (
    RecordProposal,
    ScoreCorrection,
    ScoreReview,
    ScoreTable,
)
from models.notifications import Notification
from tests.support.api import Api
from tests.support.evaluation import BIDDERS, end, evaluated, table
from tests.support.wechat import Chat
from web.context import TEXTS

A, B = BIDDERS[0]["key"], BIDDERS[1]["key"]
REASON = "经评标委员会复核，当场修改并在评标报告中记载"
# Art. 64's cases: what each correction changes (expert index, bidder, criterion) -> value,
# and whether it is accepted before the report is signed and after
GOLDEN = [
    # case                 changes                          before       after
    ("objective_mismatch", {(1, B, "C2"): 50},              "accepted", "report_signed"),
    ("extreme",            {(2, A, "C1"): 31},              "accepted", "report_signed"),
    ("out_of_range",       {(0, A, "C1"): 28},              "accepted", "report_signed"),
    ("sum_error",          {},                              "accepted", "report_signed"),
]


async def test_the_four_cases_are_taken_before_the_report_is_signed_and_none_after(
        client: TestClient, settings: Settings, api: Api, chat: Chat, demo: dict) -> None:
    aid, token, served, system = await evaluated(client, api, chat, demo, 5300)
    codes = [str(i.code) for i in served]
    path = f"/evaluation/v1/activities/{aid}"
    await system.call("PUT", f"{path}/bidders", {"bidders": BIDDERS})
    early = await system.refused("POST", f"{path}/scores/corrections", {
        "correction_id": "X-0", "case": "extreme", "reason": REASON, "table": table(codes)})
    assert early.reason == "no_table" and early.status == 409
    await end(aid)
    # the third expert gives 甲 38 on the subjective C1 (the others 30); the second 51 on
    # the objective C2 for 乙 (the others 50): a deviation and a mismatch proposed
    scores = {(2, A, "C1"): 38.0, (1, B, "C2"): 51.0}
    assert (await system.call("POST", f"{path}/scores", table(codes, scores)))[
        "proposals"] == 2
    deviation = await RecordProposal.get(activity_id=aid, kind="deviation")
    # refused in words, nothing kept: a case the law does not have, no reason, a changed
    # criterion, a correction that changes nothing, a subjective score as an objective case
    for body, reason in (
            ({"case": "typo"}, "bad_field"), ({"reason": "  "}, "bad_field"),
            ({"table": {**table(codes, scores), "criteria": [
                {**c, "max": 50} if c["code"] == "C1" else c for c in table(codes)[
                    "criteria"]]}}, "criteria_changed"),
            ({"case": "extreme"}, "no_change"),
            ({"table": table(codes, {**scores, (2, A, "C1"): 31})}, "case_mismatch")):
        sent = {"correction_id": "X-1", "case": "objective_mismatch", "reason": REASON,
                "table": table(codes, scores), **body}
        refused = await system.refused("POST", f"{path}/scores/corrections", sent)
        assert refused.reason == reason, (body, refused)
        assert refused.message
    assert await ScoreCorrection.filter(activity_id=aid).count() == 0
    # the agency confirms the deviation before any correction: a decision is kept
    decided = await api.call("POST", f"/draws/activities/{aid}/performance/proposals/"
                             f"{deviation.id}/decision", token,
                             {"confirm": True, "reason": "评分依据与评标办法不符"})
    assert decided.status == 200
    results = []
    for n, (case, changes, _, _) in enumerate(GOLDEN, 1):
        scores = {**scores, **changes}
        answer = await system.call("POST", f"{path}/scores/corrections", {
            "correction_id": f"K-{n}", "case": case, "reason": REASON,
            "table": table(codes, scores)})
        assert answer["changed"] == len(changes)
        results.append("accepted" if answer["kept"] else "?")
    again = await system.call("POST", f"{path}/scores/corrections", {
        "correction_id": "K-1", "case": "objective_mismatch", "reason": REASON,
        "table": table(codes, {(2, A, "C1"): 38.0, (1, B, "C2"): 50})})
    assert again["replayed"] is True
    other = await system.refused("POST", f"{path}/scores/corrections", {
        "correction_id": "K-1", "case": "extreme", "reason": REASON, "table": table(codes)})
    assert other.reason == "corrected_twice" and "K-1" in other.message
    signed = await system.call("POST", f"{path}/report", {})
    assert signed["signed"] is True and signed["replayed"] is False
    assert (await system.call("POST", f"{path}/report", {}))["replayed"] is True
    after = []
    for n, (case, _, _, _) in enumerate(GOLDEN, 1):
        refused = await system.refused("POST", f"{path}/scores/corrections", {
            "correction_id": f"L-{n}", "case": case, "reason": REASON,
            "table": table(codes, {(0, B, "C1"): 29})})
        assert refused.status == 409 and "组织原评标委员会重新评审" in refused.message
        after.append(refused.reason)
    assert [(c, b, a) for c, _, b, a in GOLDEN] == list(zip(
        [c for c, _, _, _ in GOLDEN], results, after, strict=True))
    # the mismatch proposal is gone with the mismatch; the confirmed deviation stays, and
    # the corrected 甲 31 makes no new one
    left = {(p.kind, p.status) for p in await RecordProposal.filter(activity_id=aid)}
    assert left == {("deviation", "confirmed")}
    # both tables kept, sealed; the agency reads what changed, named
    first = await ScoreTable.get(activity_id=aid)
    assert f'["{codes[2]}", "{A}", "C1", "38.0"]' in first.scores["rows"]  # as first sent
    raw = await connections.get("default").execute_query_dict(
        "SELECT scores, changes FROM evaluation_score_correction")
    assert all("sm4:" in str(r["scores"]) and "sm4:" in str(r["changes"]) for r in raw)
    shown = (await api.call("GET", f"/draws/activities/{aid}/scores/corrections",
                            token)).data
    assert shown["signed_at"] is not None
    titles = [c["case_title"] for c in shown["corrections"]]
    assert titles == ["评标委员会成员对客观评审因素评分不一致", "经评标委员会认定评分畸高、畸低",
                      "分项评分超出评分标准范围", "分值汇总计算错误"]
    (change,) = shown["corrections"][1]["changes"]
    assert (change["bidder"], change["criterion"], change["before"], change["after"]) == (
        "广州甲建设有限公司", "技术方案", "38", "31")
    assert change["expert"] and change["expert"] != codes[2]  # named, not coded
    assert shown["corrections"][0]["reason"] == REASON


async def test_the_agency_is_told_while_the_committee_sits_and_asks_it_to_re_check(
        client: TestClient, settings: Settings, api: Api, chat: Chat, demo: dict) -> None:
    """GPL-87-64, Art. 45 (八): the table summed while the committee still sits; what stands
    out is pushed to the agency at once, and the agency asks the committee to re-check it
    (a request for the system, refused in words without a reason, a second time before the
    first is received, and once the report is signed)."""
    aid, token, served, system = await evaluated(client, api, chat, demo, 5400)
    codes = [str(i.code) for i in served]
    path = f"/evaluation/v1/activities/{aid}"
    await system.call("PUT", f"{path}/bidders", {"bidders": BIDDERS})
    nothing = await api.call("POST", f"/draws/activities/{aid}/scores/reviews", token,
                             {"reason": "请复核"})
    assert nothing.status == 409 and "评分表" in nothing.message  # no table yet
    # not over (it ends in an hour): the table is taken, with a deviation and a mismatch
    assert (await system.call("POST", f"{path}/scores", table(codes, {
        (2, A, "C1"): 38, (1, B, "C2"): 51})))["proposals"] == 2
    told = await Notification.filter(kind="evaluation.review_due").first()
    assert told is not None and (told.params["objective"], told.params["deviation"]) == (
        "1", "1")
    said = client.app[TEXTS].render("notify/evaluation.review_due/chat.j2", **told.params)
    assert "要求评标委员会复核" in said and "1 位专家对客观评审因素的评分与委员会不一致" in said
    bare = await api.call("POST", f"/draws/activities/{aid}/scores/reviews", token,
                          {"reason": " "})
    assert bare.status == 400 and "理由" in bare.message
    # the mismatch dismissed by the agency with a reason is not asked about again
    mismatch = await RecordProposal.get(activity_id=aid, kind="objective")
    assert (await api.call("POST", f"/draws/activities/{aid}/performance/proposals/"
                           f"{mismatch.id}/decision", token,
                           {"confirm": False, "reason": "录入错误，现场已更正"})).status == 200
    asked = await api.call("POST", f"/draws/activities/{aid}/scores/reviews", token,
                           {"reason": "技术方案评分偏离较大，请复核"})
    assert asked.status == 200, asked.data
    (review,) = asked.data["reviews"]
    # the deviation on C1 and on the total
    assert (review["number"], review["items"], review["received_at"]) == (1, 2, None)
    assert "发送中" in review["state_title"]
    kept = await ScoreReview.get(activity_id=aid)
    assert {i["expert"] for i in kept.items} == {codes[2]}  # codes, never names
    again = await api.call("POST", f"/draws/activities/{aid}/scores/reviews", token,
                           {"reason": "再次要求"})
    assert again.status == 409 and "尚未收到" in again.message
    await system.call("POST", f"{path}/report", {})
    await ScoreReview.filter(id=kept.id).update(acked_at=kept.asked_at)
    late = await api.call("POST", f"/draws/activities/{aid}/scores/reviews", token,
                          {"reason": "签署后"})
    assert late.status == 409 and "重新评审" in late.message
