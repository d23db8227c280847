"""Pre-review by each specialty's industry (HN-APPLY: "当前处于行业部门预审阶段，根据申请人填写
的专业给到对应的市州行业部门预审"; "市州行业部门可打回该专业"): an applicant who chose a
住建 specialty and a 交通 one is pre-reviewed by both departments of the city; the stage
passes once each has approved its own, and a department returns only its own specialties."""

from __future__ import annotations

from models.applications import Application, ReviewAction
from models.notifications import Notification
from models.people import Person, Role, RoleGrant, phone_is
from sandbox.platform import Platform
from tests.support.api import Api
from tests.support.applications import PDF, applicant, make_batch, ready_to_submit
from tests.support.helpers import eventually
from tests.support.wechat import Chat

# A04 设计 (住建): 建筑工程设计; A07 交通工程 (交通): 路基路面工程
HOUSING, ROADS = "A0401", "A070101"


async def _queue(api: Api, token: str) -> list[int]:
    answer = await api.call("GET", "/review/queue", token)
    assert answer.status == 200, answer.data
    return [a["id"] for a in answer.data["applications"]]


async def test_each_specialty_reaches_its_own_industry_department(
        api: Api, demo: dict, chat: Chat, platform: Platform) -> None:
    token = await applicant(api, demo)
    batch = await make_batch("湖南省综合评标专家征集", rule="hunan")
    app_id = await ready_to_submit(api, token, batch, specialties=[HOUSING, ROADS],
                                   primary_specialties=[HOUSING], primary_specialty=HOUSING)
    assert (await api.call("POST", f"/applications/{app_id}/submit", token)).status == 200
    # the city's 交通 department (a second reviewer of 广州市) is told too
    transport = await Person.get(phone_is(demo["verifier"].phone))
    await RoleGrant.create(person_id=transport.id, role=Role.REVIEWER, level="city",
                           region="4401", industry="交通")
    housing = await Person.get(phone_is(demo["reviewer"].phone))
    told = set(await Notification.filter(kind="review.waiting").values_list("person_id",
                                                                             flat=True))
    assert housing.id in told
    zj, jt = (await api.login(demo["reviewer"].mp_openid),
              await api.login(demo["verifier"].mp_openid))
    assert await _queue(api, zj) == [app_id] and await _queue(api, jt) == [app_id]
    shown = await api.call("GET", "/review/queue", jt)
    assert shown.data["applications"][0]["waiting_industries"] == ["交通", "住建"]
    # 交通 may not return the 住建 specialty, and says whose it is
    other = await api.call("POST", f"/review/applications/{app_id}/decision", jt, {
        "action": "return", "reason": "专业与工作经历不符", "items": [f"specialty:{HOUSING}"]})
    assert other.status == 403 and "由住建行业部门预审" in other.message
    # 住建 approves its specialty: the application waits for 交通, the applicant is told
    # who approved and who still reviews (not of a stage passed), and 住建 no longer sees it
    reviewers_told = await Notification.filter(kind="review.waiting").count()
    first = await api.call("POST", f"/review/applications/{app_id}/decision", zj,
                           {"action": "approve"})
    assert first.status == 200 and first.data["stage"] == "市州行业部门预审", first.data
    assert not await Notification.exists(kind="application.stage_passed")
    me = await Person.get(phone_is(demo["applicant"].phone))
    (told_one,) = await Notification.filter(kind="application.industry_passed")
    assert told_one.person_id == me.id
    assert (told_one.params["passed_industries"], told_one.params["waiting_industries"]) == (
        ["住建"], ["交通"])
    await eventually(lambda: any(  # a template message: its progress field names both
        "住建已通过，待交通审核" in str(s.payload)
        for s in platform.received_by(demo["applicant"].openid)), timeout=10)
    # nobody new to review: 交通 was told when the application arrived
    assert await Notification.filter(kind="review.waiting").count() == reviewers_told
    assert await _queue(api, zj) == [] and await _queue(api, jt) == [app_id]
    progress = await chat.say(demo["applicant"].openid, "审核进度")
    assert "住建行业部门已通过，等待交通行业部门预审" in progress.text
    again = await api.call("POST", f"/review/applications/{app_id}/decision", zj,
                           {"action": "approve"})
    assert again.status == 409 and "等待其他行业部门预审" in again.message
    # 交通 approves its own: the stage is passed, the applicant told, the log names both
    second = await api.call("POST", f"/review/applications/{app_id}/decision", jt,
                            {"action": "approve"})
    assert second.status == 200 and second.data["stage"] == "省行业部门审核", second.data
    assert await Notification.exists(kind="application.stage_passed", person_id=me.id)
    # the usual message for the stage, and no second "one department approved"
    assert await Notification.filter(kind="application.industry_passed").count() == 1
    app = await Application.get(id=app_id)
    assert app.industries_passed == []
    log = await api.call("GET", f"/applications/{app_id}", token)
    stages = [e["stage"] for e in log.data["log"] if e["action"] == "approve"]
    assert stages == ["市州行业部门预审（住建）", "市州行业部门预审（交通）"]
    assert await ReviewAction.filter(application_id=app_id, action="approve").count() == 2


async def test_a_department_returns_its_own_specialty_and_both_review_again(
        api: Api, demo: dict) -> None:
    token = await applicant(api, demo)
    batch = await make_batch("湖南省综合评标专家征集", rule="hunan")
    app_id = await ready_to_submit(api, token, batch, specialties=[HOUSING, ROADS],
                                   primary_specialties=[HOUSING], primary_specialty=HOUSING)
    await api.call("POST", f"/applications/{app_id}/submit", token)
    transport = await Person.get(phone_is(demo["verifier"].phone))
    await RoleGrant.create(person_id=transport.id, role=Role.REVIEWER, level="city",
                           region="4401", industry="交通")
    zj, jt = (await api.login(demo["reviewer"].mp_openid),
              await api.login(demo["verifier"].mp_openid))
    assert (await api.call("POST", f"/review/applications/{app_id}/decision", zj,
                           {"action": "approve"})).status == 200
    returned = await api.call("POST", f"/review/applications/{app_id}/decision", jt, {
        "action": "return", "reason": "请补充公路工程业绩", "items": [f"specialty:{ROADS}"]})
    assert returned.status == 200 and returned.data["status"] == "returned", returned.data
    note = await Notification.filter(kind="application.returned").first()
    assert note is not None and "路基路面工程" in note.params["items"]
    assert (await Application.get(id=app_id)).industries_passed == []
    # printed and submitted again: back at the stage, before both departments again
    assert (await api.call("POST", f"/applications/{app_id}/print", token)).status == 200
    assert (await api.upload(f"/applications/{app_id}/attachments/review_form", token, PDF,
                             "form.pdf", "application/pdf")).status == 200
    again = await api.call("POST", f"/applications/{app_id}/submit", token)
    assert again.status == 200 and again.data["stage"] == "市州行业部门预审", again.data
    assert await _queue(api, zj) == [app_id] and await _queue(api, jt) == [app_id]
    # a reviewer with no industry (the city's whole office) decides for all at once
    office = await Person.get(phone_is(demo["reviewer_province"].phone))
    await RoleGrant.create(person_id=office.id, role=Role.REVIEWER, level="city",
                           region="4401")
    whole = await api.call("POST", f"/review/applications/{app_id}/decision",
                           await api.login(demo["reviewer_province"].mp_openid),
                           {"action": "approve"})
    assert whole.status == 200 and whole.data["stage"] == "省行业部门审核", whole.data
