"""Performance records at the desk, in headless Chromium on the service as `make run` starts
it (CK-198, 财库〔2016〕198号: "评审活动结束后5个工作日内……记录评审专家的职责履行情况"; the
expert "可以……查询本人职责履行情况记录，并就有关情况作出说明"; TBL-REG Art. 71 (二): 擅离职守):
the agency's handler records a late arrival and an offence (a score out of range is refused
with what was typed kept), the expert disputes it, and the system administrator reviews it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp.test_utils import TestServer

from models.notifications import Notification
from models.people import Person
from models.performance import PerformanceRecord
from services.draws.record.performance import Performance
from tests.support.browser import reload, screenshot, signed_in
from tests.support.performance import ended_demo_draw

COMMENT = "开标后40分钟到场，评审中离开评标室约1小时"


async def test_the_agency_records_the_expert_disputes_the_administrator_reviews(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    _, served = await ended_demo_draw(sandbox)
    first = served[0]
    name = (await Person.get(id=first.person_id)).name
    desk = await signed_in(browser, sandbox, "13800000004", "/console/performance")
    listed = desk.get_by_test_id("performance-evaluations")
    await expect(listed).to_contain_text(f"0/{len(served)} 人")
    await listed.get_by_role("link", name="记录").click()
    await expect(desk.get_by_test_id("performance-deadline")).to_contain_text("前记录")
    card = desk.get_by_test_id(f"performance-{first.id}")
    await expect(card).to_contain_text(name)
    await card.get_by_label("迟到").check()
    await card.get_by_label("擅离职守").check()
    await card.get_by_label("评分（0–100）").fill("150")
    await card.get_by_label("评语").fill(COMMENT)
    await card.get_by_role("button", name="保存记录").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("评分")
    # what was typed is still there
    card = desk.get_by_test_id(f"performance-{first.id}")
    await expect(card.get_by_label("迟到")).to_be_checked()
    await expect(card.get_by_label("擅离职守")).to_be_checked()
    await expect(card.get_by_label("评语")).to_have_value(COMMENT)
    await card.get_by_label("评分（0–100）").fill("70")
    await card.get_by_role("button", name="保存记录").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("履职情况已记录")
    card = desk.get_by_test_id(f"performance-{first.id}")
    await expect(card).to_contain_text("已记录")
    await expect(card.get_by_role("button", name="修改记录")).to_be_visible()
    await screenshot(desk, "var/console-performance.png")
    # the expert is told
    assert await Notification.exists(kind="performance.recorded", person_id=first.person_id)

    # the expert disputes it (the mini-program's reply, the same service)
    record = await PerformanceRecord.get(invitation_id=first.id)
    await Performance.reply(first.person_id, record.id,
                            "因地铁故障迟到，已电话告知；离开系经评标委员会同意", True,
                            datetime.now(UTC))
    await reload(desk)
    card = desk.get_by_test_id(f"performance-{first.id}")
    await expect(card.get_by_test_id("reply")).to_contain_text("已申请复核")
    await expect(card.get_by_role("button", name="修改记录")).to_have_count(0)

    admin = await signed_in(browser, sandbox, "13800000007", "/console/performance-disputes")
    dispute = admin.get_by_test_id(f"dispute-{record.id}")
    await expect(dispute).to_contain_text("因地铁故障迟到")
    await expect(dispute).to_contain_text("到场：迟到")
    await expect(dispute).to_contain_text("擅离职守")
    await screenshot(admin, "var/console-performance-disputes.png")
    await dispute.get_by_label("更正记录（按下面的内容）").check()
    await dispute.get_by_text("更正后的记录").click()
    await dispute.get_by_label("擅离职守").uncheck()
    await dispute.get_by_label("评分（0–100）").fill("85")
    await dispute.get_by_label("复核意见（专家可见）").fill("经核实离开系经同意，撤销擅离职守")
    await dispute.get_by_role("button", name="提交复核").click()
    await expect(admin.get_by_test_id("flash")).to_contain_text("复核已提交")
    await expect(admin.get_by_test_id("no-disputes")).to_be_visible()
    await expect(admin.get_by_test_id("reviewed")).to_contain_text("已更正记录")
    assert await Notification.exists(kind="performance.reviewed", person_id=first.person_id)
    await screenshot(admin, "var/console-performance-reviewed.png")
    await admin.goto(str(sandbox.make_url("/console/conduct-items")))
    await expect(admin.get_by_test_id("conduct-items").get_by_label("名称").first
                 ).to_have_value("应当回避而不回避")
    await screenshot(admin, "var/console-conduct-items.png")
    # the handler has no administrator's page
    await desk.goto(str(sandbox.make_url("/console/conduct-items")))
    await expect(desk.locator("body")).not_to_contain_text("新增履职问题")


async def test_the_agency_registers_a_no_show_records_it_and_the_credit_rule_counts_it(
        sandbox: TestServer, browser: Any) -> None:
    """Absence is part of the record. GD-DRAW: "登记专家缺席原因并提交缺席登记"."""
    from playwright.async_api import expect

    aid, served = await ended_demo_draw(sandbox)
    absent = served[-1]
    desk = await signed_in(browser, sandbox, "13800000004", f"/console/activities/{aid}")
    await desk.get_by_label("专家手机号或验证码").fill(absent.code or "")
    await desk.get_by_label("情形").select_option("缺席")
    await desk.get_by_test_id("register-absence").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已登记")
    await desk.goto(str(sandbox.make_url(f"/console/activities/{aid}/performance")))
    card = desk.get_by_test_id(f"performance-{absent.id}")
    await expect(card.get_by_test_id("absence")).to_have_text("登记缺席")
    await expect(card).to_contain_text("未到场（已登记缺席）")
    await expect(card.get_by_label("评分（0–100）")).to_have_count(0)
    await card.get_by_label("评语").fill("未到场，未提前请假")
    await card.get_by_role("button", name="保存记录").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("履职情况已记录")
    card = desk.get_by_test_id(f"performance-{absent.id}")
    await expect(card).to_contain_text("已记录")
    await screenshot(desk, "var/console-performance-absent.png")
    record = await PerformanceRecord.get(invitation_id=absent.id)
    assert (record.absence, record.comment) == ("缺席", "未到场，未提前请假")

    admin = await signed_in(browser, sandbox, "13800000007", "/console/credit-rule")
    await expect(admin.get_by_label("每次登记缺席扣分")).to_have_value("20")
    await admin.get_by_label("每次登记请假扣分").fill("5")
    await admin.get_by_test_id("save-credit-rule").click()
    await expect(admin.get_by_test_id("flash")).to_contain_text("信用规则已保存")
    await expect(admin.get_by_label("每次登记请假扣分")).to_have_value("5")
    await screenshot(admin, "var/console-credit-rule.png")
