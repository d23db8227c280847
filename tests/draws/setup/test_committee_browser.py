"""The committee at the desks, in headless Chromium: the handler's activity page says the
committee in words and refuses, naming the article, a committee the law does not allow; the
verifier reads it on the queue and on the whole request, and cannot approve one the law does
not allow (an older client's), the refusal in words telling her to send it back."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from models.draws import DrawActivity
from tests.support.api import Api
from tests.support.browser import screenshot, signed_in
from tests.support.draw_world import make_experts, prepared, submit

FIVE_OF_WHICH_ONE = "评标委员会 5 人：招标人代表 1 人，专家 4 人（本库抽取 4 人）"


async def test_the_verifier_reads_the_committee_and_cannot_approve_an_unlawful_one(
        api: Api, client: TestClient, demo: dict, browser: Any) -> None:
    from playwright.async_api import expect

    await make_experts(client, 10)
    aid, token = await prepared(api, demo, total=4, committee=(5, 1), submitted=False)
    desk = await signed_in(browser, client.server, demo["handler"].phone,
                           f"/console/activities/{aid}")
    await expect(desk.get_by_test_id("committee-words")).to_have_text(FIVE_OF_WHICH_ONE)
    await desk.get_by_test_id("edit-times").click()
    await desk.get_by_label("委员会人数").fill("4")
    await desk.get_by_test_id("save-times").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text(
        "评标委员会成员人数应为五人以上单数（招标投标法第三十七条），现为 4 人")
    await screenshot(desk, "var/console-activity-committee-refused.png")
    assert (await DrawActivity.get(id=aid)).committee_size == 5  # nothing lost, nothing saved
    assert (await submit(api, token, aid)).status == 200
    verifier = await signed_in(browser, client.server, demo["verifier"].phone, "/console/verify")
    await expect(verifier.get_by_test_id(f"committee-{aid}")).to_have_text(FIVE_OF_WHICH_ONE)
    await verifier.get_by_test_id(f"view-{aid}").click()
    await expect(verifier.get_by_test_id("committee")).to_have_text(FIVE_OF_WHICH_ONE)
    await expect(verifier.get_by_test_id("part-times")).to_contain_text(FIVE_OF_WHICH_ONE)
    await screenshot(verifier, "var/console-verify-committee.png")
    # a committee an older client wrote past the rule: two of five are representatives
    await DrawActivity.filter(id=aid).update(representatives=2, total=3)
    await verifier.reload()
    await verifier.get_by_test_id("approve").click()
    await expect(verifier.get_by_test_id("flash")).to_contain_text(
        "不能通过核验：评标委员会中专家不得少于成员总数的三分之二（招标投标法第三十七条）")
    await screenshot(verifier, "var/console-verify-committee-refused.png")
    assert (await DrawActivity.get(id=aid)).status == "submitted"
