"""应急 at the desks, in headless Chromium: the handler asks for an urgent draw with a reason
from the list on the activity's page, the list says 应急 with the reason, the verifier reads
it on the queue and the whole request, cannot approve without deciding it, approves it as
urgent, and the handler's page says so with the shorter window."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from models.draw_handler import ActivityUrgency
from models.draws import DrawActivity
from models.experts import ExpertProfile
from tests.support.api import Api
from tests.support.browser import screenshot, signed_in
from tests.support.draw_world import make_experts, prepared, submit


async def test_the_verifier_approves_an_urgency_at_her_desk(
        api: Api, client: TestClient, demo: dict, browser: Any) -> None:
    from playwright.async_api import expect

    experts = await make_experts(client, 8)
    await ExpertProfile.filter(id__in=[e.id for e in experts[:3]]).update(emergency_ok=True)
    aid, token = await prepared(api, demo, total=2, submitted=False)
    desk = await signed_in(browser, client.server, demo["handler"].phone,
                           f"/console/activities/{aid}")
    await desk.get_by_label("应急原因").select_option(label="自然灾害抢险救灾")
    await desk.get_by_label("补充说明（可不填）").fill("台风过境后堤防抢修")
    await desk.get_by_test_id("ask-urgency").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已申请按应急抽取")
    await expect(desk.get_by_test_id("urgency")).to_contain_text(
        "自然灾害抢险救灾（台风过境后堤防抢修） · 已申请应急，待交易中心核验")
    await desk.goto(str(client.server.make_url("/console/activities")))
    await expect(desk.get_by_test_id(f"urgency-{aid}")).to_have_text("申请应急：自然灾害抢险救灾")
    assert (await submit(api, token, aid)).status == 200
    # the trading centre: the queue says it, the whole request asks her to decide it
    verifier = await signed_in(browser, client.server, demo["verifier"].phone, "/console/verify")
    await expect(verifier.get_by_test_id(f"urgency-{aid}")).to_contain_text(
        "申请按应急抽取，原因：自然灾害抢险救灾（台风过境后堤防抢修）")
    await verifier.get_by_test_id(f"view-{aid}").click()
    await expect(verifier.get_by_test_id("urgency")).to_contain_text(
        "自然灾害抢险救灾（台风过境后堤防抢修） · 已申请应急，待交易中心核验")
    await verifier.get_by_test_id("approve").click()  # undecided: refused in words
    await expect(verifier.get_by_test_id("flash")).to_contain_text("请选择“同意按应急抽取”")
    assert (await DrawActivity.get(id=aid)).status == "submitted"
    await verifier.get_by_test_id("urgent-yes").check()
    await screenshot(verifier, "var/console-verify-urgency.png")
    await verifier.get_by_test_id("approve").click()
    await expect(verifier.get_by_test_id("flash")).to_contain_text(
        "已核验通过并同意按应急抽取（优先邀请应急专家，回复时限缩短）")
    assert (await ActivityUrgency.get(activity_id=aid)).status == "approved"
    await desk.goto(str(client.server.make_url(f"/console/activities/{aid}")))
    await expect(desk.get_by_test_id("urgency")).to_contain_text(
        "交易中心已同意按应急抽取 · 专家答复时限 5 分钟")
    await screenshot(desk, "var/console-activity-urgency.png")
