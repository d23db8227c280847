"""Verification with evidence (GD-DRAW): "填写信息并上传申请附件后点击提交审核" — a reason and
an attachment, checked by content; the verifier is told a request waits, sees its reason and
attachments, and decides; a 退选 "首先要填写退选原因并上传证明材料至抽取终端审核", and the
verifier may refuse it with a reason."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from models.draws import DrawActivity, Project
from models.notifications import Notification
from models.people import Person, phone_is
from sandbox.platform import Platform
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.draw_world import (
    PDF,
    ask_withdrawal,
    drawn,
    make_experts,
    prepared,
    submit,
)
from tests.support.wechat import Chat


async def test_a_submission_carries_a_reason_and_an_attachment_the_verifier_opens(
        api: Api, client: TestClient, demo: dict) -> None:
    await make_experts(client, 3)
    aid, token = await prepared(api, demo, total=2, verify=False)
    # prepared() submitted; take it back to try what a careless submission does
    assert (await api.call("POST", f"/draws/activities/{aid}/withdraw", token)).status == 200
    for item in (await api.call("GET", f"/draws/activities/{aid}", token)).data["evidence"]:
        await api.call("DELETE", f"/draws/activities/{aid}/evidence/{item['id']}", token)
    bare = await api.call("POST", f"/draws/activities/{aid}/submit", token,
                          {"reason": "按计划抽取"})
    assert bare.status == 400 and "附件" in bare.message
    fake = await api.upload(f"/draws/activities/{aid}/evidence/submission", token,
                            b"just text, named like a PDF", "申请.pdf", "application/pdf")
    assert fake.status == 400 and "PDF" in fake.message
    real = await api.upload(f"/draws/activities/{aid}/evidence/submission", token, PDF,
                            "专家抽取申请.pdf", "application/pdf")
    assert real.status == 200 and real.data["content_type"] == "application/pdf"
    silent = await api.call("POST", f"/draws/activities/{aid}/submit", token, {"reason": " "})
    assert silent.status == 400 and "原因" in silent.message
    before = await Notification.filter(kind="draw.awaiting_verification").count()
    sent = await api.call("POST", f"/draws/activities/{aid}/submit", token,
                          {"reason": "一标段施工评标"})
    assert sent.status == 200 and sent.data["submit_reason"] == "一标段施工评标"
    pushed = await Notification.filter(kind="draw.awaiting_verification").order_by("-id")
    verifier_person = await Person.get(phone_is(demo["verifier"].phone))
    assert len(pushed) == before + 1 and pushed[0].person_id == verifier_person.id
    verifier = await api.login(demo["verifier"].mp_openid)
    queue = (await api.call("GET", "/verify/activities", verifier)).data["activities"]
    mine = next(a for a in queue if a["id"] == aid)
    assert (mine["request"], mine["reason"]) == ("submission", "一标段施工评标")
    (evidence,) = mine["evidence"]
    download = await api.client.get(
        f"/miniapp/v1/verify/activities/{aid}/evidence/{evidence['id']}",
        headers={"Authorization": f"Bearer {verifier}"})
    assert download.status == 200 and await download.read() == PDF
    stranger = await api.client.get(
        f"/miniapp/v1/verify/activities/{aid}/evidence/{evidence['id']}",
        headers={"Authorization": f"Bearer {token}"})
    assert stranger.status == 403
    # the whole request, in names, for the verifier only; an approval keeps its comment
    whole = await api.call("GET", f"/verify/activities/{aid}", verifier)
    assert whole.status == 200 and not whole.data["refused_before"]
    parts = {p["part"]: p["items"] for p in whole.data["request"]}
    assert parts["evidence"] == ["专家抽取申请.pdf"] and len(parts["conditions"]) == 1
    assert (await api.call("GET", f"/verify/activities/{aid}", token)).status == 403
    approved = await api.call("POST", f"/verify/activities/{aid}", verifier,
                              {"approve": True, "small_pool_ok": True, "reason": "材料齐全"})
    assert approved.status == 200
    decided = (await api.call("GET", "/verify/history", verifier)).data["decisions"]
    assert (decided[0]["activity_id"], decided[0]["reason"]) == (aid, "材料齐全")


async def test_the_verifier_refuses_a_withdrawal_with_a_reason_and_the_draw_goes_on(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    await make_experts(client, 4)
    aid, token = await drawn(api, chat, demo)
    asked = await ask_withdrawal(api, token, aid, "招标人申请延期")
    assert asked.status == 200 and asked.data["requested"]
    waiting = await Notification.filter(kind="draw.awaiting_verification").order_by("-id")
    assert waiting[0].params["request_kind"] == "withdrawal"
    verifier = await api.login(demo["verifier"].mp_openid)
    queue = (await api.call("GET", "/verify/activities", verifier)).data["activities"]
    mine = next(a for a in queue if a["id"] == aid)
    assert (mine["request"], mine["reason"]) == ("withdrawal", "招标人申请延期")
    assert len(mine["evidence"]) == 1
    unexplained = await api.call("POST", f"/verify/activities/{aid}/withdrawal", verifier,
                                 {"approve": False})
    assert unexplained.status == 400
    refused = await api.call("POST", f"/verify/activities/{aid}/withdrawal", verifier,
                             {"approve": False, "reason": "证明材料未盖章"})
    assert refused.status == 200 and refused.data["status"] == "ended"
    told = await Notification.filter(kind="draw.withdrawal_refused")
    assert told and all(n.params["reason"] == "证明材料未盖章" for n in told)
    assert not await Notification.filter(kind="draw.cancelled").exists()
    queue = (await api.call("GET", "/verify/activities", verifier)).data["activities"]
    assert all(a["id"] != aid for a in queue)
    log = (await api.call("GET", f"/draws/activities/{aid}/log", token)).data["entries"]
    assert [e["action"] for e in log][-2:] == ["withdrawal_request", "withdrawal_refuse"]
    assert log[-1]["reason"] == "证明材料未盖章" and log[-1]["role"] == "verifier"


async def test_a_handler_without_wechat_hears_of_the_verification_by_sms(
        api: Api, client: TestClient, demo: dict, platform: Platform) -> None:
    """Reach without WeChat: the agency's handler who never follows the official account
    learns that the trading centre verified (or refused) the request by SMS, as every desk
    push kind now has an SMS text."""
    from models.wechat import WeChatIdentity
    from tests.support.helpers import eventually

    aid, _ = await prepared(api, demo, total=1, verify=False)
    handler = await Person.get(phone_is(demo["handler"].phone))
    await WeChatIdentity.filter(person_id=handler.id).update(person_id=None)
    verifier = await api.login(demo["verifier"].mp_openid)
    refused = await api.call("POST", f"/verify/activities/{aid}", verifier,
                             {"approve": False, "reason": "回避名单不全"})
    assert refused.status == 200
    await eventually(lambda: any("未通过交易中心核验" in t and "回避名单不全" in t
                                 for t in platform.sms_to(handler.phone)), timeout=10)


async def test_a_request_nobody_could_verify_is_not_sent(
        api: Api, client: TestClient, demo: dict) -> None:
    """A project in 韶关, where no trading centre has a verifier (the demo's serves 广州):
    the page says so and its 提交核验 is disabled with the reason; the API refuses in
    words, and the activity stays a draft the agency can still change."""
    aid, token = await prepared(api, demo, total=2, submitted=False)
    activity = await DrawActivity.get(id=aid)
    await Project.filter(id=activity.project_id).update(region="440203")
    desk = Desk(client)
    await desk.sign_in(demo["handler"].phone)
    _, page = await desk.get(f"/console/activities/{aid}")
    assert 'data-testid="no-terminal"' in page and "没有核验员" in page
    assert 'data-testid="submit" disabled' in page
    refused = await submit(api, token, aid)
    assert refused.status == 409 and "广东省韶关市武江区" in refused.message, refused.data
    assert "无人核验" in refused.message
    assert (await DrawActivity.get(id=aid)).status == "draft"
