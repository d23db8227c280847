"""Tencent Cloud SMS: our async client signs as the official SDK does, sends
through the documented SendSms of a fake on loopback that checks signatures, templates and
quotas as the API does, and the delivery reports the provider pushes back are applied to the
notification (only with the secret in the callback address, once however often they come)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.providers.sms.callbacks import sent_at
from bot.providers.sms.gateway import SmsError
from bot.providers.sms.tencent import Template, TencentSms, TencentSmsConfig, tc3_authorization
from bot.relay.channels import CHANNELS
from config.runtime import open_runtime
from config.settings import SettingsError
from models.notifications import Notification, Status
from sandbox.platform import Platform
from services.notifications.sms import SmsMessage
from tests.support.settings import make_settings
from tests.support.sms import SECRET_ID, SECRET_KEY, TOKEN, sms_env, sms_fake, sms_world
from web.context import DOMAIN

PARAMS = {"content": "评标室302", "at": "2026-11-23 09:00"}


def test_the_signature_equals_the_official_sdks() -> None:
    """The SDK is synchronous, so the service signs with its own 40 lines: held here to the
    SDK's signer for the same request (tencentcloud-sdk-python-common)."""
    from tencentcloud.common import abstract_client, credential
    from tencentcloud.common.common_client import CommonClient
    from tencentcloud.common.http.request import RequestInternal

    params = {"PhoneNumberSet": ["+8613800000002"], "SmsSdkAppId": "1400000000",
              "SignName": "评标专家库", "TemplateId": "1100001",
              "TemplateParamSet": ["评标室302", "2026-11-23 09:00"], "SessionContext": "42"}
    for stamp in (1_763_884_800, 1_800_000_123):
        sdk = CommonClient("sms", "2021-01-11", credential.Credential(SECRET_ID, SECRET_KEY),
                           "ap-guangzhou")
        req = RequestInternal("sms.tencentcloudapi.com", "POST", "/")
        real_time = abstract_client.time.time
        abstract_client.time.time = lambda s=stamp: s
        try:
            sdk._build_req_with_tc3_signature("SendSms", params, req, None)
        finally:
            abstract_client.time.time = real_time
        ours = tc3_authorization(SECRET_ID, SECRET_KEY, "sms.tencentcloudapi.com", stamp,
                                 req.data.encode(), content_type=req.header["Content-Type"])
        assert ours == req.header["Authorization"]
        # and the body our client sends is the body the SDK signs
        client = TencentSms(None, TencentSmsConfig(  # type: ignore[arg-type]
            SECRET_ID, SECRET_KEY, "1400000000", "评标专家库",
            {"system.test": Template("1100001", ("content", "at"))}))
        built = client.request(SmsMessage("13800000002", "system.test", "-",
                                          {"content": "评标室302", "at": "2026-11-23 09:00"},
                                          reference="42"))
        assert json.dumps(built) == req.data












async def _told(app: web.Application, person_id: int) -> Notification:
    """A notification queued for the person and one run of the relay."""
    await app[DOMAIN].outbox.notify(datetime.now(UTC), "system.test", PARAMS,
                                    person_id=person_id)
    await app[CHANNELS].relay.run()
    return await Notification.get(person_id=person_id, kind="system.test")


async def test_an_sms_only_expert_gets_the_template_and_its_delivery_report_is_applied(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer, platform: Platform,
        monkeypatch: pytest.MonkeyPatch) -> None:
    app, client, fake, person_id, phone = await sms_world(
        aiohttp_client, infra, wechat, platform, monkeypatch)
    item = await _told(app, person_id)
    assert item.status == Status.SENT and item.channel == "sms" and item.sms_id
    assert platform.sms_to(phone) == ["【评标专家库】评标室302，时间2026-11-23 09:00。"]
    assert fake.calls == 1

    assert item.sms_id
    report = [{"user_receive_time": "2026-11-23 08:03:04", "nationcode": "86",
               "mobile": phone, "report_status": "SUCCESS", "errmsg": "DELIVRD",
               "description": "用户短信送达成功", "sid": item.sms_id}]
    # without the secret of the callback address: refused, nothing applied
    for query in ("", "?token=guess", f"?token={TOKEN}x"):
        answer = await client.post(f"/sms/tencent/status{query}", json=report)
        assert answer.status == 403
        fake.status_url = str(client.make_url(f"/sms/tencent/status{query}"))
        assert await fake.report(item.sms_id) == 403
    assert (await Notification.get(id=item.id)).status == Status.SENT
    # the provider pushes the receipt, and retries it: the second time changes nothing
    fake.status_url = str(client.make_url(f"/sms/tencent/status?token={TOKEN}"))
    assert [await fake.report(item.sms_id) for _ in range(2)] == [200, 200]
    done = await Notification.get(id=item.id)
    assert done.status == Status.DELIVERED and done.delivered_at is not None
    # malformed and oversized bodies are refused plainly
    assert (await client.post(f"/sms/tencent/status?token={TOKEN}", data=b"{]")).status == 400
    assert (await client.post(f"/sms/tencent/status?token={TOKEN}",
                              json={"sid": "x"})).status == 400
    assert (await client.post(f"/sms/tencent/status?token={TOKEN}",
                              data=b"[" + b" " * 70_000 + b"]")).status == 413


