"""What the scores make of an expert over time: a leaning across evaluations proposed once
it holds (its sample, how many above, the sign test), the portrait's six dimensions each
with the events behind it, for the expert and the administrator, and the month's proposals
by agency and specialty."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from aiohttp.test_utils import TestClient

from config.settings import Settings
from models.draws import DrawActivity
from models.evaluation.scores import RecordProposal, ScoreObservation
from models.experts import ExpertProfile
from tests.support.api import Api
from tests.support.evaluation import BIDDERS, end, evaluated, table
from tests.support.performance import mini_token
from tests.support.wechat import Chat


async def test_a_leaning_proposed_the_portrait_and_the_months_flags(
        client: TestClient, settings: Settings, api: Api, chat: Chat, demo: dict) -> None:
    aid, token, served, system = await evaluated(client, api, chat, demo, 5100)
    codes = [str(i.code) for i in served]
    path = f"/evaluation/v1/activities/{aid}"
    activity = await DrawActivity.get(id=aid)
    # four earlier evaluations of the same agency where the third expert scored 甲 6–9 %
    # above the committee (their tables analysed before)
    earlier = datetime.now(UTC) - timedelta(days=40)
    for n, lift in enumerate(("6.0", "7.5", "9.0", "6.5")):
        await ScoreObservation.create(activity_id=900000 + n, agency_id=activity.agency_id,
                                      expert_id=served[2].expert_id,
                                      bidder=BIDDERS[0]["key"], percent=Decimal(lift),
                                      ranked_first=True, at=earlier)
    await system.call("PUT", f"{path}/bidders", {"bidders": BIDDERS})
    await end(aid)
    # here too: 36 + 50 against the committee's 30 + 50 is 6 % of the total (C1 itself 15 %)
    kept = await system.call("POST", f"{path}/scores", table(codes, {
        (2, BIDDERS[0]["key"], "C1"): 36}))
    leanings = await RecordProposal.filter(activity_id=aid, kind="leaning").order_by("id")
    toward = {p.detail["toward"]: p.detail for p in leanings}
    assert set(toward) == {"bidder", "agency"} and kept["proposals"] == 3
    bidder = toward["bidder"]
    assert (bidder["sample"], bidder["above"], bidder["p_value"]) == (5, 5, "0.0313")
    assert bidder["key_name"] == "广州甲建设有限公司" and bidder["mean"] == "7.0"
    # the same table again proposes nothing more
    await system.call("POST", f"{path}/scores", table(codes, {
        (2, BIDDERS[0]["key"], "C1"): 36}))
    assert await RecordProposal.filter(activity_id=aid).count() == 3
    listed = (await api.call("GET", f"/draws/activities/{aid}/performance/proposals",
                             token)).data["proposals"]
    lean = next(p for p in listed if p["kind"] == "leaning" and "广州甲" in p["explanation"])
    assert "在 5 次评标中" in lean["explanation"] and "p = 0.0313" in lean["explanation"]
    assert lean["mark"] == "tbl71-5"
    decided = await api.call("POST", f"/draws/activities/{aid}/performance/proposals/"
                             f"{lean['id']}/decision", token,
                             {"confirm": True, "reason": "连续多次明显偏向同一投标人"})
    assert decided.status == 200
    # the expert's portrait: every dimension, the scores' with their events
    expert = await mini_token(api, served[2].person_id)
    portrait = (await api.call("GET", "/me/portrait", expert)).data
    dims = {d["key"]: d for d in portrait["dimensions"]}
    assert list(dims) == ["attendance", "conduct", "scoring", "sanctions", "education",
                          "credit"]
    assert dims["scoring"]["title"] == "评分质量"
    assert "评分表 5 次" in dims["scoring"]["value"] and "确认 1 条" in dims["scoring"]["value"]
    assert any("连续多次明显偏向同一投标人" in e["what"] and e["activity"].endswith(str(aid))
               for e in dims["scoring"]["events"])
    assert dims["credit"]["value"].startswith("信用分") and dims["credit"]["events"]
    # the administrator reads the same by number; an unknown number is refused in words
    admin = await api.login(demo["admin"].mp_openid)
    number = (await ExpertProfile.get(id=served[2].expert_id)).expert_number
    theirs = await api.call("GET", "/admin/portraits", admin, params={"number": number})
    assert theirs.status == 200  # the same, but the credit's moment (now)
    assert theirs.data["dimensions"][:5] == portrait["dimensions"][:5]
    unknown = await api.call("GET", "/admin/portraits", admin, params={"number": "NO-SUCH"})
    assert unknown.status == 404 and unknown.message
    assert (await api.call("GET", "/me/portrait", admin)).status == 403
    # the month's proposals by agency and specialty
    flags = (await api.call("GET", "/admin/evaluation-flags", admin)).data
    rows = {(r["kind"], r["specialty"]): r for r in flags["rows"]}
    assert rows[("leaning", "A0802")]["confirmed"] == 1
    assert rows[("leaning", "A0802")]["proposed"] == 1  # the agency leaning, undecided
    assert rows[("deviation", "A0802")]["proposed"] == 1
    assert all(r["agency"] and r["specialty_name"] for r in flags["rows"])
    bad = await api.call("GET", "/admin/evaluation-flags", admin, params={"month": "2026-13"})
    assert bad.status == 422
