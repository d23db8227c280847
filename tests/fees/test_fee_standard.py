"""Experts' fees by the published standard (FG-807: each library publishes its fee
standard), over real HTTP as the
administrator, the agency and the expert use it. The standard's shape is the one
财库〔2016〕198号 lets provinces set, as Shandong's does (the issue's words): "up to 3 h a
base amount, then per hour, a daily cap; a compensation when the evaluation is cancelled or
the expert must withdraw on arrival; travel and meal allowances for experts from another
city"; GD-DRAW promises 意愿评标区 experts from other cities
"交通补助与压差补助" and has the agency record 专家酬劳支付情况. The amounts are the
administrator's (here an example version)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from models.draws import DrawActivity, Invitation, InvitationStatus
from services.common.clock import CHINA, china_today
from tests.support.api import Api
from tests.support.browser import screenshot, signed_in
from tests.support.draw_world import (
    ask_withdrawal,
    drawn,
    finish,
    make_experts,
    openid_of,
    prepared,
    start_draw,
)
from tests.support.fees import EXAMPLE, evaluation_over, nine_today, publish, row_of, worked
from tests.support.wechat import Chat


async def test_each_rule_case_gives_the_amount_the_standard_says(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """2.5 h: the base; 5 h: the base and 2 further hours; 10 h: the daily cap; an expert of
    韶关市 who came to 广州 in the 意愿评标区 mode: travel and meal allowances too."""
    # a specialty the demo's pool has none of: the four made here are the whole pool
    await make_experts(client, 3, first=1000, region="4401", specialty="A0802")
    await make_experts(client, 1, first=1020, region="4402", willing=("4401",),
                       specialty="A0802")
    assert (await publish(api, demo, china_today(datetime.now(UTC)))).status == 200
    aid, token = await prepared(api, demo, total=4, region_mode="willing", specialty="A0802")
    assert (await start_draw(api, token, aid)).status == 200
    served = await finish(chat, aid)
    now = await evaluation_over(aid)
    start = nine_today(now)
    travelling = await _person_of("T-1020")
    away = next(i for i in served if i.person_id == travelling)
    local = [i for i in served if i.id != away.id]
    for item, hours in zip(local, (2.5, 5, 10), strict=True):
        await worked(item, start, hours)
    await worked(away, start, 2.5)
    fees = await api.call("GET", f"/draws/activities/{aid}/fees", token)
    assert fees.status == 200, fees.data
    assert fees.data["standard"] == "2025年评标专家劳务费标准"
    got = {i.id: row_of(fees, i) for i in served}
    # up to 3 h a base amount
    assert got[local[0].id]["computed_yuan"] == "400.00"
    assert "评标2小时30分，3小时以内 400.00元" in got[local[0].id]["breakdown"]
    # then per further hour
    assert got[local[1].id]["computed_yuan"] == "600.00"
    assert "超出2小时 × 100.00元 = 200.00元" in got[local[1].id]["breakdown"]
    # a daily cap: 400 + 7 × 100 = 1100 is more than 800
    assert got[local[2].id]["computed_yuan"] == "800.00"
    assert "超过每日最高800.00元，按最高计" in got[local[2].id]["breakdown"]
    # from another city: the travel allowance GD-DRAW promises, and meals
    assert got[away.id]["computed_yuan"] == "650.00"
    assert "异地交通补助 150.00元" in got[away.id]["breakdown"]
    assert "异地餐费补助 1天 × 100.00元" in got[away.id]["breakdown"]
    # without check-out the evaluation's planned times count (09:00 to 15:00)
    await Invitation.filter(id=local[0].id).update(checkin_at=None, checkout_at=None)
    planned = await api.call("GET", f"/draws/activities/{aid}/fees", token)
    assert row_of(planned, local[0])["computed_yuan"] == "700.00"  # 6 h: 400 + 3 × 100


async def _person_of(number: str) -> int:
    from models.experts import ExpertProfile
    return (await ExpertProfile.get(expert_number=number)).person_id


async def test_a_cancelled_evaluation_gives_the_compensation(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """财库〔2016〕198号 as Shandong applies it: "a compensation when the evaluation is
    cancelled" (here 退选, GD-DRAW), or the expert must withdraw on arrival (现场回避)."""
    await make_experts(client, 4)
    assert (await publish(api, demo, china_today(datetime.now(UTC)))).status == 200
    aid, token = await prepared(api, demo, total=2)
    assert (await start_draw(api, token, aid)).status == 200
    confirmed = await finish(chat, aid)
    assert (await ask_withdrawal(api, token, aid, "招标文件需修改，评标取消")).status == 200
    verifier = await api.login(demo["verifier"].mp_openid)
    approved = await api.call("POST", f"/verify/activities/{aid}/withdrawal", verifier,
                              {"approve": True})
    assert approved.status == 200, approved.data
    await DrawActivity.filter(id=aid).update(eval_start=datetime.now(UTC) + timedelta(hours=6))
    fees = await api.call("GET", f"/draws/activities/{aid}/fees", token)
    assert fees.status == 200, fees.data
    for item in confirmed:
        row = row_of(fees, item)
        assert row["computed_yuan"] == "200.00"
        assert row["breakdown"] == "评标取消补偿 200.00元；合计 200.00元。"


