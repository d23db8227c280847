"""Answering an invitation by a key pressed on a voice call. GD-DRAW: "系统将根据
设置的抽取条件抽取专家" and calls them; the expert presses a key; withdrawal notices are called
"3 次拨打" at most. Here an invitation goes out on WeChat and by SMS at once; an expert who
has not answered after 3 minutes is called, again while the invitation stays open, at most
3 times, through Tencent Cloud VMS (the sandbox's fake on loopback, with its documented
callbacks). The callbacks are untrusted input: a forged one is refused, a retried one is
applied once, a key from another number answers nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.providers.voice.callbacks import VOICE_INBOX, retry_parked
from bot.relay.channels import CHANNELS
from config.runtime import open_runtime
from config.settings import SettingsError
from models.draws import DrawActivity, DrawStatus, Invitation, InvitationStatus, Notice
from models.notifications import Notification, Status
from sandbox.platform import Platform
from services.common.pii import mask_phone
from services.draws.followups.withdrawal_report import WithdrawalReport
from services.draws.running.calls import CALL_KIND, call_key
from tests.support.draw_world import invited_by_sms
from tests.support.settings import make_settings
from tests.support.voice import call_queued, voice_world, withdraw_evaluation
from web.context import DOMAIN


async def _call_placed(app: web.Application, invitation: Invitation, attempt: int,
                       now: datetime) -> Notification | None:
    """The call job of `attempt` runs at `now`, then the relay: the notification it queued."""
    calls = app[DOMAIN].draws.running.calls
    assert calls is not None
    await calls.call(invitation.id, attempt, now)
    await app[CHANNELS].relay.run()
    return await Notification.get_or_none(dedupe_key=call_key(invitation.id, attempt))


async def test_an_expert_who_answered_nowhere_confirms_by_pressing_1_on_the_call(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    app, _client, fake, person_id, phone = await voice_world(aiohttp_client, infra, wechat,
                                                             platform)
    now = datetime.now(UTC)
    invitation = await invited_by_sms(person_id, now - timedelta(minutes=3))
    call = await _call_placed(app, invitation, 1, now)
    # the phone rings: time and place, never the project or the tenderer
    assert call is not None and call.status == Status.SENT and call.channel == "voice"
    (spoken,) = platform.calls_to(phone)
    assert "评标室302" in spoken and "按1" in spoken and "某中学" not in spoken
    (ringing,) = fake.ringing(phone)
    assert ringing.callid == call.sms_id
    assert await fake.answer(ringing.callid, "1") == [200, 200]
    confirmed = await Invitation.get(id=invitation.id)
    assert confirmed.status == InvitationStatus.CONFIRMED and confirmed.code
    assert confirmed.answered_via == "voice"
    assert (await Notification.get(id=call.id)).status == Status.DELIVERED
    # the outcome comes by SMS with the verification code; no further call is placed
    await app[CHANNELS].relay.run()
    told = [t for t in platform.sms_to(phone) if "已确认参加" in t]
    assert len(told) == 1 and confirmed.code in told[0]
    assert await _call_placed(app, invitation, 2, now + timedelta(minutes=5)) is None
    assert len(platform.calls_to(phone)) == 1


async def test_an_answer_by_sms_first_means_no_call_and_drops_one_queued(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    app, _client, _fake, person_id, phone = await voice_world(aiohttp_client, infra, wechat,
                                                             platform)
    now = datetime.now(UTC)
    invitation, _call = await call_queued(app, person_id, now)  # not yet placed
    calls = app[DOMAIN].draws.running.calls
    assert calls is not None
    await app[DOMAIN].draws.running.replies.reply(invitation.id, person_id, 2, now, "出差",
                                                  via="sms")
    await app[CHANNELS].relay.run()
    assert platform.calls_to(phone) == []
    dropped = await Notification.get(dedupe_key=call_key(invitation.id, 1))
    assert dropped.status == Status.SKIPPED and "answered" in (dropped.last_error or "")
    assert (await Invitation.get(id=invitation.id)).answered_via == "sms"
    assert not await calls.call(invitation.id, 2, now + timedelta(minutes=5))


async def test_an_unanswered_call_is_tried_again_within_the_window_only(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    """GD-DRAW's 10-minute window: calls at +3 and +8 minutes; a third (+13) would come
    after the window and is not placed. A key pressed after the window is answered late."""
    app, _client, fake, person_id, phone = await voice_world(aiohttp_client, infra, wechat,
                                                             platform)
    fake.limits = ()  # the default frequency limits are the fake's own test below
    start = datetime.now(UTC) - timedelta(minutes=8)
    invitation = await invited_by_sms(person_id, start)
    first = await _call_placed(app, invitation, 1, start + timedelta(minutes=3))
    assert first is not None and first.sms_id
    assert await fake.miss(first.sms_id) == [200, 200]
    missed = await Notification.get(id=first.id)
    assert missed.status == Status.FAILED
    assert "not answered" in (missed.last_error or "") and "无人接听" in (missed.last_error or "")
    second = await _call_placed(app, invitation, 2, datetime.now(UTC))
    assert second is not None and second.status == Status.SENT
    assert len(platform.calls_to(phone)) == 2
    calls = app[DOMAIN].draws.running.calls
    assert calls is not None
    assert not await calls.call(invitation.id, 3, start + timedelta(minutes=13))
    # the second call is answered after the window closed: late, told so by SMS
    await Invitation.filter(id=invitation.id).update(due_at=datetime.now(UTC) -
                                                     timedelta(seconds=1))
    assert second.sms_id
    await fake.answer(second.sms_id, "1")
    late = await Invitation.get(id=invitation.id)
    assert late.status == InvitationStatus.TIMEOUT and late.code is None
    await app[CHANNELS].relay.run()
    assert any("截止" in t and "已失效" in t for t in platform.sms_to(phone))


async def test_voice_callbacks_are_untrusted_input(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    app, client, fake, person_id, phone = await voice_world(aiohttp_client, infra, wechat,
                                                             platform)
    now = datetime.now(UTC)
    invitation = await invited_by_sms(person_id, now - timedelta(minutes=3))
    call = await _call_placed(app, invitation, 1, now)
    assert call is not None and call.sms_id
    key = {"voicekey_callback": {"call_from": "", "callid": call.sms_id, "keypress": "1",
                                 "mobile": phone, "nationcode": "86"}}
    path = "/voice/tencent/callback"
    token = fake.callback_url.split("token=", 1)[1]
    for query in ("", "?token=nope"):  # forged: refused
        assert (await client.post(path + query, json=key)).status == 403
    too_big = {"voicekey_callback": {**key["voicekey_callback"], "pad": "x" * 5000}}
    assert (await client.post(f"{path}?token={token}", json=too_big)).status == 413
    assert (await client.post(f"{path}?token={token}", data="<xml/>")).status == 400
    # a key from another number on our call, and one on a call that is not ours: nothing
    other = {"voicekey_callback": {**key["voicekey_callback"], "mobile": "13900000000"}}
    stranger = {"voicekey_callback": {**key["voicekey_callback"], "callid": "f" * 32}}
    for body in (other, stranger):
        answer = await client.post(f"{path}?token={token}", json=body)
        assert answer.status == 200 and await answer.json() == {"result": 0, "errmsg": "OK"}
    assert (await Invitation.get(id=invitation.id)).status == InvitationStatus.SENT
    # the provider pushes the key twice: answered once
    for _ in range(2):
        assert (await client.post(f"{path}?token={token}", json=key)).status == 200
    assert (await Invitation.get(id=invitation.id)).status == InvitationStatus.CONFIRMED
    await app[CHANNELS].relay.run()
    assert len([t for t in platform.sms_to(phone) if "已确认参加" in t]) == 1


async def test_the_provider_down_is_retried_and_a_lost_answer_is_not_called_again(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    app, _client, fake, person_id, phone = await voice_world(
        aiohttp_client, infra, wechat, platform, WECHAT_API_TIMEOUT=0.5)
    now = datetime.now(UTC)
    invitation = await invited_by_sms(person_id, now - timedelta(minutes=3))
    fake.down = True
    call = await _call_placed(app, invitation, 1, now)
    assert call is not None and call.status == Status.QUEUED and "InternalError" in (
        call.last_error or "")
    assert platform.calls_to(phone) == []
    # back up, but its answer is lost on the way: the phone rang once, and only once
    fake.down, fake.delay = False, 1.0
    await Notification.filter(id=call.id).update(next_attempt_at=now)
    await app[CHANNELS].relay.run()
    assert len(platform.calls_to(phone)) == 1
    await Notification.filter(id=call.id).update(next_attempt_at=now)
    fake.delay = 0.0
    await app[CHANNELS].relay.run()
    assert len(platform.calls_to(phone)) == 1
    placed = await Notification.get(id=call.id)
    assert placed.status == Status.SENT and placed.sms_id is None  # its CallId never came
    # the expert picks up and presses 1: the one call to that number without a CallId is
    # the one the key is for
    (ringing,) = fake.ringing(phone)
    assert await fake.answer(ringing.callid, "1") == [200, 200]
    confirmed = await Invitation.get(id=invitation.id)
    assert confirmed.status == InvitationStatus.CONFIRMED and confirmed.answered_via == "voice"
    answered = await Notification.get(id=call.id)
    assert answered.sms_id == ringing.callid and answered.status == Status.DELIVERED


async def test_a_key_before_its_call_is_recorded_is_parked_and_applied_later(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    """The callback can outrun the row that records the call (the relay saves a batch at a
    time): the report is acknowledged, parked, and applied by the worker once the call is
    found; one whose call never turns up is dropped after half an hour."""
    app, client, fake, person_id, phone = await voice_world(aiohttp_client, infra, wechat,
                                                             platform)
    now = datetime.now(UTC)
    invitation = await invited_by_sms(person_id, now - timedelta(minutes=3))
    call = await _call_placed(app, invitation, 1, now)
    assert call is not None and call.sms_id
    early = "e" * 32  # as if this were the call's CallId, not yet on its row
    await Notification.filter(id=call.id).update(status=Status.SENDING)
    token = fake.callback_url.split("token=", 1)[1]
    for body in ({"voicekey_callback": {"call_from": "", "callid": early, "keypress": "1",
                                        "mobile": phone, "nationcode": "86"}},
                 {"voiceprompt_callback": {"result": "0", "callid": early,
                                           "mobile": phone, "nationcode": "86"}}):
        answer = await client.post(f"/voice/tencent/callback?token={token}", json=body)
        assert answer.status == 200 and (await answer.json())["result"] == 0
    assert (await Invitation.get(id=invitation.id)).status == InvitationStatus.SENT
    inbox = app[VOICE_INBOX]
    assert await retry_parked(inbox, now) == 0  # still nothing to apply them to
    # the relay saves its batch: the call's row has its CallId and its status
    await Notification.filter(id=call.id).update(sms_id=early, status=Status.SENT)
    assert await retry_parked(inbox, now) == 2  # the key, and the call's end
    assert (await Notification.get(id=call.id)).status == Status.DELIVERED
    confirmed = await Invitation.get(id=invitation.id)
    assert confirmed.status == InvitationStatus.CONFIRMED and confirmed.answered_via == "voice"
    await app[CHANNELS].relay.run()
    assert len([t for t in platform.sms_to(phone) if "已确认参加" in t]) == 1
    # what never finds its call is dropped after half an hour, not kept for ever
    stray = {"voicekey_callback": {"call_from": "", "callid": "f" * 32, "keypress": "2",
                                   "mobile": phone, "nationcode": "86"}}
    assert (await client.post(f"/voice/tencent/callback?token={token}", json=stray)
            ).status == 200
    assert await inbox.redis.hlen(inbox.keys.voice_parked()) == 1
    assert await retry_parked(inbox, now + timedelta(minutes=31)) == 0
    assert not await inbox.redis.hlen(inbox.keys.voice_parked())


async def test_the_fake_answers_as_the_api_does(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    """The documented frequency limit (1 call in 30 s to a number) and template check."""
    app, _client, fake, person_id, phone = await voice_world(aiohttp_client, infra, wechat,
                                                             platform)
    now = datetime.now(UTC)
    invitation = await invited_by_sms(person_id, now - timedelta(minutes=3))
    first = await _call_placed(app, invitation, 1, now)
    assert first is not None and first.status == Status.SENT
    limited = await _call_placed(app, invitation, 2, now)  # 10 s later, say
    # a retry cannot beat a per-number limit: voice is ruled out for the row, the reason kept
    assert limited is not None and limited.status == Status.FAILED
    assert "FrequencyLimit" in (limited.last_error or "") and "voice" in limited.ruled_out
    assert len(platform.calls_to(phone)) == 1
    refused = fake.place({"VoiceSdkAppid": fake.app_id, "TemplateId": "unapproved",
                          "CalledNumber": "+86" + phone})
    assert b"TemplateIncorrectOrUnapproved" in refused.body  # type: ignore[operator]


async def test_tencent_voice_without_its_credentials_refuses_to_start(
        infra: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENT_VMS_APP_ID",
                 "TENCENT_VMS_CALLBACK_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings = make_settings(infra, VOICE_PROVIDER="tencent")
    with pytest.raises(SettingsError, match="TENCENT_VMS_APP_ID"):
        async with open_runtime(settings, "http://127.0.0.1:9"):
            pass
    assert CALL_KIND == "draw.invitation.call"


async def test_an_invitation_goes_on_wechat_and_by_sms_at_once_and_the_agency_sees_how(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    """Invitations go out on WeChat and by SMS at the same time (time matters),
    ordinary notices on the first channel that reaches the person; once the results unseal
    (GD-DRAW: 30 minutes before the evaluation) the agency sees per invitation what was
    tried and which way the answer came."""
    from services.demo import DEMO_PEOPLE
    from services.draws.news.notices import Notices
    from services.draws.record.contacts import Contacts
    from services.draws.running.calls import invitation_key

    app, _client, fake, person_id, phone = await voice_world(aiohttp_client, infra, wechat,
                                                        platform)
    openid = next(d for d in DEMO_PEOPLE if d.key == "expert").openid
    platform.user(openid).follower = True  # this one follows the official account
    now = datetime.now(UTC)
    invitation = await invited_by_sms(person_id, now - timedelta(minutes=3))
    domain = app[DOMAIN]
    params = Notices.invitation_params(await Notices.notice_of(invitation), invitation, 10)
    await domain.outbox.notify(now, "draw.invitation", {**params, "link": ""},
                               person_id=person_id, dedupe_key=invitation_key(invitation.id))
    await domain.outbox.notify(now, "system.test", {"content": "通知",
                                                    "at": "2026-11-23 09:00"},
                               person_id=person_id)
    await app[CHANNELS].relay.run()
    assert len(platform.sent_to(openid, "template")) == 2  # the invitation and the notice
    assert len([t for t in platform.sms_to(phone) if "回复" in t]) == 1  # the invitation's
    assert not any("通知" in t for t in platform.sms_to(phone))
    # no answer on either: the call rings, nobody picks up; then the expert answers by link
    call = await _call_placed(app, invitation, 1, now)
    assert call is not None and call.sms_id
    await fake.miss(call.sms_id)
    await domain.draws.running.replies.reply(invitation.id, person_id, 1, now, via="link")
    activity = await invitation.activity
    (row,) = await Contacts.contact_report(activity, activity.eval_start - timedelta(minutes=20))
    assert row.answered_via == "link" and row.status == InvitationStatus.CONFIRMED
    assert row.name  # confirmed: named, as in the results
    assert [(a.channel, a.status) for a in row.tried] == [
        ("template", Status.SENT), ("sms", Status.SENT), ("voice", Status.FAILED)]


async def test_the_agency_s_urges_and_withdrawal_notices_also_ring_the_phone(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    """GD-DRAW: "可点击系统语音催促" — the agency's urge at the venue is a call (and WeChat or
    SMS), the system's own reminder a message only; a withdrawal is phoned to every expert,
    and "专家接听电话后...语音通知状态显示为'已送达'...系统将自动将该专家退选状态调整为
    '已确认'"."""
    app, _client, fake, person_id, phone = await voice_world(aiohttp_client, infra, wechat,
                                                        platform)
    fake.limits = ()
    domain, relay = app[DOMAIN], app[CHANNELS].relay
    now = datetime.now(UTC)
    invitation = await invited_by_sms(person_id, now - timedelta(minutes=3))
    await domain.draws.running.replies.reply(invitation.id, person_id, 1, now, via="sms")
    notice = await Notice.get(activity_id=invitation.activity_id)
    # the system's reminder at the gathering time: an SMS (no WeChat here), no call
    await domain.draws.venue.attendance.urge(invitation.id, notice.gather_at, "系统", manual=False)
    # the agency's urge a minute later: an SMS and a call
    await domain.draws.venue.attendance.urge(invitation.id, notice.gather_at + timedelta(minutes=1),
                                             "代理机构", manual=True)
    await Notification.filter(kind="draw.urge").update(next_attempt_at=now)
    await relay.run()
    assert [n.channel for n in await Notification.filter(kind="draw.urge").order_by("id")
            ] == ["sms", "sms", "voice"]
    (urge_call,) = [t for t in platform.calls_to(phone) if "尚未签到" in t]
    assert "评标室302" in urge_call
    # the evaluation is withdrawn: the notice goes by SMS and by a call, which is answered
    activity = await invitation.activity
    await withdraw_evaluation(activity.id, now)
    async with domain.outbox.change(now) as change:
        await domain.draws.followups.withdrawals._tell(change, activity, await Invitation.get(
            id=invitation.id))
    await relay.run()
    call = await Notification.get(kind="draw.cancelled", channel="voice")
    assert call.sms_id and any("已取消" in t for t in platform.calls_to(phone))
    assert await fake.answer(call.sms_id) == [200]
    acknowledged = await Invitation.get(id=invitation.id)
    assert acknowledged.acknowledged_at is not None and acknowledged.acknowledged_by == "voice"
    withdrawn = await DrawActivity.get(id=activity.id)
    # as once unsealed
    (row,) = await WithdrawalReport.withdrawal_follow_up(withdrawn, withdrawn.eval_start)
    assert row.channel == "voice" and row.delivered
    # GD-DRAW's columns: 拨打次数 1, 语音通知状态 已送达, 短信发送状态, the phone masked
    assert (row.calls, row.voice, row.message_channel) == (1, "delivered", "sms")
    assert row.message_status in ("sent", "delivered") and row.phone == mask_phone(phone)
    assert (await DrawActivity.get(id=activity.id)).status == DrawStatus.WITHDRAWN

