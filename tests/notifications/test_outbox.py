"""The notification outbox: channel choice, typed fields, idempotency, rate limits,
dead-lettering, delivery receipts, claim leases, what a row records of its failures, and the
SMS provider named by configuration."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import given
from hypothesis import strategies as st

from bot.relay.channels import CHANNELS
from bot.wechat.template_fields import fit
from config.app import create_app
from config.runtime import open_runtime
from config.settings import Settings, SettingsError
from models.notifications import Notification, Status, SubscribeConsent
from models.wechat import WeChatIdentity
from sandbox.app import register_templates, sync_followers
from sandbox.platform import Platform
from sandbox.platform_records import Fault, check_field
from services.notifications.sms import SmsMessage
from tests.support.clock import MovedClock
from tests.support.driven import driven_app
from tests.support.helpers import eventually, open_window
from tests.support.settings import make_settings
from tests.support.world import reset_state
from web.context import DOMAIN

NOW = datetime.now(UTC)
PARAMS = {"content": "请于明早9点到达评标室", "at": "2026-11-23 09:00"}


async def _person(demo: dict, key: str) -> int:
    identity = await WeChatIdentity.get(openid=demo[key].openid)
    return int(identity.person_id)


async def _send(client: TestClient, demo: dict, key: str, params: dict | None = None) -> int:
    person_id = await _person(demo, key)
    item = await client.app[DOMAIN].outbox.notify(datetime.now(UTC), "system.test",
                                                  params or PARAMS, person_id=person_id)
    assert item is not None
    return item.id


async def _status(item_id: int) -> Notification:
    return await Notification.get(id=item_id)


async def _in_window(client: TestClient, demo: dict, platform: Platform, key: str) -> None:
    await open_window(client.app, demo[key].openid, platform)


async def test_inside_the_48h_window_a_chat_message(client: TestClient, demo: dict,
                                                    platform: Platform) -> None:
    await _in_window(client, demo, platform, "expert")
    item = await _send(client, demo, "expert")
    await eventually(lambda: _done(item))
    n = await _status(item)
    assert n.status == Status.DELIVERED and n.channel == "cs"
    assert "评标室" in platform.sent_to(demo["expert"].openid, "custom_text")[0].payload["content"]


async def _done(item_id: int) -> bool:
    return (await _status(item_id)).status not in (Status.QUEUED, Status.SENDING)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The in-process worker holds receipts of messages that reached the user half a second
    (RECEIPTS_HOLD; its default 5 s and the hold itself: test_receipts_held.py)."""
    return settings.model_copy(update={"receipts_hold": 0.5})


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
    app = client.app
    template_id = app[CHANNELS].notify_texts.subscribe_id("system.test")
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
    app = client.app
    await WeChatIdentity.create(openid="o_gone", subscribed=False)
    item = await app[DOMAIN].outbox.notify(datetime.now(UTC), "system.test", PARAMS,
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
    n = await _status(item)
    # WeChat took it at the first call: no 47003 refusal on the way, no fallback to SMS
    assert n.channel == "template" and n.last_error is None, n.last_error
    assert platform.calls["/cgi-bin/message/template/send"] == 1
    value = platform.sent_to(demo["expert"].openid, "template")[0].payload["data"]["thing1"]
    assert len(value) == 20 and value.endswith("…")


@given(st.sampled_from(["thing1", "name2", "phrase3", "character_string4", "phone_number5",
                        "number6", "amount7"]), st.text(max_size=80))
def test_fitted_values_always_pass_the_platform_rules(key: str, value: str) -> None:
    assert check_field(key, fit(key, value))


async def test_client_msg_id_is_stable_across_retries(client: TestClient, demo: dict,
                                                      platform: Platform,
                                                      settings: Settings) -> None:
    # WeChat takes the message but answers too late: the client times out and retries
    late = settings.wechat_api_timeout + 0.5
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
    register_templates(platform, app[CHANNELS].notify_texts)
    await WeChatIdentity.create(openid="o_busy_wx", subscribed=True)
    platform.interact("o_busy_wx")
    platform.inject(Fault("/cgi-bin/message/custom/send", errcode=-1, times=100))
    platform.inject(Fault("/cgi-bin/message/template/send", errcode=-1, times=100))
    item = await app[DOMAIN].outbox.notify(datetime.now(UTC), "system.test", PARAMS,
                                         openid="o_busy_wx")
    assert item is not None
    for _ in range(2):
        await app[CHANNELS].relay.run()
        await Notification.filter(id=item.id).update(next_attempt_at=datetime.now(UTC))
    n = await _status(item.id)
    assert n.status == Status.DEAD and n.attempts == 2 and "-1" in (n.last_error or "")


async def test_rate_limits_are_honoured(aiohttp_client, infra, wechat: TestServer,
                                        platform: Platform, clock: MovedClock) -> None:
    settings = make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                             OUTBOX_RATE=4, OUTBOX_USER_RATE=3,
                             EXPERTBOT_INPROCESS_WORKER=False)
    app = create_app(settings, clock=clock)
    await aiohttp_client(app)
    await reset_state(app)
    register_templates(platform, app[CHANNELS].notify_texts)
    # a person's limit counts per calendar minute (bot/relay/ratelimit.py): start early in a minute
    # so that both runs below fall in the same one (the first takes over 2 s)
    clock.early_in_a_minute()
    now = clock.now()
    for i in range(10):
        await WeChatIdentity.create(openid=f"o_r{i}", subscribed=True, last_seen_at=now)
        await open_window(app, f"o_r{i}", platform)
        await app[DOMAIN].outbox.notify(now, "system.test", PARAMS, openid=f"o_r{i}")
    start = time.monotonic()
    await app[CHANNELS].relay.run()
    assert time.monotonic() - start >= 2.0  # 10 messages paced at 4 a second
    stamps = sorted(s.at for s in platform.sent)
    assert len(stamps) == 10
    # any 5 consecutive sends span about a second: the stamps are the fake platform's
    # arrival times, which jitter on a loaded machine (0.69 s once in CI), so the bound is
    # half that; unpaced, they would take a few milliseconds
    assert min(b - a for a, b in zip(stamps, stamps[4:], strict=False)) >= 0.5
    # one person: 3 a minute, the rest waits for the next minute, nothing is lost
    for _ in range(5):
        await app[DOMAIN].outbox.notify(clock.now(), "system.test", PARAMS, openid="o_r0")
    await app[CHANNELS].relay.run()
    later = await Notification.filter(openid="o_r0", status=Status.QUEUED)
    assert len(platform.sent_to("o_r0")) == 1 + 2  # 1 earlier + 2 more this minute
    assert len(later) == 3 and all(n.next_attempt_at > clock.now() for n in later)
    assert all(n.attempts == 0 for n in later)  # waiting for the limit is not an attempt
    # a longer backlog is spread, 3 to each minute to come (not all of it again next minute)
    for _ in range(4):
        await app[DOMAIN].outbox.notify(clock.now(), "system.test", PARAMS, openid="o_r0")
    await app[CHANNELS].relay.run()
    minute = int(clock.time() // 60)
    later = await Notification.filter(openid="o_r0", status=Status.QUEUED)
    waits = sorted(int(n.next_attempt_at.timestamp() // 60) - minute for n in later)
    assert waits == [1, 1, 1, 2, 2, 2, 3], waits
    assert len(platform.sent_to("o_r0")) == 3  # nothing more this minute


async def test_a_recipients_limit_counts_in_the_minutes_of_the_services_clock(
        client: TestClient, clock: MovedClock) -> None:
    """The per-recipient limit reads the clock the service is given, not the wall clock:
    moved to the next minute, a recipient over this minute's limit may be sent to again,
    and the wait it is told is measured from that clock."""
    limits = client.app[CHANNELS].relay.sender.limits
    clock.early_in_a_minute()
    minute = int(clock.time() // 60)
    waits = [await limits.user_wait("o_clock") for _ in range(limits.per_user_minute + 1)]
    assert waits[:-1] == [None] * limits.per_user_minute
    assert waits[-1] == datetime.fromtimestamp((minute + 1) * 60, UTC)
    clock.advance(60)
    assert await limits.user_wait("o_clock") is None


async def test_a_receipt_that_arrives_before_the_relay_saved_is_not_lost(
        client: TestClient, demo: dict) -> None:
    """WeChat may push TEMPLATESENDJOBFINISH before the relay has written the batch that
    holds its msgid: the receipt is kept and applied once the batch is saved."""
    from tests.support.wechat import Chat

    app = client.app
    now = datetime.now(UTC)
    item = await Notification.create(kind="system.test", openid=demo["expert"].openid,
                                     params={"content": "早到的回执", "at": "2026-11-23 09:00"},
                                     next_attempt_at=now + timedelta(hours=1),
                                     client_msg_id="early-receipt-1")
    # claimed here, not by the in-process relay (not due for it for another hour)
    (claimed,) = await app[DOMAIN].outbox.claim(now + timedelta(hours=1), 10)
    # the receipt comes first: no notification has this msgid yet
    answer = await Chat(client).event(demo["expert"].openid, "TEMPLATESENDJOBFINISH",
                                      MsgID=987654321, Status="success")
    assert answer.status == 200
    await app[CHANNELS].relay.receipts.drain()  # the worker applies it: nothing to mark yet
    assert (await Notification.get(id=item.id)).status == Status.SENDING
    # then the relay records the send and saves its batch
    app[DOMAIN].outbox.sent(claimed, "template", now, wx_msgid=987654321)
    await app[DOMAIN].outbox.save([claimed])
    await app[CHANNELS].relay.receipts.drain()  # the next run of the receipts job
    assert (await Notification.get(id=item.id)).status == Status.DELIVERED
    assert not await app[CHANNELS].relay.receipts.apply_parked(now)  # applied once, then let go


async def test_a_receipt_whose_row_never_gets_its_msgid_is_let_go_after_an_hour(
        client: TestClient) -> None:
    """A parked receipt is tried again every second, not for ever (EARLY_RECEIPT_TTL)."""
    relay = client.app[CHANNELS].relay
    now = datetime.now(UTC)
    await relay.receipts.apply([(555000111, "success")], now)
    assert await relay.receipts.apply_parked(now + timedelta(minutes=59)) == 0  # still waiting
    await relay.receipts.apply_parked(now + timedelta(minutes=61))
    assert await relay.receipts.apply_parked(now + timedelta(minutes=30)) == 0
    assert not await relay._redis.hlen(relay.receipts.key)


async def test_a_run_stops_at_its_budget_and_the_next_run_sends_the_rest(
        client: TestClient, demo: dict, platform: Platform) -> None:
    """A mass notice takes longer than one job may run: a run stops between batches when its
    time is up (never between a batch's sends and the saving of their outcomes)."""
    from bot.relay.relay import Relay

    shared = client.app[CHANNELS].relay
    later = datetime.now(UTC) + timedelta(days=1)  # not due for the in-process relay
    relay = Relay(shared.outbox, shared.sender, shared._redis, shared._keys, batch=1,
                  clock=lambda: later)
    person_id = await _person(demo, "expert")
    ids = [(await Notification.create(kind="system.test", person_id=person_id,
                                      params=PARAMS, next_attempt_at=later,
                                      client_msg_id=f"budget-{i}")).id for i in range(3)]
    assert await relay.run(budget=0) == 0
    assert {n.status for n in await Notification.filter(id__in=ids)} == {Status.QUEUED}
    assert await relay.run() == 3  # one row a batch: three batches in one run
    assert not await _any_queued(ids)
    assert len(platform.sent_to(demo["expert"].openid, "template")) == 3


async def _any_queued(ids: list[int]) -> bool:
    return await Notification.filter(id__in=ids, status=Status.QUEUED).exists()


# --- failures recorded on the row, and the channels they rule out --------------------------


async def test_a_template_job_that_failed_is_sent_by_the_next_channel(
        client: TestClient, demo: dict, platform: Platform) -> None:
    """`failed: system failed`: a re-sent template would carry the same client_msg_id, which
    WeChat drops as a repeat; the next channel delivers it instead."""
    platform.inject(Fault("/cgi-bin/message/template/send", receipt="failed: system failed"))
    item = await _send(client, demo, "expert")
    await eventually(lambda: _sent_by(item, "sms"))
    n = await _status(item)
    assert "template" in n.ruled_out_channels()
    assert "failed: system failed" in (n.last_error or "")
    assert platform.calls["/cgi-bin/message/template/send"] == 1  # not re-sent in vain
    assert platform.received_by(demo["expert"].openid) == []
    assert len(platform.sms_to(demo["expert"].phone)) == 1


async def test_channels_that_cannot_reach_them_stay_ruled_out_with_their_errors(
        client: TestClient, demo: dict, platform: Platform) -> None:
    applicant = demo["applicant"]
    # we think they wrote a moment ago, WeChat says the window is closed (45015); the
    # template's values are refused (47003); the SMS gateway fails once
    await open_window(client.app, applicant.openid)
    platform.inject(Fault("/cgi-bin/message/template/send", errcode=47003))
    platform.inject(Fault("/sms/send", status=500))
    item = await _send(client, demo, "applicant")
    await eventually(lambda: _retried(item))
    n = await _status(item)
    assert n.ruled_out_channels() == {"cs", "template"} and n.attempts == 1
    assert "45015" in n.last_error and "47003" in n.last_error and "500" in n.last_error
    # the retry goes straight to SMS: the channels ruled out are not tried again
    await Notification.filter(id=item).update(next_attempt_at=datetime.now(UTC))
    await eventually(lambda: _sent_by(item, "sms"))
    n = await _status(item)
    assert platform.calls["/cgi-bin/message/custom/send"] == 1
    assert platform.calls["/cgi-bin/message/template/send"] == 1
    assert n.ruled_out_channels() == {"cs", "template"} and n.attempts == 2
    assert "45015" in n.last_error and "47003" in n.last_error  # kept once it was sent
    assert len(platform.sms_to(applicant.phone)) == 1


async def test_a_used_up_chat_window_goes_to_the_template_at_once(
        client: TestClient, demo: dict, platform: Platform) -> None:
    await _in_window(client, demo, platform, "expert")
    platform.inject(Fault("/cgi-bin/message/custom/send", errcode=45047))
    item = await _send(client, demo, "expert")
    await eventually(lambda: _done(item))
    n = await _status(item)
    assert n.channel == "template" and n.status in (Status.SENT, Status.DELIVERED)
    assert n.attempts == 1 and n.ruled_out_channels() == {"cs"} and "45047" in n.last_error


async def test_a_chat_rate_limit_is_waited_out_on_the_same_channel(
        client: TestClient, demo: dict, platform: Platform) -> None:
    """45011 (calls too frequent) passes: the chat channel is tried again later, not ruled
    out as for 45047 (the window's count used up)."""
    await _in_window(client, demo, platform, "expert")
    platform.inject(Fault("/cgi-bin/message/custom/send", errcode=45011))
    item = await _send(client, demo, "expert")
    await eventually(lambda: _retried(item))
    n = await _status(item)
    assert n.ruled_out_channels() == set() and "45011" in (n.last_error or "")
    assert "/cgi-bin/message/template/send" not in platform.calls


async def _retried(item_id: int) -> bool:
    n = await _status(item_id)
    return n.status == Status.QUEUED and n.attempts == 1


async def test_a_time_no_template_can_take_goes_to_the_next_channel(
        client: TestClient, demo: dict, platform: Platform) -> None:
    item = await _send(client, demo, "expert", {"content": "明早到场", "at": "明天上午九点"})
    await eventually(lambda: _done(item))
    n = await _status(item)
    assert n.status == Status.SENT and n.channel == "sms" and n.attempts == 1
    assert "template" in n.ruled_out_channels() and "time2" in (n.last_error or "")
    assert "/cgi-bin/message/template/send" not in platform.calls
    assert "明天上午九点" in platform.sms_to(demo["expert"].phone)[0]


# --- no idempotency key: an unknown outcome is not sent again -------------------------------


async def _app(aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
               platform: Platform, **overrides: object) -> web.Application:
    """The service without its in-process worker: the test runs the relay itself."""
    return (await driven_app(aiohttp_client, infra, wechat, platform, **overrides))[0]


async def _in_window_openid(app: web.Application, platform: Platform, openid: str) -> None:
    await WeChatIdentity.create(openid=openid, subscribed=True, last_seen_at=datetime.now(UTC))
    await open_window(app, openid, platform)


async def test_a_chat_message_wechat_took_after_the_timeout_arrives_once(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    app = await _app(aiohttp_client, infra, wechat, platform, WECHAT_API_TIMEOUT=0.5)
    await _in_window_openid(app, platform, "o_slow")
    # WeChat sends the message, then answers after the client gave up waiting
    platform.inject(Fault("/cgi-bin/message/custom/send", delay_after=1.0))
    item = await app[DOMAIN].outbox.notify(datetime.now(UTC), "system.test", PARAMS,
                                         openid="o_slow")
    assert item is not None
    await app[CHANNELS].relay.run()
    n = await _status(item.id)
    assert n.status == Status.SENT and n.channel == "cs"  # sent, not confirmed
    assert "outcome unknown" in (n.last_error or "")
    await asyncio.sleep(1.0)  # WeChat's late answer has come and gone
    assert await app[CHANNELS].relay.run() == 0
    assert len(platform.sent_to("o_slow", "custom_text")) == 1
    assert platform.calls["/cgi-bin/message/custom/send"] == 1


# --- claim leases -----------------------------------------------------------------------------


async def test_overlapping_relays_at_a_slow_rate_send_each_message_once(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    """Six messages at 2 a second take 3 s, three times the lease: a relay run that claimed
    them all would lose its claim while waiting, and the next run would send them again."""
    app = await _app(aiohttp_client, infra, wechat, platform, OUTBOX_RATE=2, OUTBOX_LEASE=1)
    for i in range(6):
        await _in_window_openid(app, platform, f"o_l{i}")
        await app[DOMAIN].outbox.notify(datetime.now(UTC), "system.test", PARAMS,
                                      openid=f"o_l{i}")

    async def overlapping() -> int:
        await asyncio.sleep(1.2)  # the sweep starts another run while the first still works
        return await app[CHANNELS].relay.run()

    await asyncio.gather(app[CHANNELS].relay.run(), overlapping())
    assert [len(platform.sent_to(f"o_l{i}", "custom_text")) for i in range(6)] == [1] * 6
    rows = await Notification.all()
    assert [(n.status, n.attempts) for n in rows] == [(Status.DELIVERED, 1)] * 6


async def test_a_lease_taken_over_after_a_lapse_is_not_renewed_back(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    """A relay whose renewals failed until its claim lapsed, and whose rows another relay
    then claimed, must not take the lease back when a renewal finally succeeds: it would
    send what the other relay sends."""
    app = await _app(aiohttp_client, infra, wechat, platform, OUTBOX_LEASE=1)
    outbox, relay = app[DOMAIN].outbox, app[CHANNELS].relay
    for i in range(3):
        await outbox.notify(datetime.now(UTC), "system.test", PARAMS, openid=f"o_lease{i}")
    now = datetime.now(UTC)
    mine = await outbox.claim(now, 10, 8)
    assert len(mine) == 3
    await Notification.all().update(claimed_until=now - timedelta(seconds=1))  # lapsed
    theirs = await outbox.claim(now, 10, 8)  # another relay's sweep takes them
    assert {n.id for n in theirs} == {n.id for n in mine}
    assert await outbox.extend(mine, now) == 0
    async with relay._holding(mine, now) as lease:
        assert lease.holds()
        await asyncio.sleep(0.5)  # a renewal ran: it found the rows taken
        assert not lease.holds()
    assert await outbox.extend(theirs, now) == 3  # the new holder's lease is untouched


async def test_a_row_whose_claims_keep_lapsing_is_dead_not_claimed_for_ever(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    app = await _app(aiohttp_client, infra, wechat, platform, OUTBOX_MAX_ATTEMPTS=3)
    await _in_window_openid(app, platform, "o_crash")
    now = datetime.now(UTC)
    # its relay died three times between claiming it and recording an outcome
    item = await Notification.create(
        kind="system.test", openid="o_crash", params=PARAMS, status=Status.SENDING, attempts=3,
        claim_token="relay-that-died", claimed_until=now - timedelta(seconds=1),
        next_attempt_at=now - timedelta(minutes=5), client_msg_id="lapsed-claim-1")
    assert await app[CHANNELS].relay.run() == 0
    n = await _status(item.id)
    assert n.status == Status.DEAD and "lapsed" in (n.last_error or "")
    assert platform.sent_to("o_crash") == []


# --- the mini-program subscribe channel ------------------------------------------------------

SUBSCRIBED_KINDS = {
    "application.approved": (
        {"batch": "2026年第二批评标专家征集", "at": "2026年11月21日 10:00",
         "next_step": "系统会统一安排考试，请留意通知。", "page": "pages/application/index?id=7"},
        "phrase2", "审核通过"),
    "exam.invitation": (
        {"batch": "2026年第二批评标专家征集", "exam": "2026年第二批入库考试",
         "opens": "2026年12月10日 09:00", "closes": "2026年12月10日 17:00", "minutes": 90,
         "link": "https://bot.example.cn/exam/1?t=x", "url": "https://bot.example.cn/exam/1?t=x"},
        "time2", "2026年12月10日 09:00"),
    "payment.paid": (
        {"item": "2026年第二批评标专家征集 培训费", "amount": "350.00元",
         "at": "2026年11月21日 10:00", "order_no": "EB261121103000A1B2C3D4E5",
         "invoice": "请在小程序中补充邮箱以便接收电子发票"},
        "amount2", "350.00元"),
}


@pytest.mark.parametrize("kind", sorted(SUBSCRIBED_KINDS))
async def test_an_applicant_who_subscribed_gets_it_in_the_mini_program(
        client: TestClient, demo: dict, platform: Platform, kind: str) -> None:
    app = client.app
    applicant = demo["applicant"]
    params, key, shown = SUBSCRIBED_KINDS[kind]
    # they last wrote to the official account 3 days ago and have unfollowed it since;
    # in the mini-program they asked to be told about this kind
    await WeChatIdentity.filter(openid=applicant.openid).update(
        last_seen_at=datetime.now(UTC) - timedelta(days=3))
    platform.user(applicant.openid).follower = False
    template_id = app[CHANNELS].notify_texts.subscribe_id(kind)
    assert template_id is not None, f"{kind} has no subscribe.j2"
    platform.user(applicant.mp_openid).consents[template_id] = 1
    await SubscribeConsent.create(mp_openid=applicant.mp_openid, template_id=template_id,
                                  remaining=1)
    item = await app[DOMAIN].outbox.notify(datetime.now(UTC), kind, params,
                                         person_id=await _person(demo, "applicant"))
    assert item is not None
    await eventually(lambda: _done(item.id))
    n = await _status(item.id)
    assert n.status == Status.SENT and n.channel == "subscribe"
    (message,) = platform.sent_to(applicant.mp_openid, "subscribe")
    assert message.payload["template_id"] == template_id
    assert message.payload["data"][key] == shown
    assert message.payload["page"] == params.get("page", "")
    assert platform.sms_to(applicant.phone) == []
    consent = await SubscribeConsent.get(mp_openid=applicant.mp_openid,
                                         template_id=template_id)
    assert consent.remaining == 0  # one consent, one message


# --- the SMS provider, named by configuration ----------------------------------------------


class RecordingSms:
    """An SMS gateway loaded from SMS_PROVIDER by its class path, as a real one would be."""

    sent: ClassVar[list[tuple[str, str]]] = []

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def send(self, message: SmsMessage) -> str | None:
        RecordingSms.sent.append((message.phone, message.text))
        return f"rec-{len(RecordingSms.sent)}"


async def test_an_sms_provider_named_by_its_class_path_sends_the_sms(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    from services.demo import DEMO_PEOPLE
    from tests.support.world import demo_world

    RecordingSms.sent.clear()
    app = await _app(aiohttp_client, infra, wechat, platform,
                    SMS_PROVIDER="tests.notifications.test_outbox:RecordingSms")
    sms = app[CHANNELS].sms
    assert isinstance(sms, RecordingSms) and sms.session is app[CHANNELS].official.session
    await demo_world(app)
    await sync_followers(platform)
    expert = next(d for d in DEMO_PEOPLE if d.key == "expert")
    platform.user(expert.openid).follower = False  # only an SMS reaches them
    person_id = (await WeChatIdentity.get(openid=expert.openid)).person_id
    await app[DOMAIN].outbox.notify(datetime.now(UTC), "system.test", PARAMS, person_id=person_id)
    await app[CHANNELS].relay.run()
    assert [phone for phone, _ in RecordingSms.sent] == [expert.phone]
    assert "评标室" in RecordingSms.sent[0][1]
    assert platform.sms_to(expert.phone) == []  # not the sandbox gateway
    # the provider's id is kept for its delivery report
    assert (await Notification.get(person_id=person_id)).sms_id == "rec-1"


@pytest.mark.parametrize("path", ["tests.no_such_module:Gateway",
                                  "tests.notifications.test_outbox:NoSuchGateway",
                                  "tests.notifications.test_outbox:PARAMS",  # not a class
                                  "aliyun"])
async def test_a_bad_sms_provider_is_a_start_up_error_naming_the_variable(
        infra: dict[str, str], path: str) -> None:
    settings = make_settings(infra, SMS_PROVIDER=path)
    with pytest.raises(SettingsError, match="SMS_PROVIDER"):
        async with open_runtime(settings, "http://127.0.0.1:9"):
            pass
