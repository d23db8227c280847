"""GD-DRAW's forms in full, as the agency's clerk (经办人) fills them through the API: the
project (招标项目信息) with every starred field, 投资项目统一代码 and each section's
investment; the activity (活动信息) with its name, 公告发布媒体, 开标地点, 是否进场项目,
备注, the handler ("默认取当前登录的法人或经办人信息": name, phone, ID number) and the
supervisors (name, phone, department). A starred field left out is refused, a pick outside
its list is refused in Chinese, and the handler's phone and ID number are sealed at rest and
shown masked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.draw_handler import opened_handler
from models.draws import DrawActivity
from tests.support.api import Api
from tests.support.console import Desk, download
from tests.support.draw_world import (
    ACTIVITY_FORM,
    PROJECT_FORM,
    TENDERER,
    finish,
    make_experts,
    start_draw,
    submit,
    the_results_unseal,
)
from tests.support.wechat import Chat

SEED_PROJECT = {"name": "招标代理演示项目0617", "number": "202006171201", **PROJECT_FORM,
                "approval_no": "穗发改〔2020〕12号", "investment_code": "2020-440103-47-01-012345",
                "tenderer_name": TENDERER[0], "tenderer_credit_code": TENDERER[1],
                "sections": [{"number": "123123123", "name": "一标段", "investment_yuan": 1000000},
                             {"number": "1231231231", "name": "二标段",
                              "investment_yuan": 500000}]}


def activity_body(project: dict, **extra: object) -> dict:
    start = datetime.now(UTC) + timedelta(days=3)
    return {**ACTIVITY_FORM, "project_id": project["id"],
            "section_ids": [project["sections"][0]["id"]],
            "bid_open_at": (start - timedelta(hours=2)).isoformat(),
            "eval_start": start.isoformat(), "eval_end": (start + timedelta(hours=6)).isoformat(),
            "total": 2, **extra}


async def test_the_clerk_fills_the_seeds_forms_and_the_handler_is_sealed_and_masked(
        api: Api, demo: dict) -> None:
    token = await api.login(demo["handler"].mp_openid)
    options = await api.call("GET", "/draws/form-options", token)
    assert "房屋建筑" in options.data["project_kinds"]["工程建设项目招标投标"]
    assert "国家或政府投资项目" in options.data["funding_sources"]
    assert "广东省招标投标监管网" in options.data["media"]
    project = await api.call("POST", "/draws/projects", token, SEED_PROJECT)
    assert project.status == 200, project.data
    shown = project.data
    assert (shown["kind"], shown["funding"], shown["tenderer_type"]) == (
        "工程建设项目招标投标/房屋建筑", "国家或政府投资项目", "法人")
    assert shown["investment_yuan"] == 1500000 and shown["investment_code"] == \
        "2020-440103-47-01-012345"
    assert [s["investment_yuan"] for s in shown["sections"]] == [1000000, 500000]
    assert (shown["contact_name"], shown["contact_phone"]) == ("张三", "020****8383")
    made = await api.call("POST", "/draws/activities", token, activity_body(
        shown, remarks="请按时到场", supervisors=[
            {"name": "张三", "phone": "13922223333", "department": "广州市住房和城乡建设局"}]))
    assert made.status == 200, made.data
    a = made.data
    # the name defaults to the project and its section, as GD-DRAW's list shows it
    assert a["name"] == "招标代理演示项目0617(一标段)"
    assert (a["media"], a["bid_open_place"], a["on_site"], a["remarks"]) == (
        "广东省招标投标监管网", "广东省广州市荔湾区", False, "请按时到场")
    handler = demo["handler"]
    assert a["handler_name"] == handler.name
    assert a["handler_phone"] == handler.phone[:3] + "****" + handler.phone[-4:]
    assert a["handler_id_number"] == handler.id_number[:6] + "********" + \
        handler.id_number[-4:]
    assert a["supervisors"] == [{"name": "张三", "phone": "139****3333",
                                 "department": "广州市住房和城乡建设局"}]
    # sealed at rest: no clear phone or ID number in the row, opened only with the key
    row = (await DrawActivity.filter(id=a["id"]).values())[0]
    assert handler.phone not in str(row) and handler.id_number not in str(row)
    assert "13922223333" not in str(row)
    assert opened_handler(row["handler_phone_enc"], row["handler_id_enc"]) == (
        handler.phone, handler.id_number)
    # another handler typed in (进场项目: "按照公共资源交易平台运行服务机构的要求进行填写")
    edited = await api.call("PUT", f"/draws/activities/{a['id']}", token, {
        "handler_name": "黄劲松", "handler_phone": "13568846647",
        "handler_id_number": "511602199210061571", "media": "中国招标投标公共服务平台"})
    assert edited.status == 200, edited.data
    assert (edited.data["handler_name"], edited.data["handler_phone"],
            edited.data["handler_id_number"], edited.data["media"]) == (
        "黄劲松", "135****6647", "511602********1571", "中国招标投标公共服务平台")
    # left out of an edit, the phone and ID number stay
    renamed = await api.call("PUT", f"/draws/activities/{a['id']}", token,
                             {"handler_name": "黄劲松（代）"})
    assert renamed.data["handler_phone"] == "135****6647"
    row = await DrawActivity.get(id=a["id"])
    assert opened_handler(row.handler_phone_enc, row.handler_id_enc) == (
        "13568846647", "511602199210061571")


async def test_a_starred_field_left_out_or_a_pick_off_its_list_is_refused_in_chinese(
        api: Api, demo: dict) -> None:
    token = await api.login(demo["handler"].mp_openid)
    for starred in ("kind", "funding", "tender_method", "organisation", "tenderer_type",
                    "investment_yuan", "contact_name", "contact_phone"):
        body = {k: v for k, v in SEED_PROJECT.items() if k != starred}
        refused = await api.call("POST", "/draws/projects", token, body)
        assert refused.status == 422 and starred in str(refused.data), (starred, refused.data)
    for key, value, words in (("funding", "自有资金", "资金来源"),
                              ("kind", "工程", "招标项目类型"),
                              ("tenderer_type", "个人", "招标人类别"),
                              ("investment_code", "12345", "投资项目统一代码"),
                              ("contact_phone", "12345678", "项目联系方式"),
                              ("region", "990000", "项目所在地")):
        refused = await api.call("POST", "/draws/projects", token,
                                 {**SEED_PROJECT, key: value})
        assert refused.status == 400 and words in refused.message, (key, refused.data)
    project = (await api.call("POST", "/draws/projects", token, SEED_PROJECT)).data
    for starred in ("media", "bid_open_region", "on_site"):
        body = {k: v for k, v in activity_body(project).items() if k != starred}
        refused = await api.call("POST", "/draws/activities", token, body)
        assert refused.status == 422 and starred in str(refused.data), (starred, refused.data)
    for extra, words in (({"handler_phone": "1234"}, "经办人电话"),
                         ({"handler_id_number": "511602199210061572"}, "经办人证件号"),
                         ({"bid_open_region": "440199"}, "开标地点"),
                         ({"bid_open_region": ""}, "请从地区列表中选择开标地点"),
                         ({"supervisors": [{"name": "张三", "phone": "555"}]}, "监督人联系电话")):
        refused = await api.call("POST", "/draws/activities", token,
                                 activity_body(project, **extra))
        assert refused.status == 400 and words in refused.message, (extra, refused.data)


async def seed_activity(api: Api, token: str) -> int:
    """GD-DRAW's activity, ready to submit: its project, one notice and one condition."""
    project = (await api.call("POST", "/draws/projects", token, SEED_PROJECT)).data
    body = activity_body(project, total=1, remarks="请按时到场", supervisors=[
        {"name": "张三", "phone": "13922223333", "department": "广州市住房和城乡建设局"}])
    made = await api.call("POST", "/draws/activities", token, body)
    assert made.status == 200, made.data
    aid = made.data["id"]
    start = datetime.fromisoformat(body["eval_start"])
    notice = await api.call("POST", f"/draws/activities/{aid}/notices", token, {
        "venue": "广东省公共资源交易中心", "city": "广州市", "district": "越秀区",
        "street": "越华路118号", "contact_name": "张工", "contact_phone": "020-12345678",
        "gather_at": (start - timedelta(minutes=30)).isoformat()})
    condition = await api.call("POST", f"/draws/activities/{aid}/conditions", token, {
        "notice_id": notice.data["notices"][0]["id"], "regions": ["4401"],
        "main_specialty": "A0401", "planned": 1})
    assert condition.status == 200, condition.data
    return aid


