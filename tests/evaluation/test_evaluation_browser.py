"""The evaluation heard, at the desks, in headless Chromium on the service as `make run`
starts it: the system administrator registers the centre's evaluation system (a bad key
refused with what was typed kept); the system posts its score table with one deviating
expert and a late arrival; the agency confirms the deviation with a reason (a blank reason
refused, the choice kept) and dismisses the other; the expert reads why on the record's
page and disputes it; the administrator reads the month's proposals and the portrait."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestServer

from models.evaluation.scores import RecordProposal
from models.experts import ExpertProfile
from models.notifications import Notification
from models.people import Person
from services.common.clock import CHINA
from services.demo_codes import demo_credit_code, demo_id
from services.federation import Identity, Keys
from tests.support.browser import screenshot, signed_in, simulator
from tests.support.evaluation import BIDDERS, System, table
from tests.support.performance import ended_demo_draw
from tests.support.phone import openid_of
from web.context import DOMAIN

SYSTEM = Identity("GZPB", "广州公共资源交易中心电子评标系统", Keys.new_private())


async def test_registered_scored_decided_read_and_disputed_at_the_desks(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    aid, served = await ended_demo_draw(sandbox)
    assert len(served) == 3  # a committee the median can judge
    admin = await signed_in(browser, sandbox, "13800000007", "/console/evaluation-systems")
    form = admin.get_by_test_id("system-form-new")
    await form.get_by_label("系统代码").fill(SYSTEM.code)
    await form.get_by_label("名称").fill(SYSTEM.name)
    await form.get_by_label("服务的交易中心").select_option(label="广州市公共资源交易中心")
    await form.get_by_label("对方的公钥").fill("not-a-key")
    await form.get_by_role("button", name="登记").click()
    await expect(admin.get_by_test_id("refusal")).to_contain_text("公钥格式不正确")
    form = admin.get_by_test_id("system-form-new")
    await expect(form.get_by_label("名称")).to_have_value(SYSTEM.name)  # nothing lost
    await form.get_by_label("对方的公钥").fill(SYSTEM.public_key())
    await form.get_by_role("button", name="登记").click()
    await expect(admin.get_by_test_id("flash")).to_contain_text("已保存电子评标系统")
    row = admin.get_by_test_id(f"system-{SYSTEM.code}")
    await expect(row).to_contain_text("广州市公共资源交易中心")
    await expect(row).to_contain_text("启用")
    key = await admin.get_by_test_id("public-key").inner_text()
    assert key.startswith("sm2:")  # the SM2 key first; the Ed25519 one kept for the others
    await expect(admin.get_by_test_id("library-key")).to_contain_text("公钥（SM2）")
    await expect(admin.get_by_test_id("legacy-public-key")).to_be_visible()
    code = (await admin.get_by_test_id("library-key").inner_text()).split("代码")[1].split(
        "，")[0].strip()
    await screenshot(admin, "var/console-evaluation-systems.png")

    system = System(SYSTEM)
    system.knows(str(sandbox.make_url("")), code, key)
    codes = [str(i.code) for i in served]
    path = f"/evaluation/v1/activities/{aid}"
    await system.call("PUT", f"{path}/bidders", {"bidders": BIDDERS})
    kept = await system.call("POST", f"{path}/scores", table(codes, {
        (2, BIDDERS[0]["key"], "C1"): 38}))
    assert kept["proposals"] == 1
    await system.call("POST", f"{path}/events", {
        "event_id": "E-9", "expert": codes[0], "kind": "late",
        "at": (datetime.now(UTC) - timedelta(hours=5)).isoformat(), "note": "迟到20分钟"})

    desk = await signed_in(browser, sandbox, "13800000004",
                           f"/console/activities/{aid}/performance")
    await expect(desk.get_by_test_id("proposals-note")).to_be_visible()
    card = desk.get_by_test_id(f"performance-{served[2].id}")
    proposal = card.locator("[data-testid^=proposal-]").first
    await expect(proposal).to_contain_text("评分偏离")
    await expect(proposal).to_contain_text("广州甲建设有限公司的技术方案评 38 分")
    await expect(proposal).to_contain_text("偏离 20.0%")
    await proposal.get_by_label("确认后记入").select_option(
        label="不按照招标文件规定的评标标准和方法评标")
    await proposal.get_by_label("理由").fill("   ")
    await proposal.get_by_role("button", name="确认，记入履职记录").click()
    await expect(desk.get_by_test_id("refusal")).to_contain_text("理由")
    proposal = desk.get_by_test_id(f"performance-{served[2].id}").locator(
        "[data-testid^=proposal-]").first
    await expect(proposal.get_by_label("确认后记入")).to_have_value("tbl71-3")
    await proposal.get_by_label("理由").fill("技术方案评分与评标办法明显不符，经复核属实")
    await proposal.get_by_role("button", name="确认，记入履职记录").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已确认这条履职建议")
    late = desk.get_by_test_id(f"performance-{served[0].id}").locator(
        "[data-testid^=proposal-]").first
    await expect(late).to_contain_text("迟到20分钟")
    await late.get_by_label("理由").fill("签到记录显示按时到场，系统误报")
    await late.get_by_role("button", name="不予采纳").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("不予采纳")
    card = desk.get_by_test_id(f"performance-{served[2].id}")
    await expect(card.get_by_test_id("proposal-status")).to_have_text("已确认，记入履职记录")
    await card.get_by_label("评分（0–100）").fill("80")
    await card.get_by_role("button", name="保存记录").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("履职情况已记录")
    await screenshot(desk, "var/console-performance-proposals.png")
    # the agency asks the committee to re-check (Art. 45 (八)): a blank reason refused, then
    # the request on its way to the system
    ask = desk.get_by_test_id("review-ask")
    await ask.get_by_label("说明（必填，发送给评标委员会）").fill("技术方案评分偏离较大，请复核")
    await ask.get_by_test_id("review-send").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已要求评标委员会复核")
    await expect(desk.get_by_test_id("review-1")).to_contain_text("技术方案评分偏离较大")
    # the committee corrects a score before signing (GPL-87-64), then signs: the agency
    # reads the case, the committee's reason and what changed
    await system.call("POST", f"{path}/scores/corrections", {
        "correction_id": "K-1", "case": "out_of_range",
        "reason": "分项评分超出评分标准范围，评标委员会复核后当场修改",
        "table": table(codes, {(2, BIDDERS[0]["key"], "C1"): 38,
                               (0, BIDDERS[1]["key"], "C1"): 28})})
    await system.call("POST", f"{path}/report", {})
    await desk.reload()
    corrected = desk.get_by_test_id("correction-K-1")
    await expect(corrected).to_contain_text("分项评分超出评分标准范围")
    await expect(corrected).to_contain_text("广州乙建设有限公司")
    await expect(desk.get_by_test_id("report-signed")).to_contain_text("不再接受更正")
    await screenshot(desk, "var/console-performance-corrections.png")

    # the expert's page from the notice: the record with why, and a dispute
    told = await Notification.filter(kind="performance.recorded",
                                      person_id=served[2].person_id).first()
    assert told is not None and told.params["link"]
    page = await browser.new_page()
    await page.goto(told.params["link"])
    await expect(page.locator("body")).to_contain_text("不按照招标文件规定的评标标准和方法评标")
    await expect(page.get_by_test_id("proposal")).to_contain_text("偏离 20.0%")
    await expect(page.get_by_test_id("proposal")).to_contain_text("经复核属实")
    await page.get_by_label("您的说明").fill("该项按评标办法第3条评分，已在评标报告中说明理由")
    await page.get_by_test_id("dispute").check()
    await page.get_by_test_id("reply").click()
    await expect(page.get_by_test_id("replied")).to_contain_text("申请复核")
    await screenshot(page, "var/web-performance-proposal.png")
    # and in the mini-program: the basis with its numbers, the agency's reason, the portrait
    phone = await simulator(browser, sandbox)
    await phone.get_by_test_id(f"user-{await openid_of(served[2].person_id)}").click()
    await phone.get_by_test_id("tab-mp").click()
    await phone.get_by_test_id("mp-tile-records").click()
    mine = phone.locator("[data-testid^=mp-proposal-]").first
    await expect(mine.get_by_test_id("mp-proposal-basis")).to_contain_text("偏离 20.0%")
    await expect(mine.get_by_test_id("mp-proposal-reason")).to_contain_text("经复核属实")
    await phone.get_by_test_id("mp-home").click()
    await phone.get_by_test_id("mp-tile-portrait").click()
    await expect(phone.get_by_test_id("mp-dimension-scoring")).to_contain_text("评分表 1 次")
    await expect(phone.get_by_test_id("mp-dimension-conduct")).to_contain_text(
        "不按照招标文件规定的评标标准和方法评标")
    await screenshot(phone, "var/simulator-mp-portrait.png")

    # the administrator: the month's proposals and the expert's portrait
    number = (await ExpertProfile.get(id=served[2].expert_id)).expert_number
    # the month the proposals were made in (China time), not the page's: a run across a
    # month's last midnight opens on the new month, which has none yet
    made = await RecordProposal.filter(activity_id=aid).order_by("id").first()
    assert made is not None
    month = made.created_at.astimezone(CHINA).strftime("%Y-%m")
    await admin.goto(str(sandbox.make_url(f"/console/portraits?number={number}&month={month}")))
    flags = admin.get_by_test_id("flags")
    await expect(flags).to_contain_text("评分偏离")
    await expect(flags).to_contain_text("现场事件")
    await expect(admin.get_by_test_id("dimension-scoring")).to_contain_text("评分表 1 次")
    await expect(admin.get_by_test_id("dimension-conduct")).to_contain_text(
        "不按照招标文件规定的评标标准和方法评标（专家申请复核）")
    await expect(admin.get_by_test_id("dimension-credit")).to_contain_text("信用分")
    await screenshot(admin, "var/console-portraits.png")
    # found by name as well: one expert of that name opens at once; a namesake makes a
    # list to choose from by number; a name nobody has is said so
    profile = await ExpertProfile.get(id=served[2].expert_id)
    name = (await Person.get(id=profile.person_id)).name
    await admin.goto(str(sandbox.make_url("/console/portraits")))
    await admin.get_by_label("专家编号或姓名（查看画像）").fill(name)
    await admin.get_by_test_id("look").click()
    await expect(admin.get_by_test_id("portrait")).to_contain_text(f"（{number}）")
    vault, id_number = sandbox.app[DOMAIN].vault, demo_id("440104", date(1971, 3, 1), 7, True)
    person = await Person.create(  # another expert of the same name
        name=name, id_number_enc=vault.encrypt(id_number),
        id_number_hash=vault.lookup_hash(id_number), id_masked=id_number[:6] + "********" +
        id_number[-4:], gender="M", birth_year=1971)
    twin = await ExpertProfile.create(
        person_id=person.id, expert_number="TWIN-1", region="4401", willing_regions=["4401"],
        work_unit="另一设计院", unit_credit_code=demo_credit_code(7777), title_level="正高",
        industry="住建")
    await admin.get_by_test_id("look").click()
    await expect(admin.get_by_test_id("namesakes")).to_contain_text(twin.expert_number)
    await expect(admin.get_by_test_id("portrait")).to_have_count(0)
    await screenshot(admin, "var/console-portraits-namesakes.png")
    await admin.get_by_test_id(f"namesake-{number}").click()
    await expect(admin.get_by_test_id("portrait")).to_contain_text(f"（{number}）")
    await admin.get_by_label("专家编号或姓名（查看画像）").fill("查无此人")
    await admin.get_by_test_id("look").click()
    await expect(admin.get_by_test_id("refusal")).to_contain_text("没有名为“查无此人”的专家")
