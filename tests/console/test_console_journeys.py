"""Whole journeys through the console in headless Chromium, on the service as `make run`
starts it (sandbox mode: the simulator is the experts' WeChat). The agency
prepares, submits and runs a draw while an expert answers in the simulator, the verifier
verifies, the agency sees the results unseal, prints them and downloads them (read back
with openpyxl); an administrator opens a batch and answers feedback written in chat."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestServer
from openpyxl import load_workbook

from models.draws import DrawActivity, Invitation, InvitationStatus
from models.wechat import Channel, WeChatIdentity
from services.common.clock import CHINA
from services.demo_codes import demo_credit_code
from services.demo_draws import DEMO_POOL_SPECIALTY
from tests.support.applications import PDF
from tests.support.browser import screenshot, signed_in
from tests.support.draw_world import the_results_unseal

LOCAL = "%Y-%m-%dT%H:%M"






async def pick_condition(desk: Any) -> None:
    """广州市 from the region picker, the demo pool's specialty found by its name."""
    from playwright.async_api import expect

    regions = desk.get_by_test_id("condition-regions")
    await regions.get_by_label("省").select_option(label="广东省")
    await regions.get_by_label("市").select_option(label="广州市")
    await regions.get_by_role("button", name="添加").click()
    await expect(regions).to_contain_text("广东省广州市")
    main = desk.get_by_test_id("main-specialty")
    await main.get_by_role("searchbox").fill("建筑智能化")
    await main.get_by_role("option").first.click()
    await expect(main.get_by_role("searchbox")).to_have_value(
        "工程 / 房屋建筑 / 建筑智能化工程")
    assert DEMO_POOL_SPECIALTY == "A0103"  # 建筑智能化工程
    await desk.get_by_label("人数", exact=True).fill("1")