STARRED_WORDS = ("工程建设项目招标投标 / 房屋建筑", "国家或政府投资项目", "公开招标", "委托招标",
                 "法人", "2020-440103-47-01-012345", "张三", "020****8383", "一标段",
                 "广东省招标投标监管网", "广东省-广州市-荔湾区", "是否进场项目 否", "请按时到场",
                 "招标代理演示项目0617(一标段)", "广州市住房和城乡建设局", "139****3333")


async def test_the_verifier_the_printed_record_and_the_excel_show_every_starred_field(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    await make_experts(client, 2)
    handler = demo["handler"]
    masked = (handler.phone[:3] + "****" + handler.phone[-4:],
              handler.id_number[:6] + "********" + handler.id_number[-4:])
    token = await api.login(handler.mp_openid)
    aid = await seed_activity(api, token)
    assert (await submit(api, token, aid)).status == 200
    verifier = await api.login(demo["verifier"].mp_openid)
    asked = await api.call("GET", f"/verify/activities/{aid}", verifier)
    assert asked.status == 200, asked.data
    head = asked.data
    assert (head["project_kind"], head["funding"], head["tender_method"], head["organisation"],
            head["tenderer_type"], head["investment_wan"], head["investment_code"],
            head["contact_name"], head["contact_phone"]) == (
        "工程建设项目招标投标 / 房屋建筑", "国家或政府投资项目", "公开招标", "委托招标", "法人",
        "150", "2020-440103-47-01-012345", "张三", "020****8383")
    assert head["section_rows"] == [{"number": "123123123", "name": "一标段",
                                     "investment_wan": "100"}]
    parts = {p["part"]: p["items"] for p in head["request"]}
    assert "公告发布媒体 广东省招标投标监管网" in parts["info"][0]
    assert "开标地点 广东省-广州市-荔湾区" in parts["info"][0]
    assert parts["handler"] == [f"经办人 {handler.name}，电话 {masked[0]}，证件号 {masked[1]}"]
    assert parts["supervisors"] == ["张三（广州市住房和城乡建设局），电话 139****3333"]
    # the verifier's page at the desk shows the same, numbers masked
    desk = Desk(client)
    await desk.sign_in(demo["verifier"].phone)
    _, page = await desk.get(f"/console/verify/{aid}/request")
    assert all(w in page for w in (*STARRED_WORDS, *masked)), page
    assert handler.phone not in page and handler.id_number not in page
    decided = await api.call("POST", f"/verify/activities/{aid}", verifier,
                             {"approve": True, "small_pool_ok": True})
    assert decided.status == 200, decided.data
    assert (await start_draw(api, token, aid)).status == 200
    await finish(chat, aid)
    # GD-DRAW's table of conditions, counts only: full once its expert agreed
    condition = (await api.call("GET", f"/draws/activities/{aid}", token)).data["conditions"][0]
    assert (condition["planned"], condition["needed"], condition["agreed"],
            condition["supplement"], condition["state_title"]) == (1, 0, 1, False, "已满足")
    await the_results_unseal(aid, datetime.now(UTC))
    # the printed record (打印抽取结果) and the Excel carry every starred field, masked
    link = (await api.call("GET", f"/draws/activities/{aid}/result-page", token)).data["url"]
    html = await (await client.get(link[link.index("/draws/"):])).text()
    assert all(w in html for w in (*STARRED_WORDS, *masked)), html
    assert handler.phone not in html and "13922223333" not in html
    assert "委员会组成" in html and "需要的专家" in html  # the committee, as recorded
    clerk = Desk(client)
    await clerk.sign_in(handler.phone)
    sheets = await download(client, f"/console/activities/{aid}/results.xlsx")
    record = str(sheets["抽取信息"])
    assert all(w in record for w in (*STARRED_WORDS, *masked)), record
    assert handler.phone not in record and handler.id_number not in record


async def test_a_project_is_edited_until_an_activity_draws_for_it_then_refused_in_chinese(
        api: Api, client: TestClient, demo: dict) -> None:
    """GD-DRAW: "可在关联该项目抽取前进行修改并保存，如果当前项目已关联了抽取活动，不能修改"."""
    token = await api.login(demo["handler"].mp_openid)
    project = (await api.call("POST", "/draws/projects", token, SEED_PROJECT)).data
    path = f"/draws/projects/{project['id']}"
    edited = await api.call("PUT", path, token, {"funding": "企业自筹资金项目",
                                                 "contact_phone": "13568846647"})
    assert edited.status == 200 and not edited.data["locked"]
    assert (edited.data["funding"], edited.data["contact_phone"]) == (
        "企业自筹资金项目", "135****6647")
    draft = await api.call("POST", "/draws/activities", token, activity_body(project))
    assert draft.status == 200, draft.data
    refused = await api.call("PUT", path, token, {"name": "招标代理演示项目0618"})
    assert refused.status == 409
    assert refused.message == ("该项目已关联了抽取活动，不能修改。如需更正项目信息，"
                               "请先取消尚未提交的抽取活动，或新建项目。")
    listed = (await api.call("GET", "/draws/projects", token)).data["projects"]
    assert [p["locked"] for p in listed if p["id"] == project["id"]] == [True]
    # at the desk: no 修改 offered, and a form sent anyway is refused in the same words
    desk = Desk(client)
    await desk.sign_in(demo["handler"].phone)
    _, page = await desk.get(f"/console/projects?edit={project['id']}")
    assert f'data-testid="locked-{project["id"]}"' in page and "修改项目「" not in page
    await desk.post(f"/console/projects/{project['id']}/edit", {"name": "招标代理演示项目0618"})
    assert "该项目已关联了抽取活动，不能修改" in await desk.flash(
        f"/console/projects?edit={project['id']}")
    # the draft given up: nothing draws for the project, it may be corrected again
    assert (await api.call("POST", f"/draws/activities/{draft.data['id']}/cancel",
                           token)).status == 200
    again = await api.call("PUT", path, token, {"name": "招标代理演示项目0618"})
    assert again.status == 200 and again.data["name"] == "招标代理演示项目0618"
