"""Calls through a middle number (虚拟呼叫), as GD-DRAW uses them three times, through the
sandbox's fake Alibaba Cloud 号码隐私保护 on loopback (signed requests, a bound middle number,
call records pushed back to the service):

- 复评/通知原专家: "工作人员在系统中输入本人电话号码并选择与对应的评标专家发起呼叫。
  系统即按虚拟呼叫功能…工作人员在与所有原评标专家协商完成评标详细事宜后，将商定的专家参评
  情况和集合时间录入系统中并提交即可完成抽取（特别说明：虚拟呼叫方式保证工作人员在不获取
  专家电话号码的情况下可发起电话呼叫，专家看到的来电显示是系统语音电话号码，而非工作人员
  真实的电话号码）", with "评标时间与复评的集合时间为同一天";
- 虚拟电话催促: "在专家未进场且在专家集合时间至集合时间后 30 分钟的时间段，才能发起系统
  语音催促或虚拟通话催促";
- 退选 undelivered: "对于退选通知未送达专家，工作人员可使用虚拟呼叫功能自行联系专家，并在
  系统中录入退选结果后，系统才会将该专家退选状态调整为“已确认”"."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from datetime import time as day_time

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.providers.privacy.aliyun import AliyunPrivacy, pop_signature, sandbox_privacy, signed
from config.clients import privacy_setup
from config.settings import Settings, SettingsError
from models.calls import VirtualCall, VirtualCallRecord
from models.draws import DrawActivity, DrawStatus, Invitation, InvitationStatus, Notice
from models.notifications import Notification
from models.people import Person
from sandbox.fake_aliyun_pls import ALIYUN_PLS, AliyunPlsFake, stand_in
from sandbox.platform import Platform
from services.common.clock import CHINA
from services.notifications.privacy import PrivacyError
from tests.support.api import Api
from tests.support.draw_world import (
    ask_withdrawal,
    confirmed_elsewhere,
    drawn,
    make_experts,
    openid_of,
    submit,
    the_evaluation_is_over,
    the_results_unseal,
)
from tests.support.settings import make_settings
from tests.support.wechat import Chat
from web.context import DOMAIN

STAFF = "13912345678"  # the handler's own mobile, typed at the desk


@pytest.fixture
def settings(infra: dict[str, str], wechat: TestServer) -> Settings:
    return make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                         PRIVACY_PROVIDER="sandbox")


def pool(wechat: TestServer, client: TestClient, settings: Settings) -> AliyunPlsFake:
    """The fake number pool, set up as the sandbox's stand-in account is."""
    fake = wechat.app[ALIYUN_PLS]
    stand_in(fake, sandbox_privacy(settings.secret_key, settings.api_base(""), 5.0),
             str(client.make_url("")))
    return fake


async def talk(fake: AliyunPlsFake, middle: str, seconds: float = 95) -> None:
    """The staff dials the middle number from their own phone; the expert answers."""
    call = fake.dial(STAFF, middle)
    assert call is not None
    assert fake.answer(call.call_id)
    assert await fake.hang_up(call.call_id, seconds) == 200


