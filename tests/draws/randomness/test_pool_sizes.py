"""How predictable a draw is (中国招标 2024-01-02 "名单泄露风险"; docs/rules-that-are-ours.md):
before the start the handler and the verifier read each condition's candidates and the
largest chance any one has of being drawn; a pool under three times its places is approved
only when the verifier says she knows it, in words otherwise; the statistics count such
draws by month."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiohttp.test_utils import TestClient

from models.draws import DrawActivity, DrawLog
from models.experts import Unavailability
from services.common.clock import CHINA
from services.draws.randomness.pool_size import largest_chance
from tests.support.api import Api
from tests.support.browser import screenshot, signed_in
from tests.support.draw_world import make_experts, prepared, start_draw

SPECIALTY = "A0802"  # none of the demo's experts has it: the experts made here are the pool


def test_the_largest_chance_is_the_places_over_the_candidates_or_the_heaviest_share() -> None:
    assert largest_chance(3, [1] * 5) == Decimal("60.0")
    assert largest_chance(1, [4, 1, 1]) == Decimal("66.7")
    assert largest_chance(3, [4, 1, 1]) == Decimal("100")  # capped
    assert largest_chance(2, []) is None  # nobody to draw


async def test_a_small_pool_is_said_and_approved_only_knowingly(
        api: Api, client: TestClient, demo: dict) -> None:
    await make_experts(client, 5, first=1400, region="440106", specialty=SPECIALTY)
    aid, token = await prepared(api, demo, total=2, specialty=SPECIALTY, verify=False)
    sizes = await api.call("GET", f"/draws/activities/{aid}/pool-sizes", token)
    assert sizes.status == 200, sizes.data
    (one,) = sizes.data["conditions"]
    assert (one["planned"], one["candidates"], one["small"]) == (2, 5, True)
    assert Decimal(one["largest_chance"]) == Decimal("40.0")
    verifier = await api.login(demo["verifier"].mp_openid)
    blind = await api.call("POST", f"/verify/activities/{aid}", verifier, {"approve": True})
    assert blind.status == 409 and "条件1候选人 5 名、名额 2 个" in blind.message
    assert (await DrawActivity.get(id=aid)).status == "submitted"  # nothing decided
    queue = await api.call("GET", "/verify/activities", verifier)
    assert [a["small_pools"] for a in queue.data["activities"] if a["id"] == aid] == [1]
    known = await api.call("POST", f"/verify/activities/{aid}", verifier,
                           {"approve": True, "small_pool_ok": True})
    assert known.status == 200, known.data
    entry = await DrawLog.get(activity_id=aid, action="verify")
    assert entry.detail["small_pools"] == [one["condition_id"]]
    assert (await start_draw(api, token, aid)).status == 200  # (statistics count started ones)
    # a pool large enough needs nobody's word (the two invited by the draw above are
    # booked at that time: not counted)
    await make_experts(client, 3, first=1410, region="440106", specialty=SPECIALTY)
    other, _ = await prepared(api, demo, total=2, specialty=SPECIALTY, verify=False)
    fine = await api.call("POST", f"/verify/activities/{other}", verifier, {"approve": True})
    assert fine.status == 200, fine.data
    assert "small_pools" not in (await DrawLog.get(activity_id=other, action="verify")).detail
    admin = await api.login(demo["admin"].mp_openid)
    month = (await DrawActivity.get(id=aid)).eval_start.astimezone(CHINA).strftime("%Y-%m")
    figures = await api.call("GET", "/admin/statistics", admin,
                             params={"from_month": month, "to_month": month})
    assert figures.data["total"]["small_pools"] == 1


async def test_the_pool_counts_only_whom_the_draw_will_invite(
        api: Api, client: TestClient, demo: dict) -> None:
    """Seven match the condition, but two declared the evaluation day off: the draw would
    pass over them, so the pool is five, small for two places, and says who it leaves out."""
    experts = await make_experts(client, 7, first=1430, region="440106", specialty=SPECIALTY)
    aid, token = await prepared(api, demo, total=2, specialty=SPECIALTY, verify=False)
    day = (await DrawActivity.get(id=aid)).eval_start.astimezone(CHINA).date()
    for expert in experts[:2]:  # 日程管理: the day declared off
        await Unavailability.create(person_id=expert.person_id, date_from=day, date_to=day,
                                    reason="出差")
    (one,) = (await api.call("GET", f"/draws/activities/{aid}/pool-sizes", token)
              ).data["conditions"]
    assert (one["candidates"], one["small"]) == (5, True)
    assert Decimal(one["largest_chance"]) == Decimal("40.0")
    assert one["passed_over"] == [{"reason": "已申报评标当天不能参加", "count": 2}]
    verifier = await api.login(demo["verifier"].mp_openid)
    blind = await api.call("POST", f"/verify/activities/{aid}", verifier, {"approve": True})
    assert blind.status == 409 and "条件1候选人 5 名、名额 2 个" in blind.message
    shown = (await api.call("GET", f"/verify/activities/{aid}/pool-sizes", verifier)
             ).data["conditions"]
    assert shown[0]["passed_over"] == one["passed_over"]


async def test_the_verifier_reads_the_pool_and_confirms_it_at_her_desk(
        api: Api, client: TestClient, demo: dict, browser: Any) -> None:
    from playwright.async_api import expect

    experts = await make_experts(client, 5, first=1420, region="440106", specialty=SPECIALTY)
    aid, _ = await prepared(api, demo, total=2, specialty=SPECIALTY, verify=False)
    day = (await DrawActivity.get(id=aid)).eval_start.astimezone(CHINA).date()
    await Unavailability.create(person_id=experts[0].person_id, date_from=day, date_to=day)
    desk = await signed_in(browser, client.server, demo["verifier"].phone,
                           f"/console/verify/{aid}/request")
    sizes = desk.get_by_test_id("pool-sizes")
    await expect(sizes).to_contain_text("候选人较少")
    await expect(desk.get_by_test_id("pool-size-1")).to_contain_text("50.0%")  # 4 of 5
    await expect(desk.get_by_test_id("pool-passed-1")).to_contain_text(
        "另有 1 人符合条件但抽取时会被跳过：已申报评标当天不能参加 1 人")
    await desk.get_by_test_id("approve").click()  # without the tick: refused in words
    await expect(desk.get_by_test_id("flash")).to_contain_text("候选人较少，抽取结果容易被预料")
    await screenshot(desk, "var/console-verify-pool.png")
    await desk.get_by_test_id("small-pool-ok").check()
    await desk.get_by_test_id("approve").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("通过")
    assert (await DrawActivity.get(id=aid)).status == "verified"