async def test_a_report_of_an_sms_not_delivered_fails_the_notification_with_the_code(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer, platform: Platform,
        monkeypatch: pytest.MonkeyPatch) -> None:
    app, client, fake, _person_id, _phone = await sms_world(
        aiohttp_client, infra, wechat, platform, monkeypatch)
    item = await _told(app, _person_id)
    assert item.sms_id
    fake.status_url = str(client.make_url(f"/sms/tencent/status?token={TOKEN}"))
    assert await fake.report(item.sms_id, delivered=False, code="MK:0001") == 200
    failed = await Notification.get(id=item.id)
    assert failed.status == Status.FAILED and "MK:0001" in (failed.last_error or "")


async def test_a_provider_that_refuses_or_is_down_is_retried_without_a_second_sms(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer, platform: Platform,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An outage (InternalError) leaves the row queued with the provider's code; once the
    provider takes it, the expert gets one SMS."""
    app, _, fake, person_id, phone = await sms_world(
        aiohttp_client, infra, wechat, platform, monkeypatch)
    fake.down = True
    item = await _told(app, person_id)
    assert item.status == Status.QUEUED and "InternalError" in (item.last_error or "")
    assert platform.sms_to(phone) == []
    fake.down = False
    await Notification.filter(id=item.id).update(next_attempt_at=datetime.now(UTC))
    await app[CHANNELS].relay.run()
    assert (await Notification.get(id=item.id)).status == Status.SENT
    assert len(platform.sms_to(phone)) == 1


async def test_an_answer_lost_after_the_provider_took_the_sms_is_not_sent_again(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer, platform: Platform,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """SendSms has no idempotency key: when the answer does not come back, the SMS may be on
    its way, so the row counts as sent (unconfirmed) and no second SMS follows."""
    monkeypatch.setenv("TENCENT_SMS_TIMEOUT", "0.5")
    app, _, fake, person_id, phone = await sms_world(
        aiohttp_client, infra, wechat, platform, monkeypatch)
    fake.delay = 1.5
    item = await _told(app, person_id)
    assert item.status == Status.SENT and item.channel == "sms" and item.sms_id is None
    assert "outcome unknown" in (item.last_error or "")
    fake.delay = 0.0
    await Notification.filter(id=item.id).update(next_attempt_at=datetime.now(UTC))
    await app[CHANNELS].relay.run()
    assert len(platform.sms_to(phone)) == 1


async def test_the_fake_answers_as_the_api_does(wechat: TestServer, platform: Platform) -> None:
    """Signature, template and quota errors with the documented codes."""
    import aiohttp

    fake = sms_fake(wechat)
    fake.daily_limit = 1
    config = TencentSmsConfig(SECRET_ID, SECRET_KEY, "1400000000", "评标专家库",
                              {"code.login": Template("1100002", ("code",)),
                               "system.test": Template("1100001", ("content",)),
                               "unapproved": Template("9999999")},
                              str(wechat.make_url("/tencent-sms")))
    async with aiohttp.ClientSession() as session:
        sms = TencentSms(session, config)
        login = SmsMessage("13800000009", "code.login", "-", {"code": "123456"})
        assert await sms.send(login)
        for message, code in (
                (login, "LimitExceeded.PhoneNumberDailyLimit"),
                (SmsMessage("13800000009", "system.test", "-", {"content": "x"}),
                 "InvalidParameterValue.TemplateParameterFormatError"),
                (SmsMessage("13800000009", "unapproved", "-"),
                 "FailedOperation.TemplateIncorrectOrUnapproved"),
                (SmsMessage("13800000009", "no.template", "-"), "TemplateMissing")):
            with pytest.raises(SmsError) as refused:
                await sms.send(message)
            assert refused.value.code == code
        wrong = TencentSms(session, TencentSmsConfig(SECRET_ID, "wrong-key", "1400000000",
                                                     "评标专家库", config.templates,
                                                     config.endpoint))
        with pytest.raises(SmsError) as refused:
            await wrong.send(SmsMessage("13800000010", "code.login", "-", {"code": "1"}))
        assert refused.value.code == "AuthFailure.SignatureFailure"
        stale = TencentSms(session, config, clock=lambda: 1_700_000_000)
        with pytest.raises(SmsError) as refused:
            await stale.send(SmsMessage("13800000010", "code.login", "-", {"code": "1"}))
        assert refused.value.code == "AuthFailure.SignatureExpire"
    assert platform.sms_to("13800000009") == ["【评标专家库】您的登录验证码为123456，5分钟内有效。"]


@pytest.mark.parametrize("token", ["short-secret", " callback-secret-0123456789"])
async def test_a_guessable_callback_secret_refuses_to_start(
        infra: dict[str, str], wechat: TestServer, monkeypatch: pytest.MonkeyPatch,
        token: str) -> None:
    """Tencent Cloud does not sign its callbacks: the secret in their address is all that
    tells them from a forgery, so a short one (or one a copy-paste padded) stops the
    start-up, for SMS and for voice."""
    sms_env(wechat, monkeypatch, TENCENT_SMS_CALLBACK_TOKEN=token)
    with pytest.raises(SettingsError, match="TENCENT_SMS_CALLBACK_TOKEN must be at least 16"):
        async with open_runtime(make_settings(infra, SMS_PROVIDER="tencent"),
                                "http://127.0.0.1:9"):
            pass
    monkeypatch.setenv("TENCENT_VMS_APP_ID", "1400000001")
    monkeypatch.setenv("TENCENT_VMS_CALLBACK_TOKEN", token)
    with pytest.raises(SettingsError, match="TENCENT_VMS_CALLBACK_TOKEN must be at least 16"):
        async with open_runtime(make_settings(infra, VOICE_PROVIDER="tencent"),
                                "http://127.0.0.1:9"):
            pass


def test_a_late_delivered_reply_counts_from_when_it_was_written() -> None:
    """The reply callback carries the time the expert sent it: within the last hour it is
    when the answer was given (the provider may deliver it late); older or in the future,
    or not a number, it is not believed."""
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    two_minutes_ago = int((now - timedelta(minutes=2)).timestamp())
    assert sent_at(two_minutes_ago, now) == now - timedelta(minutes=2)
    assert sent_at(str(two_minutes_ago), now) == now - timedelta(minutes=2)
    for odd in (int((now - timedelta(hours=2)).timestamp()),
                int((now + timedelta(minutes=5)).timestamp()), "yesterday", None, 10**20):
        assert sent_at(odd, now) == now


@pytest.mark.parametrize("missing", ["TENCENTCLOUD_SECRET_KEY", "TENCENT_SMS_SIGN_NAME",
                                     "TENCENT_SMS_CALLBACK_TOKEN"])
async def test_the_provider_named_without_its_credentials_refuses_to_start(
        infra: dict[str, str], wechat: TestServer, monkeypatch: pytest.MonkeyPatch,
        missing: str) -> None:
    sms_env(wechat, monkeypatch)
    monkeypatch.delenv(missing)
    settings = make_settings(infra, SMS_PROVIDER="tencent")
    with pytest.raises(SettingsError, match=missing):
        async with open_runtime(settings, "http://127.0.0.1:9"):
            pass


async def test_a_url_in_a_template_variable_is_refused_as_tencent_cloud_refuses_it(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer, platform: Platform,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Tencent Cloud SMS: "模板中的变量参数不允许传链接（包含短链接）" — a template must hold
    the address itself; the service offers `link_token` for that. Sent with the address in
    a variable, the SMS is not sent and the notification says why."""
    app, _, _, person_id, phone = await sms_world(aiohttp_client, infra, wechat, platform,
                                               monkeypatch)
    await app[DOMAIN].outbox.notify(datetime.now(UTC), "system.test", {
        "content": "请打开 https://pb.example.cn/a/12.abc 回复", "at": "09:00"},
        person_id=person_id)
    await app[CHANNELS].relay.run()
    item = await Notification.get(person_id=person_id, kind="system.test")
    assert platform.sms_to(phone) == []
    assert item.status != Status.SENT and "ProhibitedUseUrlInTemplateParameter" in (
        item.last_error or "")
