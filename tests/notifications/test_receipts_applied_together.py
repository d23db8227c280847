"""The receipts job applies what the callback kept and what was parked (receipts that came
before their row was saved) together: on PostgreSQL one statement a run finds which msgids
are known and marks the successes delivered. A receipt replayed for a row already delivered
is known, so it is not parked to be tried again for an hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient

from bot.relay.channels import CHANNELS
from config.settings import Settings
from models.notifications import Notification, Status
from models.orm.statements import on_postgres
from tests.support.queries import QueryCounter
from tests.support.wechat import Chat
from web.context import DOMAIN


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No worker in the process: its receipts job would race the test's runs of it."""
    return settings.model_copy(update={"run_worker": False})


async def test_parked_and_fresh_receipts_are_applied_in_one_statement(
        client: TestClient, demo: dict) -> None:
    app = client.app
    receipts, outbox = app[CHANNELS].relay.receipts, app[DOMAIN].outbox
    chat, openid = Chat(client), demo["expert"].openid
    now = datetime.now(UTC)
    later = now + timedelta(hours=1)  # not due for the in-process relay
    for n in (1, 2):
        await Notification.create(kind="system.test", openid=openid, next_attempt_at=later,
                                  params={"content": f"回执{n}", "at": "2026-11-23 09:00"},
                                  client_msg_id=f"together-{n}")
    first, second = sorted(await outbox.claim(later, 10), key=lambda n: n.id)
    # the first's receipt comes before its row is saved: parked
    assert (await chat.event(openid, "TEMPLATESENDJOBFINISH", MsgID=4400001,
                             Status="success")).status == 200
    await receipts.drain()
    assert await app[CHANNELS].relay._redis.hlen(receipts.key) == 1
    outbox.sent(first, "template", now, wx_msgid=4400001)
    outbox.sent(second, "template", now, wx_msgid=4400002)
    await outbox.save([first, second])
    assert (await chat.event(openid, "TEMPLATESENDJOBFINISH", MsgID=4400002,
                             Status="success")).status == 200
    async with QueryCounter() as counted:
        await receipts.drain()  # the parked one and the fresh one
    assert {n.status for n in await Notification.filter(id__in=[first.id, second.id])} \
        == {Status.DELIVERED}
    assert len(counted.alone) == (1 if on_postgres() else 2), counted.alone
    assert not await app[CHANNELS].relay._redis.hlen(receipts.key)
    # WeChat repeats the first's receipt: known, nothing to mark, nothing parked
    assert (await chat.event(openid, "TEMPLATESENDJOBFINISH", MsgID=4400001,
                             Status="success")).status == 200
    await receipts.drain()
    assert not await app[CHANNELS].relay._redis.hlen(receipts.key)
    assert (await Notification.get(id=first.id)).status == Status.DELIVERED
