"""Formal experts: change requests and region changes through the review stages,
unavailable dates, deregistration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from aiohttp.test_utils import TestClient

from models.applications import Application
from models.experts import ExpertProfile, Unavailability
from models.people import Person, phone_is
from sandbox.platform import Platform
from services.common.clock import china_today
from services.demo_codes import demo_credit_code
from tests.support.api import Api
from tests.support.helpers import eventually
from tests.support.wechat import Chat

PDF = b"%PDF-1.4\n" + b"0" * 500
FILL = {"political_status": "群众", "email": "expert@example.com", "remote_ok": True,
        "emergency_ok": True, "title_name": "教授级高级工程师",
        "work_history": [{"start": "2000-07", "end": None, "unit": "示例工程咨询公司2",
                          "position": "总工程师"}],
        "education": [{"school": "同济大学", "major": "土木工程", "degree": "博士",
                       "graduated": "2000-06"}]}


async def _submit(api: Api, token: str, app_id: int) -> None:
    assert (await api.call("POST", f"/applications/{app_id}/print", token)).status == 200
    up = await api.upload(f"/applications/{app_id}/attachments/review_form", token, PDF,
                          "f.pdf", "application/pdf")
    assert up.status == 200, up.data
    done = await api.call("POST", f"/applications/{app_id}/submit", token)
    assert done.status == 200, done.data


async def _approve_all(api: Api, demo: dict, app_id: int, steps: int) -> dict:
    final = await api.login(demo["reviewer_final"].mp_openid)
    answer = None
    for _ in range(steps):
        answer = await api.call("POST", f"/review/applications/{app_id}/decision", final,
                                {"action": "approve"})
        assert answer.status == 200, answer.data
    assert answer is not None
    return answer.data


async def test_a_change_request_goes_through_review_and_updates_the_profile(
        api: Api, demo: dict) -> None:
    token = await api.login(demo["expert"].mp_openid)
    started = await api.call("POST", "/expert/requests", token, {"kind": "change"})
    assert started.status == 200 and started.data["data"]["region"] == "4401"
    assert started.data["required_attachments"] == {"review_form": "签字盖章的申报表"}
    app_id = started.data["id"]
    moved = await api.call("PUT", f"/applications/{app_id}", token, {"region": "4406"})
    assert moved.status == 400 and "异动申请" in moved.message
    unit = "广州市新示例工程咨询有限公司"
    saved = await api.call("PUT", f"/applications/{app_id}", token, {
        **FILL, "work_unit": unit, "unit_credit_code": demo_credit_code(44)})
    assert saved.status == 200, saved.data
    await _submit(api, token, app_id)
    done = await _approve_all(api, demo, app_id, 2)
    assert done["status"] == "approved"
    profile = await ExpertProfile.get(expert_number="GD-ZJ-000001")
    assert profile.work_unit == unit and profile.region == "4401"


async def test_a_region_change_only_changes_the_region(api: Api, demo: dict) -> None:
    token = await api.login(demo["expert"].mp_openid)
    app_id = (await api.call("POST", "/expert/requests", token, {"kind": "transfer"})
              ).data["id"]
    other = await api.call("PUT", f"/applications/{app_id}", token, {"email": "x@example.com"})
    assert other.status == 400 and "只能修改所在市州" in other.message
    assert (await api.call("PUT", f"/applications/{app_id}", token,
                           {"region": "4406", "willing_regions": ["4406", "4401"]})).status == 200
    # the transfer form needs the rest of the data on file to print: fill it as a change would
    profile = await ExpertProfile.get(expert_number="GD-ZJ-000001")
    current = (await api.call("GET", f"/applications/{app_id}", token)).data["data"]
    await Application.filter(id=app_id).update(data={**current, **FILL})
    # JL-GP: 选择变更的区划，填写申请理由，点击【确认】后进行提交 — no reason, no request
    unreasoned = await api.call("POST", f"/applications/{app_id}/print", token)
    assert unreasoned.status == 400 and "请填写变更所在市州（区划）的申请理由" in unreasoned.message
    reason = "工作单位调往韶关市，常住地随之变更"
    assert (await api.call("PUT", f"/applications/{app_id}", token,
                           {"transfer_reason": reason})).status == 200
    printed = urlsplit((await api.call("POST", f"/applications/{app_id}/print", token)
                        ).data["form_url"])
    sheet = await (await api.client.get(f"{printed.path}?{printed.query}")).text()
    assert f"变更区划的申请理由</th><td>{reason}" in sheet.replace("\n", "")
    await _submit(api, token, app_id)
    # the reviewers read the reason in the review log too
    shown = (await api.call("GET", f"/applications/{app_id}", token)).data
    assert [e["reason"] for e in shown["log"] if e["action"] == "submit"] == [reason]
    await _approve_all(api, demo, app_id, 2)
    await profile.refresh_from_db()
    assert profile.region == "4406" and profile.willing_regions == ["4406", "4401"]
    # a reason belongs to a region change only
    change = (await api.call("POST", "/expert/requests", token, {"kind": "change"})).data["id"]
    stray = await api.call("PUT", f"/applications/{change}", token, {"transfer_reason": "搬家"})
    assert stray.status == 400 and "申请理由只在异动申请" in stray.message


async def test_unavailable_dates(api: Api, demo: dict) -> None:
    token = await api.login(demo["expert"].mp_openid)
    today = china_today(datetime.now(UTC))
    past = await api.call("POST", "/expert/schedule", token, {
        "date_from": str(today - timedelta(days=1)), "date_to": str(today)})
    assert past.status == 400 and "已经过去" in past.message
    backwards = await api.call("POST", "/expert/schedule", token, {
        "date_from": str(today + timedelta(days=5)), "date_to": str(today + timedelta(days=4))})
    assert backwards.status == 400
    added = await api.call("POST", "/expert/schedule", token, {
        "date_from": str(today + timedelta(days=3)), "date_to": str(today + timedelta(days=5)),
        "reason": "出差"})
    assert added.status == 200
    listed = await api.call("GET", "/expert/schedule", token)
    assert [u["reason"] for u in listed.data["unavailable"]] == ["出差"]
    gone = await api.call("DELETE", f"/expert/schedule/{added.data['id']}", token)
    assert gone.status == 200 and await Unavailability.all().count() == 0
    applicant = await api.login(demo["applicant"].mp_openid)
    assert (await api.call("GET", "/expert/schedule", applicant)).status == 403


async def test_deregistration_makes_the_account_unusable(api: Api, chat: Chat, demo: dict,
                                                         platform: Platform) -> None:
    token = await api.login(demo["expert"].mp_openid)
    wrong = await api.call("POST", "/expert/deregister", token, {"confirm": "好的"})
    assert wrong.status == 400 and "确认注销" in wrong.message
    done = await api.call("POST", "/expert/deregister", token, {"confirm": "确认注销"})
    assert done.status == 200 and "按规定继续保存的记录" in done.message
    # WeChat is unbound by then: the phone is told, with what stays (a stranger is caught)
    await eventually(lambda: any("注销" in t and "不少于15年" in t
                                 for t in platform.sms_to(demo["expert"].phone)), timeout=15)
    assert (await api.call("GET", "/me", token)).status == 401
    again = await api.login(demo["expert"].mp_openid)
    assert (await api.call("GET", "/me", again)).error == "auth.not_bound"
    assert "还没有绑定" in (await chat.say(demo["expert"].openid, "我的信息")).text
    person = await Person.get(phone_is(demo["expert"].phone))
    assert person.deregistered_at is not None
    assert not (await ExpertProfile.get(person_id=person.id)).active
    # nobody can bind to a deregistered account either
    await chat.say("o_someone_else", "绑定")
    await chat.say("o_someone_else", demo["expert"].id_number)
    platform_sms = api.platform.sms_to(demo["expert"].phone)
    assert not [t for t in platform_sms if "验证码" in t]  # only the 注销 confirmation


async def test_a_change_request_needs_a_formal_expert(api: Api, demo: dict) -> None:
    token = await api.login(demo["applicant"].mp_openid)
    refused = await api.call("POST", "/expert/requests", token, {"kind": "change"})
    assert refused.status == 403  # the endpoint is for the expert role


async def test_deregistration_waits_for_an_evaluation_the_expert_confirmed(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """An expert who confirmed an evaluation is in the agency's results (GD-DRAW);
    注销 (JL-GP) is refused until it has ended, naming its date and what to do."""
    from models.draws import DrawActivity, Invitation
    from models.wechat import Channel, WeChatIdentity
    from services.common.clock import CHINA
    from tests.support.draw_world import drawn, make_experts

    await make_experts(client, 3)
    aid, _ = await drawn(api, chat, demo)
    confirmed = await Invitation.filter(activity_id=aid, status="confirmed").first()
    assert confirmed is not None
    mp = await WeChatIdentity.get(person_id=confirmed.person_id,
                                  channel=Channel.MINI_PROGRAM)
    token = await api.login(mp.openid)
    refused = await api.call("POST", "/expert/deregister", token, {"confirm": "确认注销"})
    assert refused.status == 409 and "评标结束前无法注销" in refused.message
    activity = await DrawActivity.get(id=aid)
    assert f"{activity.eval_start.astimezone(CHINA):%m月%d日}" in refused.message
    assert "请假" in refused.message
    assert (await Person.get(id=confirmed.person_id)).deregistered_at is None
