"""The consultation contacts per region (XJ-SIGNUP: "公开选聘期间开通政策咨询，申报人员可根据
《各地州市评标专家报名咨询方式》(选聘公告附件4)进行咨询", in its 网上报名 and 资格审核 steps):
administrators keep them, applicants read them in the mini-program and in chat, their own
region's first."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestServer

from models.applications import Application
from models.people import Person, phone_is
from tests.support.api import Api
from tests.support.browser import screenshot, signed_in
from tests.support.wechat import Chat

VISITOR = "o_demo_visitor"  # a follower who never bound nor applied
GUANGZHOU = {"region": "4401", "department": "广州市住房和城乡建设局",
             "phone": "020-83125678", "hours": "工作日 9:00-12:00 14:00-17:30"}
PROVINCE = {"region": "44", "department": "广东省综合评标评审专家库管理办公室",
            "phone": "020-83136600", "address": "广州市越秀区东风中路305号"}
SHENZHEN = {"region": "4403", "department": "深圳市住房和建设局", "phone": "0755-83788000"}


async def test_contacts_are_kept_by_administrators_and_answered_in_chat(
        api: Api, demo: dict, chat: Chat) -> None:
    admin = await api.login(demo["admin"].mp_openid)
    # before any is published, chat says so and what to do instead
    none = await chat.say(VISITOR, "报名咨询")
    assert "暂未公布" in none.text and "反馈" in none.text
    for body in (SHENZHEN, PROVINCE, GUANGZHOU):
        made = await api.call("POST", "/admin/consult-contacts", admin, body)
        assert made.status == 200, made.data
    # a personal mobile is not published, and the refusal says what to write
    mobile = await api.call("POST", "/admin/consult-contacts", admin,
                            {**SHENZHEN, "phone": "13912345678"})
    assert mobile.status == 400 and "办公电话" in mobile.message
    # anyone reads them; an applicant of 广州 sees the city's, then the province's
    everyone = await api.call("GET", "/reference/consult-contacts")
    assert everyone.status == 200 and len(everyone.data["contacts"]) == 3
    local = await api.call("GET", "/reference/consult-contacts", params={"region": "440106"})
    assert [c["department"] for c in local.data["contacts"]] == [
        GUANGZHOU["department"], PROVINCE["department"]]
    assert local.data["contacts"][0]["region_name"] == "广东省广州市"
    # in chat: the applicant (whose application is of 广州) gets their region's, with hours
    person = await Person.get(phone_is(demo["applicant"].phone))
    assert (await Application.get(person_id=person.id)).region == "4401"
    answer = await chat.say(demo["applicant"].openid, "报名咨询")
    assert "广州市住房和城乡建设局：020-83125678（工作日 9:00-12:00 14:00-17:30）" in answer.text
    assert PROVINCE["department"] in answer.text and SHENZHEN["department"] not in answer.text
    assert answer.text.index("广州市住房") < answer.text.index(PROVINCE["department"])
    # a visitor who never applied is given every region's
    visitor = await chat.say(VISITOR, "咨询电话")
    assert SHENZHEN["department"] in visitor.text and "0755-83788000" in visitor.text
    # 怎么申请 points to them, as the seed's 网上报名 step does
    guide = await chat.say(VISITOR, "怎么申请")
    assert "报名咨询" in guide.text
    # an administrator changes one and removes another
    listed = await api.call("GET", "/admin/consult-contacts", admin)
    ids = {c["department"]: c["id"] for c in listed.data["contacts"]}
    changed = await api.call("PUT", f"/admin/consult-contacts/{ids[SHENZHEN['department']]}",
                             admin, {**SHENZHEN, "phone": "0755-83788001"})
    assert changed.status == 200 and changed.data["phone"] == "0755-83788001"
    removed = await api.call("DELETE", f"/admin/consult-contacts/{ids[PROVINCE['department']]}",
                             admin)
    assert removed.status == 200 and len(removed.data["contacts"]) == 2
    # and only administrators keep them
    expert = await api.login(demo["expert"].mp_openid)
    assert (await api.call("POST", "/admin/consult-contacts", expert, SHENZHEN)).status == 403


async def test_an_administrator_keeps_the_contacts_at_the_desk(
        sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    admin = await signed_in(browser, sandbox, "13800000007", "/console/home")
    await admin.get_by_role("link", name="报名咨询").click()
    await expect(admin.get_by_test_id("contacts")).to_contain_text("暂未公布")
    # no region picked: told to pick one, not "格式不正确"; what was typed stays
    await admin.get_by_label("咨询单位").fill(GUANGZHOU["department"])
    await admin.get_by_label("咨询电话").fill(GUANGZHOU["phone"])
    await admin.get_by_test_id("add-contact").click()
    await expect(admin.get_by_test_id("flash")).to_contain_text(
        "地区：不能为空：请填写，或从列表中选择")
    await expect(admin.get_by_label("咨询单位")).to_have_value(GUANGZHOU["department"])
    picker = admin.get_by_test_id("contact-region")
    await picker.locator("select").nth(0).select_option(label="广东省")
    await picker.locator("select").nth(1).select_option(label="广州市")
    await admin.get_by_label("咨询单位").fill(GUANGZHOU["department"])
    await admin.get_by_label("咨询电话").fill(GUANGZHOU["phone"])
    await admin.get_by_label("咨询时间").fill(GUANGZHOU["hours"])
    await admin.get_by_test_id("add-contact").click()
    await expect(admin.get_by_test_id("flash")).to_contain_text(
        f"已保存「{GUANGZHOU['department']}」的报名咨询方式")
    table = admin.get_by_test_id("contacts")
    await expect(table).to_contain_text("广东省广州市")
    await expect(table).to_contain_text("020-83125678")
    await screenshot(admin, "var/console-consult-contacts.png")
