"""A relay (an `expertbot worker` process) killed between claiming a notification and
recording the outcome: the notification is re-sent by another relay once the claim's lease
runs out, not lost, and WeChat sends it once (same client_msg_id)."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.relay.channels import CHANNELS
from config.settings import Settings
from models.notifications import Notification, Status
from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from sandbox.platform_records import Fault
from tests.support.cli import Preloaded
from tests.support.helpers import eventually, process_env
from tests.support.settings import make_settings
from web.context import DOMAIN

OVERRIDES = {"OUTBOX_LEASE": 2, "WECHAT_API_TIMEOUT": 10, "EXPERTBOT_INPROCESS_WORKER": False}


@pytest.fixture
def settings(infra: dict[str, str], wechat: TestServer) -> Settings:
    return make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                         **OVERRIDES)


async def test_killed_relay(client: TestClient, settings: Settings, platform: Platform,
                            demo: dict, preloaded_cli: Preloaded) -> None:
    domain, relay = client.app[DOMAIN], client.app[CHANNELS].relay
    # `expertbot worker` in a process of its own (a fork of the preloaded one)
    worker = preloaded_cli.spawn(process_env(settings), ("worker",), Path(os.devnull))
    try:
        # WeChat records the message, then the worker dies before it hears back
        platform.inject(Fault("/cgi-bin/message/template/send", delay_after=8))
        person_id = (await WeChatIdentity.get(openid=demo["expert"].openid)).person_id
        item = await domain.outbox.notify(datetime.now(UTC), "system.test",
                                             {"content": "请按时到场", "at": "2026-11-23 09:00"},
                                             person_id=person_id)
        assert item is not None
        await eventually(lambda: len(platform.sent_to(demo["expert"].openid, "template")) == 1,
                         timeout=30)
        claimed = await Notification.get(id=item.id)
        assert claimed.status == Status.SENDING and claimed.attempts == 1
        worker.send_signal(signal.SIGKILL)
        await asyncio.to_thread(worker.wait, 10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert (await relay.run()) == 0  # still claimed: nobody else may touch it yet
    await asyncio.sleep(2.2)  # the dead relay's lease runs out
    assert (await relay.run()) == 1  # another relay takes it over and sends again
    done = await Notification.get(id=item.id)
    assert done.status in (Status.SENT, Status.DELIVERED) and done.attempts == 2
    assert platform.calls["/cgi-bin/message/template/send"] == 2
    assert len(platform.sent_to(demo["expert"].openid, "template")) == 1  # sent once