async def test_a_reevaluation_by_calls_two_experts_one_agrees_a_new_time_one_declines(
        api: Api, chat: Chat, client: TestClient, demo: dict, wechat: TestServer,
        platform: Platform, settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    fake = pool(wechat, client, settings)
    await make_experts(client, 6)
    aid, token = await drawn(api, chat, demo)  # two experts served the original evaluation
    await the_evaluation_is_over(aid, datetime.now(UTC))
    # 10:00 China time three days on: the agreed gathering (45 minutes earlier) on the same
    # day, whatever the hour the test runs at
    start = datetime.combine((datetime.now(CHINA) + timedelta(days=3)).date(), day_time(10),
                             CHINA).astimezone(UTC)
    times = {"bid_open_at": (start - timedelta(hours=1)).isoformat(),
             "eval_start": start.isoformat(), "eval_end": (start + timedelta(hours=4)).isoformat()}
    rid = (await api.call("POST", f"/draws/activities/{aid}/reeval", token, times)).data["id"]
    early = await api.call("POST", f"/draws/activities/{rid}/recall/start", token)
    assert early.status == 409 and "核验通过后" in early.message
    await submit(api, token, rid)
    verifier = await api.login(demo["verifier"].mp_openid)
    await api.call("POST", f"/verify/activities/{rid}", verifier,
                   {"approve": True, "small_pool_ok": True})
    begun = await api.call("POST", f"/draws/activities/{rid}/recall/start", token)
    assert begun.status == 200, begun.data
    first, second = begun.data["experts"]
    assert first["outcome"] is None and not begun.data["ready"]
    # the worker's sweep leaves a re-evaluation by calls alone: nobody is invited by message
    await client.app[DOMAIN].draws.running.sweep.sweep(datetime.now(UTC))
    assert await Invitation.filter(activity_id=rid).count() == 0
    # a wrong number of the staff's own is refused in words, nothing bound
    bad = await api.call("POST", f"/draws/activities/{rid}/calls", token, {
        "purpose": "recall", "target": first["expert_id"], "staff_phone": "12345678"})
    assert bad.status == 400 and "本人的电话号码" in bad.message
    # ... a short one too, in the same words (not "至少 7 个字符" of the field's length)
    short = await api.call("POST", f"/draws/activities/{rid}/calls", token, {
        "purpose": "recall", "target": first["expert_id"], "staff_phone": "8888"})
    assert short.status == 400 and "本人的电话号码" in short.message, short.data
    assert not fake.bindings
    # 1. the first expert: called, agrees to come at a new gathering time on the day
    placed = await api.call("POST", f"/draws/activities/{rid}/calls", token, {
        "purpose": "recall", "target": first["expert_id"], "staff_phone": STAFF})
    assert placed.status == 200, placed.data
    middle = placed.data["middle_number"]
    again = await api.call("POST", f"/draws/activities/{rid}/calls", token, {
        "purpose": "recall", "target": first["expert_id"], "staff_phone": STAFF})
    assert again.data["id"] == placed.data["id"] and len(fake.bindings) == 1  # not bound twice
    await talk(fake, middle)
    experts = {p.id: p for p in await Person.filter(name__in=[first["name"], second["name"]])}
    experts_by_name = {p.name: p.id for p in experts.values()}
    expert_phone = next(p.phone for p in experts.values() if p.name == first["name"])
    # the expert's phone rang with the middle number, never the staff's
    rang = [s.payload["text"] for s in platform.sent if s.openid == expert_phone
            and s.kind == "privacy_call"]
    assert rang == [f"来电 {middle}（虚拟号码）"]
    agreed = (start - timedelta(minutes=45)).astimezone(CHINA)
    wrong_day = await api.call("POST", f"/draws/activities/{rid}/calls/{placed.data['id']}/outcome",
                               token, {"outcome": "attend",
                                       "gather_at": (start - timedelta(days=1)).isoformat()})
    assert wrong_day.status == 400 and "同一天" in wrong_day.message
    # the original evaluation's planned window still covering the 复评's day does not
    # count: its experts are the ones being called back
    await DrawActivity.filter(id=aid).update(eval_end=start + timedelta(hours=8))
    # confirmed for another evaluation at the same time: "attend" is refused in words
    # (nobody sits on two committees at once: docs/rules-that-are-ours.md) ...
    reeval = await DrawActivity.get(id=rid)
    elsewhere = await confirmed_elsewhere(reeval, first["expert_id"],
                                          experts_by_name[first["name"]])
    busy = await api.call("POST", f"/draws/activities/{rid}/calls/{placed.data['id']}/outcome",
                          token, {"outcome": "attend", "gather_at": agreed.isoformat()})
    assert busy.status == 409 and first["name"] in busy.message, busy.data
    assert "同一时段已确认参加其他评标" in busy.message
    # ... until that evaluation is cancelled (it books nobody then)
    await DrawActivity.filter(id=elsewhere.id).update(status=DrawStatus.CANCELLED)
    ended = await api.call("POST", f"/draws/activities/{rid}/calls/{placed.data['id']}/outcome",
                           token, {"outcome": "attend", "gather_at": agreed.isoformat(),
                                   "note": "专家同意提前集合"})
    assert ended.status == 200, ended.data
    record = ended.data["records"][0]
    assert record["from_staff"] and record["answered"] and record["seconds"] == 95
    assert fake.bindings[next(iter(fake.bindings))].released  # released after use
    # submitting before everyone is decided names who is left
    early = await api.call("POST", f"/draws/activities/{rid}/recall/submit", token)
    assert early.status == 409 and second["name"] in early.message
    # 2. the second expert: called, declines
    placed = await api.call("POST", f"/draws/activities/{rid}/calls", token, {
        "purpose": "recall", "target": second["expert_id"], "staff_phone": STAFF})
    await talk(fake, placed.data["middle_number"], 40)
    await api.call("POST", f"/draws/activities/{rid}/calls/{placed.data['id']}/outcome", token,
                   {"outcome": "decline", "note": "出差"})
    state = await api.call("GET", f"/draws/activities/{rid}/recall", token)
    assert [e["outcome"] for e in state.data["experts"]] == ["attend", "decline"]
    assert state.data["ready"]
    # 3. the final confirmation, once; refused while an attending expert has been confirmed
    # elsewhere at the same time since the call
    await DrawActivity.filter(id=elsewhere.id).update(status=DrawStatus.ENDED)
    busy = await api.call("POST", f"/draws/activities/{rid}/recall/submit", token)
    assert busy.status == 409 and first["name"] in busy.message, busy.data
    assert await Invitation.filter(activity_id=rid).count() == 0  # nothing half done
    await DrawActivity.filter(id=elsewhere.id).update(status=DrawStatus.CANCELLED)
    # ... and while an attending expert is suspended since the call (实施条例 Art. 72)
    from models.sanctions import Sanction, SanctionKind
    from services.common.clock import china_today

    today = china_today(datetime.now(UTC))
    suspension = await Sanction.create(
        expert_id=first["expert_id"], kind=SanctionKind.SUSPENSION, reason="无故缺席评标",
        decided_on=today, starts_on=today, ends_on=today + timedelta(days=90), decided_by=1)
    barred = await api.call("POST", f"/draws/activities/{rid}/recall/submit", token)
    assert barred.status == 409 and first["name"] in barred.message, barred.data
    assert "不能参加评标" in barred.message
    assert await Invitation.filter(activity_id=rid).count() == 0
    await suspension.delete()
    done = await api.call("POST", f"/draws/activities/{rid}/recall/submit", token)
    assert done.status == 200, done.data
    twice = await api.call("POST", f"/draws/activities/{rid}/recall/submit", token)
    assert twice.status == 409
    activity = await DrawActivity.get(id=rid)
    assert activity.status == "ended" and activity.end_reason == "exhausted"  # 1 of 2
    confirmed = await Invitation.get(activity_id=rid, status=InvitationStatus.CONFIRMED)
    assert confirmed.answered_via == "call" and confirmed.code
    notice = await Notice.get(activity_id=rid)
    assert notice.gather_at == agreed  # the time agreed on the phone
    (written,) = await Notification.filter(kind="draw.recalled")
    assert written.person_id == confirmed.person_id and written.params["code"] == confirmed.code
    assert f"{agreed:%H:%M}" in written.params["gather_at"]
    assert not await Notification.filter(kind="draw.recalled", person_id__not=confirmed.person_id
                                         ).exists()
    # neither side's number in any answer, push or log line: the staff's never reaches the
    # expert, the expert's never reaches the desk
    calls = await api.call("GET", f"/draws/activities/{rid}/calls", token)
    seen = json.dumps([calls.data, state.data, done.data], ensure_ascii=False)
    pushes = json.dumps([n.params for n in await Notification.all()], ensure_ascii=False)
    for phone in [STAFF, *(p.phone for p in experts.values())]:
        assert phone not in seen and phone not in caplog.text and phone not in pushes
    assert await VirtualCallRecord.filter(call__activity_id=rid).count() == 2
    log = await api.call("GET", f"/draws/activities/{rid}/log", token)
    assert [e["action"] for e in log.data["entries"]].count("call_outcome") == 2


async def test_a_virtual_urge_and_an_undelivered_withdrawal_resolved_by_a_call(
        api: Api, chat: Chat, client: TestClient, demo: dict, wechat: TestServer,
        settings: Settings) -> None:
    fake = pool(wechat, client, settings)
    await make_experts(client, 6)
    aid, token = await drawn(api, chat, demo)
    late, _ = await Invitation.filter(activity_id=aid, status=InvitationStatus.CONFIRMED
                                      ).order_by("id")
    # before the results unseal (and the gathering time) the urge is refused in words
    early = await api.call("POST", f"/draws/activities/{aid}/calls", token, {
        "purpose": "urge", "target": late.id, "staff_phone": STAFF})
    assert early.status == 400 and "解封" in early.message and not fake.bindings
    await the_results_unseal(aid, datetime.now(UTC))  # gathered ten minutes ago
    urged = await api.call("POST", f"/draws/activities/{aid}/calls", token, {
        "purpose": "urge", "target": late.id, "staff_phone": STAFF})
    assert urged.status == 200, urged.data
    await talk(fake, urged.data["middle_number"], 30)
    noted = await api.call("POST", f"/draws/activities/{aid}/calls/{urged.data['id']}/outcome",
                           token, {"outcome": "coming", "note": "堵车，10分钟后到"})
    assert noted.status == 200 and noted.data["outcome"] == "coming"
    # an expert who arrived is not urged
    await Invitation.filter(id=late.id).update(checkin_at=datetime.now(UTC))
    arrived = await api.call("POST", f"/draws/activities/{aid}/calls", token, {
        "purpose": "urge", "target": late.id, "staff_phone": STAFF})
    assert arrived.status == 409

    # a withdrawal: one expert never acknowledges; the agency calls and records the outcome
    aid, token = await drawn(api, chat, demo)
    assert (await ask_withdrawal(api, token, aid, "台风停工")).status == 200
    verifier = await api.login(demo["verifier"].mp_openid)
    await api.call("POST", f"/verify/activities/{aid}/withdrawal", verifier, {"approve": True})
    assert (await api.call("POST", f"/draws/activities/{aid}/withdrawal/start", token)
            ).status == 200
    told, silent = await Invitation.filter(activity_id=aid).order_by("id")
    await chat.say(await openid_of(told.person_id), "收到")
    status = await api.call("GET", f"/draws/activities/{aid}/withdrawal", token)
    assert (status.data["delivered"], status.data["undelivered"]) == (1, 1)
    acknowledged = await api.call("POST", f"/draws/activities/{aid}/calls", token, {
        "purpose": "withdrawal", "target": told.id, "staff_phone": STAFF})
    assert acknowledged.status == 409  # already acknowledged: nothing to call about
    placed = await api.call("POST", f"/draws/activities/{aid}/calls", token, {
        "purpose": "withdrawal", "target": silent.id, "staff_phone": STAFF})
    assert placed.status == 200, placed.data
    await talk(fake, placed.data["middle_number"], 20)
    await api.call("POST", f"/draws/activities/{aid}/calls/{placed.data['id']}/outcome", token,
                   {"outcome": "informed", "note": "专家已知悉退选"})
    status = await api.call("GET", f"/draws/activities/{aid}/withdrawal", token)
    assert (status.data["delivered"], status.data["undelivered"]) == (2, 0)
    experts = await api.call("GET", f"/draws/activities/{aid}/withdrawal/experts", token)
    row = next(e for e in experts.data["experts"] if e["invitation_id"] == silent.id)
    assert row["acknowledged_by"] == "虚拟呼叫" and row["note"] == "专家已知悉退选"


async def test_the_call_record_address_is_secret_and_records_apply_once(
        api: Api, chat: Chat, client: TestClient, demo: dict, wechat: TestServer,
        settings: Settings) -> None:
    fake = pool(wechat, client, settings)
    await make_experts(client, 6)
    aid, token = await drawn(api, chat, demo)
    await the_results_unseal(aid, datetime.now(UTC))
    item = await Invitation.filter(activity_id=aid).order_by("id").first()
    assert item is not None
    placed = await api.call("POST", f"/draws/activities/{aid}/calls", token, {
        "purpose": "urge", "target": item.id, "staff_phone": "020-88889999"})
    assert placed.status == 200, placed.data  # a landline with its area code
    call = fake.dial("02088889999", placed.data["middle_number"])
    assert call is not None
    record = fake.report(call, fake.clock())
    wrong = await client.post("/privacy/aliyun/report?token=guess", json=[record])
    assert wrong.status == 403
    url = fake.callback_url[fake.callback_url.index("/privacy"):]
    for _ in range(2):  # the provider retries: applied once
        answer = await client.post(url, json=[record])
        assert answer.status == 200 and (await answer.json())["code"] == 0
    assert await VirtualCallRecord.filter(call_id=placed.data["id"]).count() == 1
    (kept,) = await VirtualCallRecord.filter(call_id=placed.data["id"])
    assert not kept.from_staff or kept.seconds == 0  # never answered: no talk time
    assert (await client.post(url, data=b"[" * 300_000)).status == 413
    assert (await client.post(url, data=b"{not json")).status == 400
    # a provider that refuses (its pool has no free number) is a clear refusal, nothing kept
    fake.numbers = ()
    busy = await api.call("POST", f"/draws/activities/{aid}/calls", token, {
        "purpose": "urge", "target": item.id, "staff_phone": "13800001111"})
    assert busy.status == 503 and "稍后再试" in busy.message
    assert await VirtualCall.filter(state="failed").count() == 1


def test_requests_are_signed_as_the_documentation_signs_its_example() -> None:
    """Alibaba Cloud's 请求签名 page signs this SendSms request with secret testSecret to
    zJDF+Lrzhj/ThnlvIToysFRq6t4= (GET); BindAxb is signed the same way."""
    example = {"AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123",
               "PhoneNumbers": "15300000001", "RegionId": "cn-hangzhou",
               "SignName": "阿里云短信测试专用", "SignatureMethod": "HMAC-SHA1",
               "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
               "SignatureVersion": "1.0", "TemplateCode": "SMS_71390007",
               "TemplateParam": '{"customer":"test"}', "Timestamp": "2017-07-12T02:42:19Z",
               "Version": "2017-05-25"}
    assert pop_signature("GET", example, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


async def test_the_pool_refuses_a_wrong_key_a_replay_and_a_stale_request(
        wechat: TestServer, settings: Settings) -> None:
    fake = wechat.app[ALIYUN_PLS]
    account = sandbox_privacy(settings.secret_key, settings.api_base(""), 5.0)
    stand_in(fake, account, "http://127.0.0.1:9")
    expires = datetime.now(UTC) + timedelta(minutes=30)
    async with aiohttp.ClientSession() as http:
        wrong = AliyunPrivacy(http, replace(account.config, access_key_secret="x" * 30))
        with pytest.raises(PrivacyError) as refused:
            await wrong.bind("13911112222", "13933334444", expires, "vc1")
        assert refused.value.code == "SignatureDoesNotMatch" and not fake.bindings
        stale = AliyunPrivacy(http, account.config, clock=lambda: time.time() - 3600)
        with pytest.raises(PrivacyError) as old:
            await stale.bind("13911112222", "13933334444", expires, "vc1")
        assert old.value.code == "InvalidTimeStamp.Expired"
        right = AliyunPrivacy(http, account.config)
        line = await right.bind("13911112222", "13933334444", expires, "vc1")
        form = signed("UnbindSubscription", {"PoolKey": account.config.pool_key,
                                             "SubsId": line.binding_id,
                                             "SecretNo": line.middle_number},
                      account.config.access_key_id, account.config.access_key_secret,
                      time.time())
        url = account.config.endpoint
        async with http.post(url, data=form) as first, http.post(url, data=form) as again:
            assert (await first.json())["Code"] == "OK"
            assert (await again.json())["Code"] == "SignatureNonceUsed"  # a replay
        with pytest.raises(PrivacyError) as soon:
            await right.bind("13911112222", "13955556666", datetime.now(UTC), "vc2")
        assert soon.value.code == "isv.EXPIRE_DATE_ILLEGAL"


def test_the_real_provider_needs_its_keys_and_a_long_callback_secret(
        infra: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(infra, PRIVACY_PROVIDER="aliyun")
    with pytest.raises(SettingsError, match="ALIYUN_PLS_POOL_KEY"):
        privacy_setup(settings, "")
    for name, value in (("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5t"),
                        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s" * 30),
                        ("ALIYUN_PLS_POOL_KEY", "FC100000000002"),
                        ("ALIYUN_PLS_CALLBACK_TOKEN", "short")):
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match="at least"):
        privacy_setup(settings, "")
    monkeypatch.setenv("ALIYUN_PLS_CALLBACK_TOKEN", "t" * 24)
    assert privacy_setup(settings, "").callback_token == "t" * 24
    with pytest.raises(SettingsError, match="expected sandbox, aliyun or off"):
        privacy_setup(make_settings(infra, PRIVACY_PROVIDER="tencent"), "")