async def test_a_draw_from_the_desk_with_the_expert_answering_in_the_simulator(
        sandbox: TestServer, browser: Any, tmp_path: Any) -> None:
    from playwright.async_api import expect

    start = (datetime.now(UTC) + timedelta(days=2)).astimezone(CHINA).replace(
        hour=9, minute=0)
    desk = await signed_in(browser, sandbox, "13800000004", "/console/projects")
    # 登记项目 with its sections
    await desk.get_by_label("项目名称").fill("某区人民医院门诊楼改造工程")
    await desk.get_by_label("项目编号").fill("GZ-2026-1123-B")
    # 项目所在地 picked, never typed as a code: 广东省 > 广州市 > 天河区
    where = desk.get_by_test_id("project-region")
    await where.get_by_label("省").select_option(label="广东省")
    await where.get_by_label("市").select_option(label="广州市")
    await where.get_by_label("区县").select_option(label="天河区")
    await expect(where).to_contain_text("广东省广州市天河区")
    await desk.get_by_label("招标项目类型").select_option(label="工程建设项目招标投标 / 房屋建筑")
    for label, picked in (("资金来源", "国家或政府投资项目"), ("招标方式", "公开招标"),
                          ("招标组织形式", "委托招标"), ("招标人类别", "法人")):
        await desk.get_by_label(label).select_option(label=picked)
    await desk.get_by_label("项目投资总额（万元）").fill("150")
    await desk.get_by_label("招标人名称").fill("某区人民医院")
    await desk.get_by_label("招标人统一社会信用代码").fill(demo_credit_code(51))
    await desk.get_by_label("项目联系方式").fill("020-83838383")
    await desk.get_by_label("项目联系人").fill("张三")
    await desk.get_by_label("标段（每行一个").fill("1 施工\n2 监理")
    await desk.get_by_test_id("add-project").click()
    # 创建抽取活动 over the first section, one expert
    await expect(desk.get_by_test_id("flash")).to_contain_text("已登记项目")
    await desk.get_by_label("2 监理").uncheck()
    await desk.get_by_label("开标时间").fill((start - timedelta(hours=1)).strftime(LOCAL))
    await desk.get_by_label("评标开始").fill(start.strftime(LOCAL))
    await desk.get_by_label("评标结束").fill((start + timedelta(hours=6)).strftime(LOCAL))
    await desk.get_by_label("拟抽取专家人数").fill("1")
    await desk.get_by_label("公告发布媒体").fill("广东省招标投标监管网")
    opening = desk.get_by_test_id("bid-open-region")
    await opening.get_by_label("省").select_option(label="广东省")
    await opening.get_by_label("市").select_option(label="广州市")
    await opening.get_by_label("区县").select_option(label="天河区")
    await desk.get_by_test_id("on-site").get_by_label("否").check()
    await desk.get_by_test_id("create-activity").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("抽取活动已创建")
    activity_url = desk.url
    aid = int(activity_url.rstrip("/").rsplit("/", 1)[1])
    # 通知: the venue, the gathering 30 minutes before, the contact
    gather = (start - timedelta(minutes=30)).strftime(LOCAL)
    await desk.get_by_label("评标地点").fill("广州公共资源交易中心")
    await desk.get_by_label("市", exact=True).fill("广洲市")  # a typo: no such city
    await desk.get_by_label("区", exact=True).fill("天河区")
    await desk.get_by_label("街道门牌").fill("天润路333号")
    await desk.get_by_label("集合时间").fill(gather)
    await desk.get_by_label("联系人").fill("陈志强")
    await desk.get_by_label("联系电话").fill("13912345678")  # a mobile contact number
    await desk.get_by_test_id("add-notice").click()
    # refused in red, and nothing typed is lost: only the city needs correcting
    await expect(desk.get_by_test_id("flash")).to_have_attribute("data-kind", "refused")
    await expect(desk.get_by_test_id("flash")).to_have_css("color", "rgb(180, 35, 24)")
    for label, typed in (("评标地点", "广州公共资源交易中心"), ("街道门牌", "天润路333号"),
                         ("集合时间", gather), ("联系人", "陈志强"),
                         ("联系电话", "13912345678")):
        await expect(desk.get_by_label(label)).to_have_value(typed)
    await expect(desk.get_by_label("市", exact=True)).to_have_value("广洲市")
    await screenshot(desk, "var/console-notice-refused.png")
    await desk.get_by_label("市", exact=True).fill("广州市")
    await desk.get_by_test_id("add-notice").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("通知已添加")
    # 抽取条件, picked by name, with the live count first: the preview keeps the choices
    await pick_condition(desk)
    await desk.get_by_test_id("preview").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("当前符合条件、未被回避的专家")
    await expect(desk.get_by_test_id("condition-regions")).to_contain_text("广东省广州市")
    await expect(desk.get_by_test_id("main-specialty").get_by_role("searchbox")).to_have_value(
        "工程 / 房屋建筑 / 建筑智能化工程")
    await expect(desk.get_by_label("人数", exact=True)).to_have_value("1")
    await screenshot(desk, "var/console-condition-pickers.png")
    await desk.get_by_test_id("add-condition").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("抽取条件已添加")
    # 申请附件 and 提交核验
    await desk.get_by_test_id("evidence-file").set_input_files(files=[{
        "name": "专家抽取申请.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    await desk.get_by_test_id("upload").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("附件已上传")
    await desk.get_by_label("申请原因").fill("按招标计划抽取评标专家")
    await desk.get_by_test_id("submit").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已提交交易中心核验")
    # the trading centre reads the whole request, in its own browser, and refuses it
    verifier = await signed_in(browser, sandbox, "13800000006", "/console/verify")
    await expect(verifier.get_by_test_id(f"pending-{aid}")).to_contain_text("按招标计划")
    await verifier.get_by_test_id(f"view-{aid}").click()
    await expect(verifier.get_by_test_id("part-conditions")).to_contain_text(
        "常驻地区 广东省广州市；主专业 工程 / 房屋建筑 / 建筑智能化工程；1 人")
    await expect(verifier.get_by_test_id("part-notices")).to_contain_text(
        "广州市天河区天润路333号")
    await expect(verifier.get_by_test_id("part-avoidances")).to_contain_text("某区人民医院")
    await expect(verifier.get_by_test_id("project")).to_contain_text("广东省广州市天河区")
    await verifier.get_by_label("意见（通过时可填，不通过时必填，经办人会收到）").fill(
        "回避名单缺少本项目的监理单位")
    await verifier.get_by_test_id("refuse").click()
    await expect(verifier.get_by_test_id("flash")).to_contain_text("不通过")
    # the clerk corrects the request and sends it again (GD-DRAW: 修改后重新提交): a
    # mistyped avoidance deleted (asked first), the right one added, the room put right. The
    # desk's page shows the refusal by itself (it polls every 3 s and reloads on a new status).
    await expect(desk.get_by_test_id("refused")).to_contain_text(
        "回避名单缺少本项目的监理单位", timeout=15_000)
    desk.on("dialog", lambda dialog: dialog.accept())
    await desk.get_by_label("名称或姓名").fill("广州市某工程监理有线公司")
    await desk.get_by_test_id("add-avoidance").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("回避")
    wrong = desk.locator("tr", has_text="广州市某工程监理有线公司")
    await wrong.get_by_role("button", name="删除").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("回避已删除")
    await expect(desk.get_by_text("广州市某工程监理有线公司")).to_have_count(0)
    # a unit the register knows is picked with its credit code (here: the tenderer)
    await desk.get_by_label("名称或姓名").press_sequentially("某区人民")
    await desk.get_by_role("option", name="某区人民医院（").click()
    await expect(desk.get_by_label("统一社会信用代码或身份证号")).to_have_value(
        demo_credit_code(51))
    await desk.get_by_label("统一社会信用代码或身份证号").fill("")
    await desk.get_by_label("名称或姓名").fill("广州市某工程监理有限公司")
    await desk.get_by_test_id("add-avoidance").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("回避")
    await desk.locator("#notices").get_by_role("link", name="修改").click()
    await expect(desk.get_by_label("联系人")).to_have_value("陈志强")  # the notice, filled
    await expect(desk.get_by_label("集合时间")).to_have_value(gather)
    await desk.get_by_label("房间").fill("5楼评标室")
    await desk.get_by_test_id("save-notice").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("通知已修改")
    await expect(desk.locator("#notices")).to_contain_text("天润路333号5楼评标室")
    await desk.get_by_label("申请原因").fill("已补充监理单位回避")
    await desk.get_by_test_id("submit").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已提交交易中心核验")
    # the verifier sees what changed since the refusal and approves with a comment
    await verifier.goto(str(sandbox.make_url(f"/console/verify/{aid}/request")))
    changed = verifier.get_by_test_id("changes")
    await expect(changed).to_contain_text("新增")
    await expect(changed).to_contain_text("单位 广州市某工程监理有限公司")
    await expect(changed).to_contain_text("天润路333号5楼评标室")  # the notice, before/after
    await expect(changed).not_to_contain_text("抽取条件")  # the rest stayed as it was
    await expect(changed).not_to_contain_text("有线公司")  # added and deleted: no change
    await expect(verifier.get_by_test_id("history")).to_contain_text(
        "回避名单缺少本项目的监理单位")
    await screenshot(verifier, "var/console-verify-request.png")
    await verifier.get_by_label("意见（通过时可填，不通过时必填，经办人会收到）").fill(
        "已核对回避名单")
    # how many candidates the condition has, and the largest chance of any one of them
    await expect(verifier.get_by_test_id("pool-size-1")).to_contain_text("16.7%")
    await verifier.get_by_test_id("approve").click()
    await expect(verifier.get_by_test_id("flash")).to_contain_text("通过")
    await verifier.goto(str(sandbox.make_url("/console/verify/history")))
    await expect(verifier.get_by_test_id("history")).to_contain_text("已核对回避名单")
    # the handler starts the draw with a random string of their own, on the page that
    # brought the approval by itself
    await expect(desk.get_by_label("随机串")).to_be_visible(timeout=15_000)
    await desk.get_by_label("随机串").fill("7391")
    await desk.get_by_test_id("start").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("抽取已开始")
    invited = await Invitation.filter(activity_id=aid, status=InvitationStatus.SENT
                                      ).first()
    assert invited is not None
    openid = (await WeChatIdentity.get(person_id=invited.person_id,
                                       channel=Channel.OFFICIAL_ACCOUNT)).openid
    # the invited expert answers 1 in the simulator (their WeChat)
    sim = await (await browser.new_context()).new_page()
    await sim.goto(str(sandbox.make_url("/sandbox/")))
    await sim.get_by_test_id(f"user-{openid}").click()
    await expect(sim.get_by_test_id("inbox")).to_contain_text("广州公共资源交易中心",
                                                               timeout=15_000)
    await sim.get_by_test_id("text").fill("1")
    await sim.get_by_test_id("send").click()
    await expect(sim.get_by_test_id("reply").last).to_contain_text("已确认参加")
    # the desk counted it without a reload, and the draw ended
    await expect(desk.get_by_test_id("confirmed")).to_have_text("1", timeout=10_000)
    await expect(desk.get_by_test_id("status")).to_have_text("抽取完成", timeout=10_000)
    sealed_note = desk.get_by_test_id("counts-text").locator("[data-when-sealed]")
    await expect(sealed_note).to_have_text("，结果解封前只显示人数")
    await expect(sealed_note).to_be_visible()
    # 30 minutes before the evaluation the results unseal: shown, printed, exported
    await the_results_unseal(aid, datetime.now(UTC))
    await expect(sealed_note).to_be_hidden(timeout=10_000)  # the page polling says so
    invited = await Invitation.get(id=invited.id)  # its verification code, now
    await desk.get_by_test_id("results").click()
    await expect(desk.get_by_test_id("results")).to_contain_text(invited.code)
    await screenshot(desk, "var/console-results.png")
    async with desk.expect_popup() as popup:
        await desk.get_by_test_id("print").click()
    printed = await popup.value
    await expect(printed.locator("body")).to_contain_text(invited.code)
    # the printed record carries what was asked and how the order was fixed, and the
    # signature lines (GD-DRAW: 打印抽取结果, 抽取人 / 监督人 / 核验人)
    await expect(printed.get_by_test_id("record-conditions")).to_contain_text(
        "常驻地区 广东省广州市；主专业 工程 / 房屋建筑 / 建筑智能化工程；1 人")
    await expect(printed.get_by_test_id("record-avoidances")).to_contain_text(
        "广州市某工程监理有限公司")
    await expect(printed.get_by_test_id("randomness")).to_contain_text("7391")
    await expect(printed.get_by_test_id("signatures")).to_contain_text("监督人")
    await printed.emulate_media(media="print")
    await screenshot(printed, "var/console-print.png")
    pdf = await printed.pdf(format="A4")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page\r") + \
        pdf.count(b"/Type /Page ") + pdf.count(b"/Type /Page>") == 1  # one A4 page
    (tmp_path / "record.pdf").write_bytes(pdf)
    async with desk.expect_download() as download:
        await desk.get_by_test_id("export").click()
    saved = tmp_path / "results.xlsx"
    await (await download.value).save_as(saved)
    rows = list(load_workbook(io.BytesIO(saved.read_bytes()), read_only=True)["抽取结果"]
                .iter_rows(values_only=True))
    assert rows[0] == ("姓名", "专家编号", "工作单位", "专业", "验证码（*为补抽专家）", "情形",
                       "评标场所")
    about = dict(list(load_workbook(io.BytesIO(saved.read_bytes()), read_only=True)["抽取信息"]
                      .iter_rows(values_only=True))[1:])
    assert about["项目编号"] == "GZ-2026-1123-B" and about["项目所在地"] == "广东省广州市天河区"
    assert "广东省广州市" in about["抽取条件"] and about["经办人随机串"] == "7391"
    assert [(r[4], r[5]) for r in rows[1:]] == [(invited.code, "参加")]
    assert (await DrawActivity.get(id=aid)).status == "ended"


async def test_an_administrator_opens_a_batch_and_answers_feedback_from_chat(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    now = datetime.now(UTC).astimezone(CHINA)
    # an expert leaves feedback in chat (the simulator)
    sim = await (await browser.new_context()).new_page()
    await sim.goto(str(sandbox.make_url("/sandbox/")))
    await sim.get_by_test_id("user-o_demo_expert").click()
    for said, answer in (("反馈", "请选择反馈类型"), ("1", "请用文字描述"),
                         ("小程序里找不到历史缴费记录", "已收到您的使用问题")):
        await sim.get_by_test_id("text").fill(said)
        await sim.get_by_test_id("send").click()
        await expect(sim.get_by_test_id("reply").last).to_contain_text(answer)
    admin = await signed_in(browser, sandbox, "13800000007", "/console/batches")
    await admin.get_by_label("批次名称").fill("2027年第一批评标专家征集（广东）")
    await admin.get_by_label("申报开始").fill(now.strftime(LOCAL))
    await admin.get_by_label("申报截止").fill((now + timedelta(days=20)).strftime(LOCAL))
    await admin.get_by_label("审核截止").fill((now + timedelta(days=30)).strftime(LOCAL))
    await admin.get_by_label("培训费（元，0为不收）").fill("350")
    await admin.get_by_test_id("create-batch").click()
    await expect(admin.get_by_test_id("flash")).to_contain_text("已创建批次")
    await expect(admin.get_by_test_id("batches")).to_contain_text("2027年第一批")
    await screenshot(admin, "var/console-batches.png")
    await admin.get_by_role("link", name="意见反馈").click()
    await admin.get_by_label("回复（发给反馈人）").first.fill("在「我的」-「缴费记录」中查看。")
    await admin.locator("[data-testid^='answer-']").first.click()
    await expect(admin.get_by_test_id("flash")).to_contain_text("回复已发送")
    # the answer reaches the expert's WeChat
    await expect(sim.get_by_test_id("inbox")).to_contain_text("缴费记录", timeout=15_000)