async def test_an_expert_withdrawing_on_arrival_is_compensated(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """The same standard: "the expert must withdraw on arrival" (GD-DRAW: 现场回避,
    registered by the agency)."""
    await make_experts(client, 4)
    assert (await publish(api, demo, china_today(datetime.now(UTC)))).status == 200
    aid, token = await drawn(api, chat, demo)
    now = await evaluation_over(aid)
    item = (await Invitation.filter(activity_id=aid, status="confirmed").order_by("id"))[0]
    await Invitation.filter(id=item.id).update(status=InvitationStatus.ABSENT,
                                               absence="现场回避")
    fees = await api.call("GET", f"/draws/activities/{aid}/fees", token)
    assert row_of(fees, item)["breakdown"] == "到场后回避补偿 200.00元；合计 200.00元。"
    assert now


async def test_the_agency_changes_a_fee_only_with_a_reason_the_expert_reads(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """The issue: "editable by the agency with a reason"; GD-DRAW: the agency records
    专家酬劳支付情况, the expert sees it."""
    await make_experts(client, 4)
    assert (await publish(api, demo, china_today(datetime.now(UTC)))).status == 200
    aid, token = await drawn(api, chat, demo)
    now = await evaluation_over(aid)
    item = (await Invitation.filter(activity_id=aid, status="confirmed").order_by("id"))[0]
    await worked(item, nine_today(now), 5)
    path = f"/draws/activities/{aid}/fees/{item.id}"
    refused = await api.call("PUT", path, token, {"amount_yuan": "650.00", "paid": True})
    assert refused.status == 400
    assert "600.00元" in refused.message and "调整原因" in refused.message
    assert (await Invitation.get(id=item.id)).fee_fen is None
    # the standard's amount needs no reason
    same = await api.call("PUT", path, token, {"amount_yuan": "600", "paid": False})
    assert same.status == 200 and row_of(same, item)["reason"] is None
    changed = await api.call("PUT", path, token, {"amount_yuan": "650.00", "paid": True,
                                                  "reason": "评审延长半小时，经双方确认"})
    assert changed.status == 200, changed.data
    row = row_of(changed, item)
    assert (row["amount_yuan"], row["computed_yuan"], row["reason"]) == (
        "650.00", "600.00", "评审延长半小时，经双方确认")
    log = (await api.call("GET", f"/draws/activities/{aid}/log", token)).data["entries"]
    assert any(e["reason"] == "评审延长半小时，经双方确认" for e in log)
    # the expert, in the mini-program and in chat
    openid = await openid_of(item.person_id)
    mine = await api.call("GET", "/expert/fees", await api.login(openid.replace("o_ex_",
                                                                                 "mp_ex_")))
    assert mine.status == 200
    fee = mine.data["fees"][0]
    assert (fee["amount_yuan"], fee["computed_yuan"], fee["paid"]) == ("650.00", "600.00",
                                                                      True)
    assert fee["reason"] == "评审延长半小时，经双方确认" and "超出2小时" in fee["breakdown"]
    said = (await chat.say(openid, "我的劳务费")).text
    assert "650.00元，已支付" in said and "评审延长半小时，经双方确认" in said
    assert "合计 600.00元" in said


async def test_the_standard_is_published_by_version_and_read_by_experts(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """发改办法规〔2025〕807号: each library publishes its fee standard. A new version applies
    from its effective date; an evaluation uses the version in force on its day."""
    today = china_today(datetime.now(UTC))
    expert = await api.login(demo["expert"].mp_openid)
    none_yet = await api.call("GET", "/fee-standards", expert)
    assert none_yet.status == 200 and none_yet.data["current"] is None
    past = await publish(api, demo, today - timedelta(days=1))
    assert past.status == 400 and "生效日期不能早于今天" in past.message
    cap = await publish(api, demo, today, daily_cap_yuan="300.00")
    assert cap.status == 400 and "每日最高金额不能低于基础金额" in cap.message
    # only the system administrator publishes
    handler = await api.login(demo["handler"].mp_openid)
    assert (await api.call("POST", "/admin/fee-standards", handler, {
        **EXAMPLE, "effective_from": today.isoformat()})).status == 403
    assert (await publish(api, demo, today)).status == 200
    assert (await publish(api, demo, today + timedelta(days=30), name="2026年标准",
                          base_yuan="500.00")).status == 200
    shown = await api.call("GET", "/fee-standards", expert)
    assert shown.data["current"]["name"] == "2025年评标专家劳务费标准"
    assert [s["name"] for s in shown.data["later"]] == ["2026年标准"]
    assert "评标3小时以内（含3小时）400.00元" in shown.data["current"]["text"]
    said = (await chat.say(demo["expert"].openid, "劳务费标准")).text
    assert "【现行劳务费标准】" in said and "每人每天最高800.00元" in said
    assert "【即将生效】" in said and "500.00元" in said
    assert "支付方式与代扣个税：http" in said and said.rstrip().endswith("/fee-standard")
    # an evaluation 30 days on uses the later version
    await make_experts(client, 4)
    aid, token = await drawn(api, chat, demo)
    await evaluation_over(aid)
    item = (await Invitation.filter(activity_id=aid, status="confirmed").order_by("id"))[0]
    # 09:00 China time: a two-hour evaluation within one day whenever the test runs (from
    # now + 31 days it crossed midnight between 22:00 and 24:00 and was paid for two days)
    start = datetime.combine(today + timedelta(days=31), time(9), tzinfo=CHINA)
    await DrawActivity.filter(id=aid).update(eval_start=start,
                                             eval_end=start + timedelta(hours=2))
    await Invitation.filter(activity_id=aid).update(checkin_at=None, checkout_at=None)
    fees = await api.call("GET", f"/draws/activities/{aid}/fees", token)
    assert fees.data["standard"] == "2026年标准"
    assert row_of(fees, item)["computed_yuan"] == "500.00"


async def test_the_agency_records_fees_on_its_page_in_the_browser(
        api: Api, chat: Chat, client: TestClient, demo: dict, browser: Any) -> None:
    """GD-DRAW: the agency records 专家酬劳支付情况 at its desk; FG-807: fees by the
    published standard, another amount with its reason. In Chromium: the computed fee and
    its breakdown are shown, another amount without a reason is refused with what was typed
    kept, with a reason it is recorded."""
    from playwright.async_api import expect

    await make_experts(client, 4)
    assert (await publish(api, demo, china_today(datetime.now(UTC)))).status == 200
    aid, _ = await drawn(api, chat, demo)
    now = await evaluation_over(aid)
    item = (await Invitation.filter(activity_id=aid, status="confirmed").order_by("id"))[0]
    await worked(item, nine_today(now), 5)
    desk = await signed_in(browser, client.server, demo["handler"].phone,
                           f"/console/activities/{aid}/fees")
    fees = desk.get_by_test_id("fees")
    await expect(fees).to_contain_text("600.00元")
    await expect(fees).to_contain_text("超出2小时")
    row = fees.locator("tr", has_text="600.00元").first
    # a button's word on one line, never 保/存 stacked in a squeezed column
    box = await row.get_by_role("button", name="保存").bounding_box()
    assert box is not None and box.get("height", 0) < 40, box
    await row.get_by_role("textbox").first.fill("650.00")
    await row.get_by_role("button", name="保存").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("调整原因")
    row = desk.get_by_test_id("fees").locator("tr", has_text="600.00元").first
    await expect(row.get_by_role("textbox").first).to_have_value("650.00")
    await row.get_by_role("textbox").nth(1).fill("评审延长半小时，经双方确认")
    await row.get_by_role("button", name="保存").click()
    await expect(desk.get_by_test_id("fees")).to_contain_text("已登记 650.00元")
    await screenshot(desk, "var/console-fees.png")
    stored = await Invitation.get(id=item.id)
    assert stored.fee_fen == 65000 and stored.fee_reason == "评审延长半小时，经双方确认"
