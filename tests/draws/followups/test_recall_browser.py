"""复评 by calls at the desk, in headless Chromium on the service as `make run` starts it:
the handler begins the re-evaluation notice, types their own phone for each original expert,
dials the middle number in the simulator (the expert's phone rings with that number; the
simulator shows both sides masked), records attend with the agreed time or decline, and
submits once; the attending expert's written notice arrives in chat. GD-DRAW: "工作人员在
系统中输入本人电话号码并选择与对应的评标专家发起呼叫…将商定的专家参评情况和集合时间录入系统中
并提交即可完成抽取"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestServer

from models.calls import VirtualCall
from models.draws import DrawActivity, Invitation, InvitationStatus
from models.notifications import Notification
from models.people import Person
from services.common.clock import CHINA
from services.draws.facts.oplog import Actor
from services.draws.randomness.commit import commit
from tests.support.browser import reload, screenshot, signed_in
from tests.support.draw_world import confirmed_elsewhere, the_evaluation_is_over
from tests.support.performance import answered_demo_draw
from web.context import DOMAIN

STAFF = "13712340000"


async def ended_draw_and_its_reeval(server: TestServer) -> tuple[int, list[int]]:
    """The simulator's demo draw answered 1 by every invited expert in chat, then a 复评
    of it verified by the trading centre (its pools, the original experts, committed)."""
    aid = await answered_demo_draw(server)
    assert (await DrawActivity.get(id=aid)).status == "ended"
    await the_evaluation_is_over(aid, datetime.now(UTC))
    activity = await DrawActivity.get(id=aid)
    start = (datetime.now(UTC) + timedelta(days=3)).replace(hour=1, minute=30, second=0,
                                                            microsecond=0)
    handler = await Person.get(id=activity.handler_id)
    child = await server.app[DOMAIN].draws.followups.clones.clone(
        activity, "reeval", {"bid_open_at": start - timedelta(hours=1), "eval_start": start,
                             "eval_end": start + timedelta(hours=4)}, datetime.now(UTC),
        Actor("agency", handler.id, handler.name))
    await commit(child, datetime.now(UTC))  # as verification does
    await DrawActivity.filter(id=child.id).update(status="verified")
    originals = await Invitation.filter(activity_id=aid, status=InvitationStatus.CONFIRMED
                                        ).values_list("person_id", flat=True)
    return child.id, [int(p) for p in originals]


async def call_in_the_simulator(sim: Any, answered: bool = True,
                                caller: str = "工作人员拨打") -> None:
    """The staff dials the newest binding's middle number (or the expert calls back:
    `caller` 专家回拨); the other side answers (or not); the call ends and its record has
    reached the service (the simulator hangs up once the fake has pushed it)."""
    from playwright.async_api import expect

    binding = sim.get_by_test_id("privacy").locator("li").last
    await expect(binding).to_contain_text("工作人员 137****0000")
    await binding.get_by_role("button", name=caller).click()
    if answered:
        await binding.get_by_role("button", name="接听").click()
        await expect(binding).to_contain_text("通话中")
    await binding.get_by_role("button", name="挂断").click()
    await expect(binding.get_by_role("button", name="挂断")).to_have_count(0)


async def test_the_handler_calls_the_original_experts_and_submits_the_reevaluation(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    rid, people = await ended_draw_and_its_reeval(sandbox)
    phones = [p.phone for p in await Person.filter(id__in=people)]
    desk = await signed_in(browser, sandbox, "13800000004", f"/console/activities/{rid}")
    await desk.get_by_test_id("recall-start").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已开始复评通知")
    rows = desk.get_by_test_id("originals").locator("tr[data-testid^=original-]")
    await expect(rows).to_have_count(3)
    sim = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
    await sim.goto(str(sandbox.make_url("/sandbox/")))
    agreed = (await DrawActivity.get(id=rid)).eval_start - timedelta(minutes=40)
    for n in range(3):
        row = rows.nth(n)
        await row.get_by_label("您本人的电话").fill("1371234000" if n == 0 else STAFF)
        await row.get_by_role("button", name="虚拟呼叫").click()
        if n == 0:  # a mistyped phone: refused in words, the number typed still there
            await expect(desk.get_by_test_id("flash")).to_contain_text("本人的电话号码")
            await expect(rows.nth(0).get_by_label("您本人的电话")).to_have_value("1371234000")
            await rows.nth(0).get_by_label("您本人的电话").fill(STAFF)
            await rows.nth(0).get_by_role("button", name="虚拟呼叫").click()
        await expect(desk.get_by_test_id("flash")).to_contain_text("已绑定虚拟号码 170")
        await reload(sim)
        await call_in_the_simulator(sim, answered=n != 2)
        await reload(desk)
        card = desk.locator("[data-testid^=call-]").filter(has=desk.get_by_test_id(
            "middle-number")).first
        await expect(card.get_by_test_id("call-records")).to_contain_text(
            "已接通" if n != 2 else "未接通")
        if n == 0:
            await card.get_by_label("通话结果").select_option(label="参加")
            await card.get_by_label("商定的集合时间（参加时填写）").fill(
                agreed.astimezone(CHINA).strftime("%Y-%m-%dT%H:%M"))
        else:
            await card.get_by_label("通话结果").select_option(label="不参加")
            await card.get_by_label("备注").fill("出差" if n == 1 else "回拨后告知不参加")
        if n == 2:  # nobody answered: no outcome but 未接通 until the expert calls back
            await card.get_by_role("button", name="登记结果并挂断解绑").click()
            await expect(desk.get_by_test_id("flash")).to_contain_text("还没有接通的通话记录")
            await reload(sim)
            # each step once the one before has reached the fake (clicked at once, the
            # hang-up could overtake the answer, and the desk read before the record came)
            await call_in_the_simulator(sim, caller="专家回拨")
            await reload(desk)
            card = desk.locator("[data-testid^=call-]").filter(has=desk.get_by_test_id(
                "middle-number")).first
            await expect(card.get_by_test_id("call-records")).to_contain_text("已接通")
            await card.get_by_label("通话结果").select_option(label="不参加")
            await card.get_by_label("备注").fill("回拨后告知不参加")
        if n == 0:
            await screenshot(desk, "var/console-recall-calling.png")
            # the expert was confirmed elsewhere at the same time meanwhile: refused in
            # words, with what was typed still there; once that evaluation is cancelled the
            # same form goes through
            call = await VirtualCall.filter(activity_id=rid).order_by("-id").first()
            assert call is not None
            elsewhere = await confirmed_elsewhere(await DrawActivity.get(id=rid),
                                                  call.expert_id, call.person_id)
            await card.get_by_role("button", name="登记结果并挂断解绑").click()
            await expect(desk.get_by_test_id("flash")).to_contain_text(
                "同一时段已确认参加其他评标")
            await screenshot(desk, "var/console-recall-booked.png")
            card = desk.locator("[data-testid^=call-]").filter(has=desk.get_by_test_id(
                "middle-number")).first
            await expect(card.get_by_label("商定的集合时间（参加时填写）")).to_have_value(
                agreed.astimezone(CHINA).strftime("%Y-%m-%dT%H:%M"))
            await DrawActivity.filter(id=elsewhere.id).update(status="cancelled")
        await card.get_by_role("button", name="登记结果并挂断解绑").click()
        await expect(desk.get_by_test_id("flash")).to_contain_text("已登记")
    await screenshot(sim, "var/simulator-privacy-calls.png")
    await expect(desk.get_by_test_id("submit-recall")).to_be_enabled()
    await screenshot(desk, "var/console-recall.png")
    page_text = await desk.content()
    assert not any(phone in page_text for phone in phones)  # never the experts' numbers
    await desk.get_by_test_id("submit-recall").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已提交复评参评情况：参加 1 位")
    await expect(desk.get_by_test_id("flash")).to_contain_text("不参加 2 位：")
    (written,) = await Notification.filter(kind="draw.recalled")
    assert f"{agreed.astimezone(CHINA):%H:%M}" in written.params["gather_at"]
    assert (await DrawActivity.get(id=rid)).status == "ended"
