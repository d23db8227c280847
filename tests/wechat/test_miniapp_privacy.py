"""WeChat's privacy events at the mini-program's message server (WX-MP-PRIVACY 授权用户信息变
更): each applied when it arrives, once, over a push signed and encrypted as WeChat sends it;
a push whose signature does not hold changes nothing."""

from __future__ import annotations

import time

from aiohttp import ClientSession
from aiohttp.test_utils import TestClient, TestServer

from models.notifications import SubscribeConsent
from models.wechat import Channel, WeChatIdentity, WeChatPrivacyEvent
from sandbox.platform import Platform
from sandbox.wechat_push import privacy_fields
from services.demo import DemoPerson
from tests.support.accounts import MINI_TOKEN
from tests.support.api import Api
from tests.support.helpers import eventually
from tests.support.wechat import Chat, MiniPush


async def test_a_cancelled_wechat_account_is_unbound_and_the_expert_told_by_sms(
        client: TestClient, api: Api, demo: dict[str, DemoPerson],
        platform: Platform) -> None:
    """user_authorization_cancellation ("请依法依规及时履行相应个人信息保护义务"): the mini-program
    session signs in as nobody, the consents are gone, the official account of the same
    WeChat user (one unionid) is unbound too; the expert's phone is told, in words, that
    WeChat no longer reaches them and how to bind another. Sent as JSON in safe mode."""
    expert = demo["expert"]
    await WeChatIdentity.filter(openid__in=[expert.openid, expert.mp_openid]).update(
        unionid="union-expert")
    token = await api.login(expert.mp_openid)
    assert (await api.call("GET", "/expert/card", token)).status == 200
    templates = (await api.call("GET", "/subscriptions/templates", token)).data["templates"]
    await api.call("POST", "/subscriptions", token, {"accepted": list(templates.values())})
    assert await SubscribeConsent.exists(mp_openid=expert.mp_openid)

    push = MiniPush(client, mode="safe", fmt="json")
    started = time.monotonic()
    assert await push.event(expert.mp_openid, "user_authorization_cancellation") \
        == (200, "success")
    assert time.monotonic() - started < 2  # applied before the answer, within WeChat's 5 s

    card = await api.call("GET", "/expert/card", token)
    assert card.status in (401, 403) and "绑定" in card.message
    assert not await SubscribeConsent.exists(mp_openid=expert.mp_openid)
    for identity in await WeChatIdentity.filter(openid__in=[expert.openid,
                                                            expert.mp_openid]):
        assert identity.person_id is None and identity.unionid is None
    await eventually(lambda: any("微信账号已注销" in t for t in platform.sms_to(expert.phone)),
                     timeout=10)
    told = next(t for t in platform.sms_to(expert.phone) if "微信账号已注销" in t)
    assert "短信" in told and "绑定" in told  # where notices go now, and how to bind again


async def test_a_revocation_is_recorded_once_and_changes_nothing_held(
        client: TestClient, api: Api, demo: dict[str, DemoPerson],
        platform: Platform) -> None:
    """user_authorization_revoke with RevokeInfo 8 (手机号): the service never took the
    phone from WeChat (it comes from registration), so the expert stays bound and is not
    told; the revocation is recorded with what was withdrawn, once however often WeChat
    retries the push. XML in safe mode."""
    expert = demo["expert"]
    push = MiniPush(client, mode="safe")
    sent = push.build(expert.mp_openid, "user_authorization_revoke", "8")
    assert await push.post(sent) == (200, "success")
    assert await push.post(sent) == (200, "success")  # WeChat's retry
    recorded = await WeChatPrivacyEvent.filter(event="user_authorization_revoke")
    identity = await WeChatIdentity.get(openid=expert.mp_openid)
    assert len(recorded) == 1 and recorded[0].scopes == [8]
    assert recorded[0].person_id == identity.person_id is not None
    token = await api.login(expert.mp_openid)
    assert (await api.call("GET", "/expert/card", token)).status == 200
    assert not platform.sms_to(expert.phone)
    # the expert reads it in their own data (PIPL Art. 45), with what was withdrawn
    listed = await api.call("GET", "/me/personal-data", token)
    account = next(k for k in listed.data["kinds"] if k["key"] == "account")
    [seen] = account["values"]["wechat_events"]
    assert seen["withdrawn"] == ["手机号"] and "撤回" in seen["event"]


