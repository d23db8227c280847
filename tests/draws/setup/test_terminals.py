"""选择提交终端 (GD-DRAW: "填报抽取申请至省交易中心抽取终端进行核验…选择提交终端 广东省公共资源
交易中心"): the agency picks, among the trading centres that cover the project and have
verifiers, the one its request goes to; only that centre's verifiers see and decide it."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from models.notifications import Notification
from models.people import Person, Role, RoleGrant, phone_is
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.draw_world import PDF, prepared

PROVINCE, CITY = "广东省公共资源交易中心", "广州市公共资源交易中心"


async def person_of(demo_person: object) -> int:
    return (await Person.get(phone_is(demo_person.phone))).id  # type: ignore[attr-defined]


async def test_the_request_goes_to_the_centre_chosen_among_those_covering_the_project(
        api: Api, demo: dict) -> None:
    aid, token = await prepared(api, demo, submitted=False)
    # only the city's centre has a verifier (赵敏, 4401): it alone is offered
    offered = await api.call("GET", f"/draws/activities/{aid}/terminals", token)
    assert offered.status == 200
    assert [t["name"] for t in offered.data["terminals"]] == [CITY]
    # a verifier for the province: its centre covers the project too
    province = await person_of(demo["reviewer_province"])
    await RoleGrant.create(person_id=province, role=Role.VERIFIER, region="44")
    # and one in Shenzhen, whose centre does not cover a Guangzhou project
    await RoleGrant.create(person_id=await person_of(demo["reviewer_final"]),
                           role=Role.VERIFIER, region="4403")
    offered = await api.call("GET", f"/draws/activities/{aid}/terminals", token)
    assert [(t["region"], t["name"]) for t in offered.data["terminals"]] == [
        ("44", PROVINCE), ("4401", CITY)]
    assert offered.data["chosen"]["name"] == CITY  # the nearest, unless chosen
    uploaded = await api.upload(f"/draws/activities/{aid}/evidence/submission", token, PDF,
                                "专家抽取申请.pdf", "application/pdf")
    assert uploaded.status == 200
    elsewhere = await api.call("POST", f"/draws/activities/{aid}/submit", token,
                               {"reason": "按招标计划抽取评标专家", "terminal": "4403"})
    assert elsewhere.status == 400 and PROVINCE in elsewhere.message \
        and CITY in elsewhere.message
    sent = await api.call("POST", f"/draws/activities/{aid}/submit", token,
                          {"reason": "按招标计划抽取评标专家", "terminal": "44"})
    assert sent.status == 200, sent.data
    after = await api.call("GET", f"/draws/activities/{aid}/terminals", token)
    assert after.data["chosen"]["name"] == PROVINCE
    # the province's verifier is told and sees it; the city's neither sees nor decides it
    assert await Notification.exists(kind="draw.awaiting_verification", person_id=province)
    assert not await Notification.exists(kind="draw.awaiting_verification",
                                         person_id=await person_of(demo["verifier"]))
    city = await api.login(demo["verifier"].mp_openid)
    assert aid not in [a["id"] for a in
                       (await api.call("GET", "/verify/activities", city)).data["activities"]]
    assert (await api.call("POST", f"/verify/activities/{aid}", city,
                           {"approve": True, "small_pool_ok": True})).status == 403
    provincial = await api.login(demo["reviewer_province"].mp_openid)
    waiting = await api.call("GET", "/verify/activities", provincial)
    assert aid in [a["id"] for a in waiting.data["activities"]]
    refused = await api.call("POST", f"/verify/activities/{aid}", provincial,
                             {"approve": False, "reason": "请改交广州市公共资源交易中心"})
    assert refused.status == 200
    # refused, submitted again to the city's centre, whose verifier decides it
    again = await api.call("GET", f"/draws/activities/{aid}/terminals", token)
    assert again.data["chosen"]["name"] == PROVINCE  # what was chosen before stays chosen
    resent = await api.call("POST", f"/draws/activities/{aid}/submit", token,
                            {"reason": "按核验意见改交", "terminal": "4401"})
    assert resent.status == 200
    assert (await api.call("POST", f"/verify/activities/{aid}", city,
                           {"approve": True, "small_pool_ok": True})).status == 200


async def test_a_withdrawal_goes_to_the_centre_chosen_and_verifiers_read_its_name(
        api: Api, client: TestClient, demo: dict) -> None:
    """GD-DRAW's 退选申请: "首先要填写退选原因并上传证明材料至抽取终端审核" with 选择提交终端 on the
    form, the activity's own centre first; the verifiers read the centre by its name on the
    queue and on the whole request, at the desk and in the API."""
    aid, token = await prepared(api, demo, verify=False)  # submitted to the city's centre
    city = await api.login(demo["verifier"].mp_openid)
    (pending,) = [a for a in (await api.call("GET", "/verify/activities", city)
                              ).data["activities"] if a["id"] == aid]
    assert pending["terminal_name"] == CITY
    whole = await api.call("GET", f"/verify/activities/{aid}", city)
    assert whole.status == 200 and whole.data["activity"]["terminal_name"] == CITY
    verifier = Desk(client)
    await verifier.sign_in(demo["verifier"].phone)
    _, queue = await verifier.get("/console/verify")
    assert f'data-testid="terminal-{aid}">{CITY}<' in queue
    _, page = await verifier.get(f"/console/verify/{aid}/request")
    assert f'data-testid="terminal">{CITY}<' in page and ">4401<" not in page
    assert (await api.call("POST", f"/verify/activities/{aid}", city,
                           {"approve": True, "small_pool_ok": True})).status == 200
    # the province's centre gets a verifier: the withdrawal form offers both, its own first
    province = await person_of(demo["reviewer_province"])
    await RoleGrant.create(person_id=province, role=Role.VERIFIER, region="44")
    desk = Desk(client)
    await desk.sign_in(demo["handler"].phone)
    form_path = f"/console/activities/{aid}/withdrawal"
    _, form = await desk.get(form_path)
    assert "选择提交终端" in form and f'value="4401" selected>{CITY}' in form \
        and f'value="44">{PROVINCE}' in form
    uploaded = await api.upload(f"/draws/activities/{aid}/evidence/withdrawal", token, PDF,
                                "退选专家申请.pdf", "application/pdf")
    assert uploaded.status == 200, uploaded.data
    elsewhere = await api.call("POST", f"/draws/activities/{aid}/withdrawal", token,
                               {"reason": "招标人决定暂停本项目", "terminal": "4403"})
    assert elsewhere.status == 400 and PROVINCE in elsewhere.message
    await desk.post(f"{form_path}/request", {"reason": "招标人决定暂停本项目",
                                             "terminal": "44"})
    _, form = await desk.get(form_path)
    assert f"退选申请已提交至{PROVINCE}" in form
    # the province's verifiers are told and read the centre's name; the city's do not see it
    assert await Notification.exists(kind="draw.awaiting_verification", person_id=province)
    provincial = await api.login(demo["reviewer_province"].mp_openid)
    (asked,) = [a for a in (await api.call("GET", "/verify/activities", provincial)
                            ).data["activities"] if a["id"] == aid]
    assert (asked["request"], asked["terminal_name"]) == ("withdrawal", PROVINCE)
    assert aid not in [a["id"] for a in
                       (await api.call("GET", "/verify/activities", city)).data["activities"]]
    await verifier.sign_in(demo["reviewer_province"].phone)
    _, queue = await verifier.get("/console/verify")
    assert "退选申请" in queue and f'data-testid="terminal-{aid}">{PROVINCE}<' in queue
    assert (await api.call("POST", f"/verify/activities/{aid}/withdrawal", provincial,
                           {"approve": True})).status == 200
