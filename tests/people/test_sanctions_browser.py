"""The system administrator's sanctions and caps in headless Chromium (招标投标法实施条例
Art. 71: "禁止其在一定期限内参加依法必须进行招标的项目的评标"): a suspension without its end
date is refused with what was typed kept, then decided and shown in words as in force; the
expert's appeal is ruled on the same page; the caps are saved and shown again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestServer

from models.experts import ExpertProfile
from models.people import Person, Role, RoleGrant
from services.common.clock import china_today
from tests.support.browser import screenshot, signed_in


async def test_the_administrator_suspends_an_expert_and_rules_on_the_appeal(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    today = china_today(datetime.now(UTC))
    desk = await signed_in(browser, sandbox, "13800000007", "/console/sanctions")
    await expect(desk.get_by_test_id("sanctions")).to_contain_text("目前没有生效中的处分")
    await desk.get_by_label("专家编号", exact=True).fill("GD-ZJ-000001")
    await desk.get_by_label("处理", exact=True).select_option("suspension")
    await desk.get_by_label("开始日期").fill(today.isoformat())
    await desk.get_by_label("擅离职守").check()
    await desk.get_by_label("事实和依据（专家会收到）").fill("2026年11月20日评标中途离开评标现场")
    await desk.get_by_test_id("decide-sanction").click()
    # no end date for a suspension: refused, and what was typed is still there
    await expect(desk.get_by_test_id("flash")).to_contain_text("须填写截止日期")
    await expect(desk.get_by_label("事实和依据（专家会收到）")).to_have_value(
        "2026年11月20日评标中途离开评标现场")
    await expect(desk.get_by_label("擅离职守")).to_be_checked()
    await desk.get_by_label("截止日期（暂停评标资格必填，含当天）").fill(
        (today + timedelta(days=89)).isoformat())
    await desk.get_by_test_id("decide-sanction").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已对李建国作出“暂停评标资格”的处理")
    table = desk.get_by_test_id("sanctions")
    await expect(table).to_contain_text("李建国")
    await expect(table.get_by_test_id("in-force")).to_have_text("生效中")
    await expect(table).to_contain_text("擅离职守")
    end = today + timedelta(days=89)
    await expect(table).to_contain_text(f"至{end.year}年{end.month}月{end.day}日")
    await expect(table).not_to_contain_text("suspension")
    await screenshot(desk, "var/console-sanctions.png")
    # the expert appeals (in the mini-program); the administrator rules on it here
    person = await Person.get(id=(await RoleGrant.get(expert_number="GD-ZJ-000001",
                                                      role=Role.EXPERT)).person_id)
    profile = await ExpertProfile.get(person_id=person.id)
    from models.sanctions import Sanction
    item = await Sanction.get(expert_id=profile.id)
    await Sanction.filter(id=item.id).update(appeal="当日突发疾病，已向评标委员会组长报告。",
                                             appealed_at=datetime.now(UTC))
    await desk.get_by_test_id("view-appealed").click()
    await desk.get_by_test_id(f"uphold-{item.id}").check()
    await desk.get_by_label("复核意见（专家会收到）").fill("未能提供报告记录，维持处理。")
    await desk.get_by_test_id(f"rule-{item.id}").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("李建国的申诉已复核：维持处理")
    await desk.get_by_test_id("view-all").click()
    await expect(desk.get_by_test_id(f"sanction-{item.id}")).to_contain_text("维持处理")
    await screenshot(desk, "var/console-sanctions-ruled.png")
    # one expert's sanctions with their credit, and how it came about
    await desk.goto(str(sandbox.make_url(
        "/console/sanctions?view=all&expert_number=GD-ZJ-000001")))
    how = desk.get_by_test_id("credit-explained")
    await expect(how).to_contain_text("暂停评标资格 1 次，扣 30 分")
    await expect(how).to_contain_text("90 分及以上为 A")
    await screenshot(desk, "var/console-sanctions-credit.png")
    # the caps: saved and shown again
    await desk.goto(str(sandbox.make_url("/console/draw-policy")))
    await desk.get_by_label("为同一招标人最多参加（次）").fill("2")
    await desk.get_by_test_id("save-policy").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("抽取次数限制已保存")
    await expect(desk.get_by_label("为同一招标人最多参加（次）")).to_have_value("2")
    await expect(desk.get_by_label("每名专家最多参加（次）")).to_have_value("")
    await screenshot(desk, "var/console-draw-policy.png")
    # an agency's handler has no such page
    handler = await signed_in(browser, sandbox, "13800000004", "/console/sanctions")
    await expect(handler.locator("body")).not_to_contain_text("作出处分")
