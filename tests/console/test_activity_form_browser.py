"""GD-DRAW's forms in Chromium, as the agency's clerk fills them at the desk: the project
(招标项目信息) with its types, funding, method, organisation and tenderer category picked
from lists, its place and the place of bid opening picked from the region list, the
investments in 万元; the activity (活动信息) with its media, 是否进场项目, 备注, the handler
taken from the signed-in clerk and a supervisor; then the activity page with the seed's
table of conditions (计划需要抽取人数 / 实际需要人数 / 同意参评人数 / 补抽 / 状态) as the
draw fills it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from models.draws import Condition, DrawActivity
from services.common.clock import CHINA
from services.demo import DEMO_PASSWORD
from services.demo_codes import demo_credit_code
from tests.support.api import Api
from tests.support.browser import reload, screenshot
from tests.support.draw_world import finish, make_experts, prepared, start_draw, submit
from tests.support.wechat import Chat

LOCAL = "%Y-%m-%dT%H:%M"


async def pick_place(box: Any, province: str, city: str, district: str) -> None:
    await box.get_by_label("省").select_option(label=province)
    await box.get_by_label("市").select_option(label=city)
    await box.get_by_label("区县").select_option(label=district)


async def test_the_clerk_fills_the_seeds_forms_and_follows_the_table_of_conditions(
        api: Api, chat: Chat, client: TestClient, demo: dict, browser: Any) -> None:
    from playwright.async_api import expect

    await make_experts(client, 2)
    handler = demo["handler"]
    desk = await browser.new_page(viewport={"width": 1280, "height": 900})
    await desk.goto(str(client.make_url("/console/projects")))
    await desk.get_by_label("手机号或身份证号").fill(handler.phone)
    await desk.get_by_label("密码").fill(DEMO_PASSWORD)
    await desk.get_by_test_id("sign-in").click()
    # 新建项目: every starred field, the lists picked
    await desk.get_by_label("招标项目名称").fill("招标代理演示项目0617")
    await desk.get_by_label("招标项目编号").fill("202006171201")
    await desk.get_by_label("招标项目类型").select_option(label="工程建设项目招标投标 / 房屋建筑")
    await pick_place(desk.get_by_test_id("project-region"), "广东省", "广州市", "荔湾区")
    for label, picked in (("资金来源", "国家或政府投资项目"), ("招标方式", "公开招标"),
                          ("招标组织形式", "委托招标"), ("招标人类别", "法人")):
        await desk.get_by_label(label).select_option(label=picked)
    await desk.get_by_label("项目投资总额（万元）").fill("150")
    await desk.get_by_label("投资项目统一代码").fill("2020-440103-47-01-012345")
    await desk.get_by_label("招标人名称").fill("招标人法人名称")
    await desk.get_by_label("招标人统一社会信用代码").fill(demo_credit_code(52))
    await desk.get_by_label("项目联系方式").fill("020-83838383")
    await desk.get_by_label("项目联系人").fill("张三")
    await desk.get_by_label("标段（每行一个").fill("123123123 一标段 100\n1231231231 二标段 50")
    await screenshot(desk, "var/console-project-form.png")
    await desk.get_by_test_id("add-project").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已登记项目")
    # 新建抽取: the first section, GD-DRAW's 活动信息
    await desk.get_by_label("1231231231 二标段").uncheck()
    start = (datetime.now(UTC) + timedelta(days=3)).astimezone(CHINA).replace(
        hour=9, minute=30, second=0, microsecond=0)
    await desk.get_by_label("公告发布媒体").fill("广东省招标投标监管网")
    await desk.get_by_label("开标时间").fill((start - timedelta(hours=2)).strftime(LOCAL))
    await desk.get_by_label("拟抽取专家人数").fill("2")
    await pick_place(desk.get_by_test_id("bid-open-region"), "广东省", "广州市", "荔湾区")
    await desk.get_by_label("预计评标开始时间").fill(start.strftime(LOCAL))
    await desk.get_by_label("预计评标结束时间").fill((start + timedelta(hours=6)).strftime(LOCAL))
    await desk.get_by_test_id("on-site").get_by_label("否").check()
    await desk.get_by_label("备注").fill("请携带身份证")
    supervisor = desk.get_by_test_id("supervisor-1")
    await supervisor.get_by_label("监督人员1 姓名").fill("张三")
    await supervisor.get_by_label("联系电话").fill("13922223333")
    await supervisor.get_by_label("监督部门名称").fill("广州市住房和城乡建设局")
    await screenshot(desk, "var/console-activity-form.png")
    await desk.get_by_test_id("create-activity").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("抽取活动已创建")
    # the activity's page: the seed's fields, the handler the signed-in clerk, masked
    info = desk.get_by_test_id("info")
    await expect(info.get_by_test_id("info-name")).to_have_text("招标代理演示项目0617(一标段)")
    await expect(info.get_by_test_id("info-media")).to_have_text("广东省招标投标监管网")
    await expect(info.get_by_test_id("info-place")).to_have_text("广东省广州市荔湾区")
    await expect(info.get_by_test_id("info-handler")).to_have_text(handler.name)
    await expect(info).to_contain_text(handler.phone[:3] + "****" + handler.phone[-4:])
    await expect(info).to_contain_text(handler.id_number[:6] + "********"
                                       + handler.id_number[-4:])
    await expect(info.get_by_test_id("info-supervisors")).to_have_text(
        "张三（广州市住房和城乡建设局） 139****3333")
    assert handler.phone not in await desk.content()
    aid = int(desk.url.rstrip("/").rsplit("/", 1)[1])
    # a notice and a condition (their own forms are tested elsewhere), then the table
    token = await api.login(handler.mp_openid)
    notice = await api.call("POST", f"/draws/activities/{aid}/notices", token, {
        "venue": "广东省公共资源交易中心", "city": "广州市", "district": "越秀区",
        "street": "越华路118号", "contact_name": "张工", "contact_phone": "020-12345678",
        "gather_at": (start - timedelta(minutes=30)).isoformat()})
    assert notice.status == 200, notice.data
    await api.call("POST", f"/draws/activities/{aid}/conditions", token, {
        "notice_id": notice.data["notices"][0]["id"], "regions": ["4401"],
        "main_specialty": "A0401", "planned": 2})
    condition = await Condition.get(activity_id=aid)
    await reload(desk)
    table = desk.get_by_test_id("condition-table")
    await expect(table).to_contain_text("计划需要抽取人数实际需要人数同意参评人数补抽状态")
    # a two-character heading on one line, never 补/抽 stacked in a squeezed column
    for heading in ("补抽", "状态"):
        lines = await table.get_by_role("columnheader", name=heading, exact=True).evaluate(
            "el => { const r = document.createRange(); r.selectNodeContents(el);"
            " return new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top))).size; }")
        assert lines == 1, heading
    row = desk.get_by_test_id(f"condition-{condition.id}")
    await expect(row).to_contain_text("常驻地广东省广州市")
    # no title level chosen: the form's word for it (不限), not another
    await expect(row).to_contain_text("广东省广州市不限")
    await expect(row).not_to_contain_text("全部")
    for cell, shown in (("needed", "2"), ("agreed", "0"), ("state", "新建")):
        await expect(row.get_by_test_id(f"{cell}-{condition.id}")).to_have_text(shown)
    await screenshot(desk, "var/console-condition-table.png")
    # verified, drawn: both experts agree, the condition is full
    assert (await submit(api, token, aid)).status == 200
    verifier = await api.login(demo["verifier"].mp_openid)
    assert (await api.call("POST", f"/verify/activities/{aid}", verifier,
                           {"approve": True, "small_pool_ok": True})).status == 200
    assert (await start_draw(api, token, aid)).status == 200
    await finish(chat, aid)
    assert (await DrawActivity.get(id=aid)).status == "ended"
    await reload(desk)
    for cell, shown in (("needed", "0"), ("agreed", "2"), ("state", "已满足")):
        await expect(row.get_by_test_id(f"{cell}-{condition.id}")).to_have_text(shown)
    await expect(row).to_contain_text("否")  # not a 补抽's
    await screenshot(desk, "var/console-condition-table-full.png")


async def test_the_clerk_adds_a_secondary_venue_and_gives_it_a_condition(
        api: Api, client: TestClient, demo: dict, browser: Any) -> None:
    """FG-807 远程异地评标: a second notice is offered as the 副场; the page then says which
    venue is the 主场 and which the 副场, and to which each condition's experts go."""
    from playwright.async_api import expect

    aid, token = await prepared(api, demo, total=3, planned=[1], submitted=False)
    gather = datetime.fromisoformat((await api.call(
        "GET", f"/draws/activities/{aid}", token)).data["notices"][0]["gather_at"])
    desk = await browser.new_page(viewport={"width": 1280, "height": 900})
    await desk.goto(str(client.make_url(f"/console/activities/{aid}")))
    await desk.get_by_label("手机号或身份证号").fill(demo["handler"].phone)
    await desk.get_by_label("密码").fill(DEMO_PASSWORD)
    await desk.get_by_test_id("sign-in").click()
    form = desk.get_by_test_id("notice-form")
    await expect(form.get_by_label("场所")).to_have_value("secondary")  # a second notice
    for label, typed in (("评标地点", "韶关市公共资源交易中心"), ("市", "韶关市"),
                         ("区", "武江区"), ("街道门牌", "沿江路16号"), ("联系人", "刘敏"),
                         ("联系电话", "0751-8888888")):
        await form.get_by_label(label, exact=True).fill(typed)
    await form.get_by_label("集合时间").fill(gather.astimezone(CHINA).strftime(LOCAL))
    await form.get_by_test_id("add-notice").click()
    await expect(desk.get_by_test_id("flash")).to_be_visible()
    notices = (await api.call("GET", f"/draws/activities/{aid}", token)).data["notices"]
    secondary = next(n for n in notices if n["role"] == "secondary")
    added = await api.call("POST", f"/draws/activities/{aid}/conditions", token, {
        "notice_id": secondary["id"], "regions": ["4402"], "main_specialty": "A0401",
        "planned": 2})
    assert added.status == 200, added.data
    condition = await Condition.get(notice_id=secondary["id"])
    await reload(desk)
    await expect(desk.get_by_test_id("venue-role")).to_have_text(["主场", "副场"])
    await expect(desk.get_by_test_id(f"condition-venue-{condition.id}")).to_have_text(
        "副场：韶关市公共资源交易中心")
    await expect(desk.get_by_test_id("condition-table")).to_contain_text("场所")
    await screenshot(desk, "var/console-two-venues.png")
