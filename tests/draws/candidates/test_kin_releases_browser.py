"""亲属回避确认 in Chromium: the system administrator reads a relation declared between two
experts confirmed for one evaluation — when, who declared, whom, never the project — and
confirms that both withdraw; both places go only then, and each expert is told."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from models.draws import Invitation, InvitationStatus
from models.notifications import Notification
from models.people import Person
from tests.support.api import Api
from tests.support.browser import screenshot, signed_in
from tests.support.draw_world import finish, make_experts, prepared, start_draw
from tests.support.wechat import Chat
from web.context import DOMAIN

SPECIALTY = "A0802"  # none of the demo's experts has it: the two made here are the pool


async def test_the_administrator_confirms_both_withdraw_and_only_then_they_do(
        api: Api, client: TestClient, chat: Chat, demo: dict, browser: Any) -> None:
    from playwright.async_api import expect

    a, b = await make_experts(client, 2, first=1580, specialty=SPECIALTY)
    aid, _ = await prepared(api, demo, total=2, specialty=SPECIALTY)
    assert (await start_draw(api, _, aid)).status == 200
    assert len(await finish(chat, aid)) == 2
    number = client.app[DOMAIN].vault.decrypt((await Person.get(id=a.person_id)).id_number_enc)
    declared = await api.call("PUT", "/expert/relatives", await api.login("mp_ex_1581"), {
        "items": [{"relation": "lineal", "name": "专家1580", "id_number": number}]})
    assert declared.status == 200, declared.data

    desk = await signed_in(browser, client.server, demo["admin"].phone, "/console/home")
    await desk.get_by_role("link", name="亲属回避确认").click()
    await expect(desk.get_by_test_id("kin-hint")).to_contain_text("无法协商一致的，双方均需回避")
    (case,) = await desk.get_by_test_id("kin-hint").locator("~ div.card").all()
    await expect(case).to_contain_text("申报人：专家1581")
    await expect(case).to_contain_text("专家1580（T-1580）")
    await expect(case).not_to_contain_text("某市第一中学")  # the committee stays sealed
    await expect(case.get_by_label("确认，双方均回避（无法协商一致）")).to_be_checked()
    await expect(case.get_by_label("确认，协商一致由另一方回避，专家1581留任")).to_be_visible()
    # nobody has lost a place yet
    assert {i.status for i in await Invitation.filter(activity_id=aid)} == {
        InvitationStatus.CONFIRMED}
    await screenshot(desk, "var/console-kin-releases.png")
    await case.get_by_role("button", name="提交").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("亲属回避已处理（已确认）")
    await expect(desk.get_by_test_id("no-kin")).to_be_visible()
    await expect(desk.get_by_test_id("kin-decided")).to_contain_text("已确认")
    assert {(i.status, i.absence) for i in await Invitation.filter(activity_id=aid)} == {
        (InvitationStatus.ABSENT, "亲属回避")}
    told = await Notification.filter(kind="draw.kin_released").values_list("person_id",
                                                                            flat=True)
    assert sorted(told) == sorted([a.person_id, b.person_id])
    await screenshot(desk, "var/console-kin-released.png")