async def test_a_cleaned_nickname_is_recorded_and_nothing_else_changes(
        client: TestClient, api: Api, demo: dict[str, DemoPerson]) -> None:
    """user_info_modified (WeChat cleaned a risky nickname or avatar): the service keeps
    neither, so there is nothing to refresh; the push is answered and recorded. Plain XML
    where the console says 明文模式 is refused: the deployment is in safe mode."""
    expert = demo["expert"]
    plain = MiniPush(client, mode="plain")
    assert (await plain.event(expert.mp_openid, "user_info_modified"))[0] == 403
    assert not await WeChatPrivacyEvent.exists()
    push = MiniPush(client, mode="safe")
    assert await push.event(expert.mp_openid, "user_info_modified") == (200, "success")
    assert await WeChatPrivacyEvent.filter(event="user_info_modified").count() == 1
    token = await api.login(expert.mp_openid)
    assert (await api.call("GET", "/expert/card", token)).status == 200


async def test_a_forged_push_is_refused_and_changes_nothing(
        client: TestClient, demo: dict[str, DemoPerson]) -> None:
    """Only WeChat knows the Token: a push signed with another one, or whose encrypted
    body does not match its msg_signature, is refused before anything is read, and the
    console's URL check answers only a correct signature."""
    expert = demo["expert"]
    forger = MiniPush(client, mode="safe", token="not-" + MINI_TOKEN)
    status, _ = await forger.event(expert.mp_openid, "user_authorization_cancellation")
    assert status == 403
    genuine = MiniPush(client, mode="safe")
    push = genuine.build(expert.mp_openid, "user_authorization_cancellation")
    other = genuine.build("o_someone_else", "user_authorization_cancellation")
    push.query["msg_signature"] = other.query["msg_signature"]
    assert (await genuine.post(push))[0] == 403
    assert not await WeChatPrivacyEvent.exists()
    assert (await WeChatIdentity.get(openid=expert.mp_openid)).person_id is not None
    assert (await WeChatIdentity.filter(channel=Channel.MINI_PROGRAM).count()) > 0
    check = genuine.pusher.build({"FromUserName": ""})
    query = {k: v for k, v in check.query.items() if k != "openid"}
    resp = await client.get("/wechat/miniapp/callback", params={**query, "echostr": "e42"})
    assert resp.status == 200 and await resp.text() == "e42"
    query["signature"] = "0" * 40
    resp = await client.get("/wechat/miniapp/callback", params={**query, "echostr": "e42"})
    assert resp.status == 403


async def test_the_official_account_applies_them_too(
        chat: Chat, demo: dict[str, DemoPerson], platform: Platform) -> None:
    """The official account's message server gets the same events about its users (its web
    pages' RevokeInfo 201-207): applied the same way, answered `success`, no chat reply,
    and WeChat's push service is not taken for a user."""
    expert = demo["expert"]
    revoked = await chat.post(chat.pusher.build(privacy_fields(
        expert.openid, "user_authorization_revoke", "205")))
    assert revoked.status == 200 and revoked.body == "success"
    [event] = await WeChatPrivacyEvent.all()
    assert event.channel == Channel.OFFICIAL_ACCOUNT and event.scopes == [205]
    gone = await chat.post(chat.pusher.build(privacy_fields(
        expert.openid, "user_authorization_cancellation")))
    assert gone.status == 200 and gone.body == "success"
    assert (await WeChatIdentity.get(openid=expert.openid)).person_id is None
    assert not await WeChatIdentity.exists(openid="o_wechat_push_service")
    await eventually(lambda: any("微信账号已注销" in t for t in platform.sms_to(expert.phone)),
                     timeout=10)


async def test_the_sandbox_plays_wechat_for_privacy_events_and_the_phone(
        sandbox: TestServer) -> None:
    """With `make run`: the simulator pushes a privacy event as WeChat signs and encrypts it
    for the mini-program's server, and plays the phone's side of a face verification."""
    async with ClientSession() as http:
        url = sandbox.make_url
        pushed = await http.post(url("/sandbox/api/privacy-event"), json={
            "openid": "mp_demo_expert", "event": "user_authorization_cancellation"})
        assert (await pushed.json()) == {"status": 200, "reply": "success"}
        assert (await WeChatIdentity.get(openid="mp_demo_expert")).person_id is None
        wrong = await http.post(url("/sandbox/api/privacy-event"),
                                json={"openid": "mp_demo_expert", "event": "nothing"})
        assert wrong.status == 400
        assert await (await http.get(url("/sandbox/api/faces"))).json() == []
        unknown = await http.post(url("/sandbox/api/face"), json={"verify_id": "VERIFY_x"})
        assert unknown.status == 404
