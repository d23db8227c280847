"""The notification outbox: channel choice, typed fields, idempotency, rate limits,
dead-lettering, delivery receipts, and a relay killed between claiming and recording."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient, TestServer
from hypothesis import given
from hypothesis import strategies as st

from bot.template_fields import fit
from config.app import create_app
from config.keys import RUNTIME
from models.notifications import Notification, Status, SubscribeConsent
from models.wechat import WeChatIdentity
from sandbox.app import register_templates
from sandbox.platform import Fault, Platform, check_field
from tests.conftest import make_settings
from tests.helpers import eventually, reset_state

NOW = datetime.now(UTC)
PARAMS = {"content": "请于明早9点到达评标室", "at": "2026-11-23 09:00"}


async def _person(demo: dict, key: str) -> int:
    identity = await WeChatIdentity.get(openid=demo[key].openid)
    return int(identity.person_id)


async def _send(client: TestClient, demo: dict, key: str, params: dict | None = None) -> int:
    rt = client.app[RUNTIME]
    item = await rt.domain.outbox.notify(datetime.now(UTC), "system.test", params or PARAMS,
                                         person_id=await _person(demo, key))
    assert item is not None
    return item.id


async def _status(item_id: int) -> Notification:
    return await Notification.get(id=item_id)


async def _in_window(demo: dict, platform: Platform, key: str) -> None:
    await WeChatIdentity.filter(openid=demo[key].openid).update(last_seen_at=datetime.now(UTC))
    platform.interact(demo[key].openid)


async def test_inside_the_48h_window_a_chat_message(client: TestClient, demo: dict,
                                                    platform: Platform) -> None:
    await _in_window(demo, platform, "expert")
    item = await _send(client, demo, "expert")
    await eventually(lambda: _done(item))
    n = await _status(item)
    assert n.status == Status.DELIVERED and n.channel == "cs"
    assert "评标室" in platform.sent_to(demo["expert"].openid, "custom_text")[0].payload["content"]


async def _done(item_id: int) -> bool:
    return (await _status(item_id)).status not in (Status.QUEUED, Status.SENDING)


async def test_outside_the_window_a_template_then_its_receipt(client: TestClient, demo: dict,
                                                              platform: Platform) -> None:
    item = await _send(client, demo, "expert")  # the demo expert never wrote: no window
    await eventually(lambda: _done(item))
    sent = platform.sent_to(demo["expert"].openid, "template")
    assert len(sent) == 1 and sent[0].payload["data"]["time2"] == "2026-11-23 09:00"
    # WeChat pushes TEMPLATESENDJOBFINISH to /wechat/callback; the status follows
    await eventually(lambda: _status_is(item, Status.DELIVERED))


async def _sent_by(item_id: int, channel: str) -> bool:
    n = await _status(item_id)
    return n.status == Status.SENT and n.channel == channel


async def _status_is(item_id: int, status: str) -> bool:
    return (await _status(item_id)).status == status


async def test_a_user_who_blocks_templates_gets_an_sms(client: TestClient, demo: dict,
                                                       platform: Platform) -> None:
    platform.user(demo["expert"].openid).blocks_templates = True
    item = await _send(client, demo, "expert")
    await eventually(lambda: _sent_by(item, "sms"))
    n = await _status(item)
    assert "template" in n.ruled_out_channels() and n.status == Status.SENT
    assert "评标室" in platform.sms_to(demo["expert"].phone)[0]


async def test_not_following_falls_back_to_subscribe_then_sms(client: TestClient, demo: dict,
                                                              platform: Platform) -> None:
    platform.user(demo["applicant"].openid).follower = False  # unfollowed the account
    rt = client.app[RUNTIME]
    template_id = rt.notify_texts.subscribe_id("system.test")
    # the user accepted one subscribe message in the mini-program (WeChat counts it, and
    # the mini-program tells us)
    platform.user(demo["applicant"].mp_openid).consents[template_id] = 1
    await SubscribeConsent.create(mp_openid=demo["applicant"].mp_openid, template_id=template_id,
                                  remaining=1)
    first = await _send(client, demo, "applicant")
    await eventually(lambda: _done(first))
    assert (await _status(first)).channel == "subscribe"
    assert len(platform.sent_to(demo["applicant"].mp_openid, "subscribe")) == 1
    second = await _send(client, demo, "applicant")  # the one consent is used up
    await eventually(lambda: _done(second))
    assert (await _status(second)).channel == "sms"


async def test_nobody_to_reach_is_failed_with_a_reason(client: TestClient,
                                                       platform: Platform) -> None:
    rt = client.app[RUNTIME]
    await WeChatIdentity.create(openid="o_gone", subscribed=False)
    item = await rt.domain.outbox.notify(datetime.now(UTC), "system.test", PARAMS,
                                         openid="o_gone")
    assert item is not None
    await eventually(lambda: _done(item.id))
    n = await _status(item.id)
    assert n.status == Status.FAILED and "no channel" in (n.last_error or "")
    assert "template" in n.ruled_out_channels()  # 43004 from WeChat


async def test_long_values_are_shortened_not_refused(client: TestClient, demo: dict,
                                                     platform: Platform) -> None:
    long = {"content": "关于某某市某某区某某街道综合整治工程施工总承包项目第三标段的评标通知",
            "at": PARAMS["at"]}
    item = await _send(client, demo, "expert", long)
    await eventually(lambda: _done(item))
    value = platform.sent_to(demo["expert"].openid, "template")[0].payload["data"]["thing1"]
    assert len(value) == 20 and value.endswith("…")
    assert "/cgi-bin/message/template/send" in platform.calls  # no 47003 on the way


@given(st.sampled_from(["thing1", "name2", "phrase3", "character_string4", "phone_number5",
                        "number6", "amount7"]), st.text(max_size=80))
def test_fitted_values_always_pass_the_platform_rules(key: str, value: str) -> None:
    assert check_field(key, fit(key, value))


async def test_client_msg_id_is_stable_across_retries(client: TestClient, demo: dict,
                                                      platform: Platform) -> None:
    # WeChat takes the message but answers too late: the client times out and retries
    rt = client.app[RUNTIME]
    late = rt.settings.wechat_api_timeout + 0.5
    platform.inject(Fault("/cgi-bin/message/template/send", delay_after=late))
    item = await _send(client, demo, "expert")
    await eventually(lambda: _done(item), timeout=15)
    assert len(platform.sent_to(demo["expert"].openid, "template")) == 1
    assert platform.calls["/cgi-bin/message/template/send"] >= 2


async def test_dead_after_the_maximum_number_of_attempts(aiohttp_client, infra,
                                                         wechat: TestServer, platform: Platform,
                                                         ) -> None:
    settings = make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                             OUTBOX_MAX_ATTEMPTS=2, EXPERTBOT_INPROCESS_WORKER=False)
    app = create_app(settings)
    await aiohttp_client(app)
    await reset_state(app)
    register_templates(platform, app[RUNTIME])
    rt = app[RUNTIME]
    await WeChatIdentity.create(openid="o_busy_wx", subscribed=True)
    platform.interact("o_busy_wx")
    platform.inject(Fault("/cgi-bin/message/custom/send", errcode=-1, times=100))
    platform.inject(Fault("/cgi-bin/message/template/send", errcode=-1, times=100))
    item = await rt.domain.outbox.notify(datetime.now(UTC), "system.test", PARAMS,
                                         openid="o_busy_wx")
    assert item is not None
    for _ in range(2):
        await rt.relay.run()
        await Notification.filter(id=item.id).update(next_attempt_at=datetime.now(UTC))
    n = await _status(item.id)
    assert n.status == Status.DEAD and n.attempts == 2 and "-1" in (n.last_error or "")


async def test_rate_limits_are_honoured(aiohttp_client, infra, wechat: TestServer,
                                        platform: Platform) -> None:
    settings = make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                             OUTBOX_RATE=4, OUTBOX_USER_RATE=3,
                             EXPERTBOT_INPROCESS_WORKER=False)
    app = create_app(settings)
    await aiohttp_client(app)
    await reset_state(app)
    register_templates(platform, app[RUNTIME])
    rt = app[RUNTIME]
    now = datetime.now(UTC)
    for i in range(10):
        await WeChatIdentity.create(openid=f"o_r{i}", subscribed=True, last_seen_at=now)
        platform.interact(f"o_r{i}")
        await rt.domain.outbox.notify(now, "system.test", PARAMS, openid=f"o_r{i}")
    start = time.monotonic()
    await rt.relay.run()
    assert time.monotonic() - start >= 2.0  # 10 messages paced at 4 a second
    stamps = sorted(s.at for s in platform.sent)
    assert len(stamps) == 10
    # any 5 consecutive sends span at least a second (a little less for network jitter)
    assert min(b - a for a, b in zip(stamps, stamps[4:], strict=False)) >= 0.9
    # one person: 3 a minute, the rest waits for the next minute, nothing is lost
    for _ in range(5):
        await rt.domain.outbox.notify(datetime.now(UTC), "system.test", PARAMS, openid="o_r0")
    await rt.relay.run()
    later = await Notification.filter(openid="o_r0", status=Status.QUEUED)
    assert len(platform.sent_to("o_r0")) == 1 + 2  # 1 earlier + 2 more this minute
    assert len(later) == 3 and all(n.next_attempt_at > datetime.now(UTC) for n in later)
    assert all(n.attempts == 0 for n in later)  # waiting for the limit is not an attempt


async def test_a_receipt_that_arrives_before_the_relay_saved_is_not_lost(
        client: TestClient, demo: dict) -> None:
    """WeChat may push TEMPLATESENDJOBFINISH before the relay has written the batch that
    holds its msgid: the receipt is kept and applied once the batch is saved."""
    from tests.helpers import Chat

    rt = client.app[RUNTIME]
    now = datetime.now(UTC)
    item = await Notification.create(kind="system.test", openid=demo["expert"].openid,
                                     params={"content": "早到的回执", "at": "2026-11-23 09:00"},
                                     next_attempt_at=now + timedelta(hours=1),
                                     client_msg_id="early-receipt-1")
    # claimed here, not by the in-process relay (not due for it for another hour)
    (claimed,) = await rt.domain.outbox.claim(now + timedelta(hours=1), 10)
    # the receipt comes first: no notification has this msgid yet
    answer = await Chat(client).event(demo["expert"].openid, "TEMPLATESENDJOBFINISH",
                                      MsgID=987654321, Status="success")
    assert answer.status == 200
    assert (await Notification.get(id=item.id)).status == Status.SENDING
    # then the relay records the send and saves its batch
    rt.domain.outbox.sent(claimed, "template", now, wx_msgid=987654321)
    await rt.domain.outbox.save([claimed])
    await rt.relay._apply_early_receipts([claimed], now)
    assert (await Notification.get(id=item.id)).status == Status.DELIVERED
