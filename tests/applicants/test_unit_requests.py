"""Units added by staff on request (HN-APPLY: "工作单位，可根据单位名称搜索选择。如若在“单位
列表”中未找到对应单位，可拨打系统服务热线，向工作人员说明情况。待工作人员将单位新增成功后，
重新进行选择"): a unit the register lacks cannot be printed on the form; the applicant asks
for it, staff add it (or decline it, saying why), the applicant is told and picks it."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestServer

from models.notifications import Notification
from models.people import Person, phone_is
from models.reference import UnitRequest, WorkUnit
from sandbox.platform import Platform
from services.demo_codes import demo_credit_code
from tests.support.api import Api
from tests.support.applications import FILES, applicant, form, make_batch
from tests.support.browser import screenshot, signed_in
from tests.support.helpers import eventually
from tests.support.wechat import Chat

DESIGN = "湖南省交通规划勘察设计院有限公司"


async def _draft(api: Api, token: str, **over: object) -> int:
    batch = await make_batch()
    app = await api.call("POST", "/applications", token, {"batch_id": batch.id})
    app_id = int(app.data["id"])
    assert (await api.call("PUT", f"/applications/{app_id}", token, form(**over))
            ).status == 200
    for kind, content in FILES.items():
        assert (await api.upload(f"/applications/{app_id}/attachments/{kind}", token,
                                 content)).status == 200, kind
    return app_id


async def test_a_missing_unit_is_added_by_staff_and_the_applicant_picks_it(
        api: Api, demo: dict, platform: Platform, chat: Chat) -> None:
    code = demo_credit_code(901)
    token = await applicant(api, demo)
    # the applicant types a unit the register does not have: the draft keeps it, the
    # register does not grow, and printing says how to have it added
    app_id = await _draft(api, token, work_unit=DESIGN, unit_credit_code=code)
    assert not await WorkUnit.filter(name=DESIGN).exists()
    refused = await api.call("POST", f"/applications/{app_id}/print", token)
    assert refused.status == 400 and "不在单位列表中" in refused.message
    assert "申请新增单位" in refused.message
    platform.interact(demo["admin"].openid)  # the staff member wrote to the account lately
    await chat.say(demo["admin"].openid, "帮助")
    # the request, in the mini-program; the same one twice is one request
    asked = await api.call("POST", "/reference/unit-requests", token, {
        "name": DESIGN, "credit_code": code, "note": "简称湖南交规院"})
    assert asked.status == 200 and asked.data["status_title"] == "等待工作人员处理"
    twice = await api.call("POST", "/reference/unit-requests", token, {"name": DESIGN})
    assert twice.data["id"] == asked.data["id"]
    # the staff who keep the units (the system administrators) are pushed, once, with the
    # desk's page; nobody else is
    keeper = await Person.get(phone_is(demo["admin"].phone))
    told = await Notification.filter(kind="unit.requested")
    assert [(n.person_id, n.params["name"]) for n in told] == [(keeper.id, DESIGN)]
    # (in the chat they wrote to earlier: the message with the desk's link)
    await eventually(lambda: any(
        DESIGN in str(s.payload) and "/console/units" in str(s.payload)
        for s in platform.received_by(demo["admin"].openid)), timeout=10)
    for other in ("applicant", "expert", "reviewer", "verifier", "handler"):
        assert not any("新增单位" in str(s.payload) or DESIGN in str(s.payload)
                       for s in platform.received_by(demo[other].openid)), other
    bad = await api.call("POST", "/reference/unit-requests", token,
                         {"name": "某单位", "credit_code": "91440101MA5D00001X"})
    assert bad.status == 400
    # staff see it with the applicant's name masked, and add it
    admin = await api.login(demo["admin"].mp_openid)
    waiting = await api.call("GET", "/admin/unit-requests", admin)
    (row,) = waiting.data["requests"]
    assert row["name"] == DESIGN and "*" in row["applicant"]
    added = await api.call("POST", f"/admin/unit-requests/{row['id']}/add", admin, {})
    assert added.status == 200 and added.data["status"] == "added"
    # the applicant is told, in chat, to pick it again
    person = await Person.get(phone_is(demo["applicant"].phone))
    note = await Notification.get(person_id=person.id, kind="unit.added")
    assert note.params["name"] == DESIGN
    await eventually(lambda: any(DESIGN in str(s.payload) for s in platform.received_by(
        demo["applicant"].openid)), timeout=10)
    # and finds it in the list, picks it, and prints
    found = await api.call("GET", f"/reference/units?q={DESIGN[:6]}", token)
    assert [u["name"] for u in found.data["units"]] == [DESIGN]
    printed = await api.call("POST", f"/applications/{app_id}/print", token)
    assert printed.status == 200, printed.data
    mine = await api.call("GET", "/reference/unit-requests", token)
    assert mine.data["requests"][0]["status_title"] == "已新增"
    # a unit the register has is not requested: the refusal names it
    again = await api.call("POST", "/reference/unit-requests", token,
                           {"name": "另一个名字", "credit_code": code})
    assert again.status == 409 and f"单位列表中已有“{DESIGN}”" in again.message


async def test_a_request_declined_tells_the_applicant_why(api: Api, demo: dict) -> None:
    token = await applicant(api, demo)
    asked = await api.call("POST", "/reference/unit-requests", token, {"name": "广州示例院"})
    admin = await api.login(demo["admin"].mp_openid)
    no_reason = await api.call("POST", f"/admin/unit-requests/{asked.data['id']}/decline",
                               admin, {"reason": " "})
    assert no_reason.status == 422
    declined = await api.call("POST", f"/admin/unit-requests/{asked.data['id']}/decline",
                              admin, {"reason": "列表中已有该单位：广州市示例建筑设计研究院"})
    assert declined.status == 200 and declined.data["status_title"] == "未予新增"
    note = await Notification.get(kind="unit.declined")
    assert "列表中已有该单位" in note.params["reason"]
    twice = await api.call("POST", f"/admin/unit-requests/{asked.data['id']}/add", admin, {})
    assert twice.status == 409 and "已经处理过了" in twice.message


async def test_staff_add_a_requested_unit_at_the_desk(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    person = await Person.get(phone_is("13800000001"))
    await UnitRequest.create(person_id=person.id, name=DESIGN, credit_code=None,
                             note="简称湖南交规院", created_at=person.created_at)
    admin = await signed_in(browser, sandbox, "13800000007", "/console/units")
    requests = admin.get_by_test_id("unit-requests")
    await expect(requests).to_contain_text(DESIGN)
    await expect(requests).to_contain_text("简称湖南交规院")
    # a reason too short: refused, the folded 不予新增 form open again with what was typed
    await requests.locator("summary", has_text="不予新增").first.click()
    await admin.get_by_label("原因（申请人会收到）").first.fill("无")
    await admin.locator("[data-testid^='decline-unit-']").first.click()
    await expect(admin.get_by_test_id("flash")).to_contain_text("原因：至少 2 个字符")
    reason = admin.get_by_label("原因（申请人会收到）").first
    await expect(reason).to_be_visible()
    await expect(reason).to_have_value("无")
    await admin.get_by_label("统一社会信用代码").first.fill(demo_credit_code(902))
    await screenshot(admin, "var/console-unit-requests.png")
    await admin.locator("[data-testid^='add-unit-']").first.click()
    await expect(admin.get_by_test_id("flash")).to_contain_text(
        f"已新增单位“{DESIGN}”，申请人已收到通知")
    await expect(requests).to_contain_text("没有等待处理的申请")
    unit = await WorkUnit.get(name=DESIGN)
    assert unit.credit_code == demo_credit_code(902) and unit.source == "admin"
    assert await Notification.exists(person_id=person.id, kind="unit.added")
