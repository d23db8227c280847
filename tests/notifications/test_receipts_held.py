"""WeChat's receipts of template messages that reached the user only stamp a delivery: the
receipts job holds them (RECEIPTS_HOLD) and records a few seconds' worth in one statement
instead of one statement every second. A receipt of a message that failed is recorded at
once with everything held, since its notice goes on by the next channel; nothing held is
lost to a drain that does not hold (a run by hand, a stop)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient

from bot.relay.channels import CHANNELS
from config.settings import Settings
from models.notifications import Notification, Status
from tests.support.queries import QueryCounter
from tests.support.wechat import Chat
from web.context import DOMAIN


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No worker in the process: its receipts job would race the test's runs of it."""
    return settings.model_copy(update={"run_worker": False})


async def _sent(client: TestClient, openid: str, msgids: list[int]) -> list[Notification]:
    """Template messages recorded as sent with these msgids (not due for a relay)."""
    outbox = client.app[DOMAIN].outbox
    now = datetime.now(UTC)
    later = now + timedelta(hours=1)
    for n in msgids:
        await Notification.create(kind="system.test", openid=openid, next_attempt_at=later,
                                  params={"content": f"回执{n}", "at": "2026-11-23 09:00"},
                                  client_msg_id=f"held-{n}")
    items = sorted(await outbox.claim(later, 10), key=lambda n: n.id)
    for item, msgid in zip(items, msgids, strict=True):
        outbox.sent(item, "template", now, wx_msgid=msgid)
    await outbox.save(items)
    return items


async def _statuses(items: list[Notification]) -> list[str]:
    return [(await Notification.get(id=n.id)).status for n in items]


async def test_successes_wait_for_the_hold_and_are_recorded_in_one_run(
        client: TestClient, demo: dict) -> None:
    receipts = client.app[CHANNELS].relay.receipts
    chat, openid = Chat(client), demo["expert"].openid
    items = await _sent(client, openid, [4500001, 4500002])
    for msgid in (4500001, 4500002):
        assert (await chat.event(openid, "TEMPLATESENDJOBFINISH", MsgID=msgid,
                                 Status="success")).status == 200
    async with QueryCounter() as held:
        assert await receipts.drain(0.4) == 0
    assert held.sent == []  # held: not a statement
    assert await _statuses(items) == [Status.SENT, Status.SENT]
    # a run once the first has waited its hold (here a microsecond): both, in one run
    assert await receipts.drain(1e-6) == 2
    assert await _statuses(items) == [Status.DELIVERED, Status.DELIVERED]


async def test_a_failure_records_everything_held_at_once(
        client: TestClient, demo: dict) -> None:
    receipts = client.app[CHANNELS].relay.receipts
    chat, openid = Chat(client), demo["expert"].openid
    first, second = await _sent(client, openid, [4600001, 4600002])
    await chat.event(openid, "TEMPLATESENDJOBFINISH", MsgID=4600001, Status="success")
    assert await receipts.drain(30) == 0
    await chat.event(openid, "TEMPLATESENDJOBFINISH", MsgID=4600002,
                     Status="failed:user block")
    assert await receipts.drain(30) == 2  # the failure, and the success held before it
    assert (await Notification.get(id=first.id)).status == Status.DELIVERED
    failed = await Notification.get(id=second.id)
    assert failed.status != Status.SENT and "template" in failed.ruled_out_channels()


async def test_a_drain_that_does_not_hold_records_what_was_held(
        client: TestClient, demo: dict) -> None:
    receipts = client.app[CHANNELS].relay.receipts
    chat, openid = Chat(client), demo["expert"].openid
    items = await _sent(client, openid, [4700001])
    await chat.event(openid, "TEMPLATESENDJOBFINISH", MsgID=4700001, Status="success")
    assert await receipts.drain(30) == 0
    assert await receipts.drain() == 1
    assert await _statuses(items) == [Status.DELIVERED]


async def test_a_parked_failure_is_tried_on_its_own_and_the_successes_stay_held(
        client: TestClient, demo: dict) -> None:
    receipts = client.app[CHANNELS].relay.receipts
    redis = client.app[CHANNELS].relay._redis
    chat, openid = Chat(client), demo["expert"].openid
    # a failure for a message whose row is not saved yet: applied at once, and parked
    await chat.event(openid, "TEMPLATESENDJOBFINISH", MsgID=4800009,
                     Status="failed:system failed")
    await receipts.drain(30)
    assert await redis.hexists(receipts.key, "4800009")
    items = await _sent(client, openid, [4800001])
    await chat.event(openid, "TEMPLATESENDJOBFINISH", MsgID=4800001, Status="success")
    async with QueryCounter() as counted:
        assert await receipts.drain(30) == 0
    assert len(counted.sent) == 1  # the parked failure tried again, on its own
    assert await _statuses(items) == [Status.SENT]  # the success still held
    assert await redis.hexists(receipts.key, "4800009")
