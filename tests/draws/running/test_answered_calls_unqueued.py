"""An answered invitation's next call and its response window's job leave the queue with the
answer: the worker does not run jobs that would only read the invitation to find it answered
(most invitations are answered before their first call and long before their window
closes), and the phone does not ring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestServer
from arq.connections import ArqRedis
from arq.jobs import Job

from bot.relay.channels import CHANNELS
from models.notifications import Notification
from sandbox.platform import Platform
from services.draws.running.calls import CALL_JOB, CALL_KIND, call_key
from services.draws.running.waves import timeout_key
from tests.support.draw_world import invited_by_sms
from tests.support.queries import QueryCounter
from tests.support.voice import voice_world
from web.context import DOMAIN


async def test_an_answer_takes_the_invitations_next_call_and_its_window_off_the_queue(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform, arq: ArqRedis) -> None:
    app, _client, _fake, person_id, phone = await voice_world(aiohttp_client, infra, wechat,
                                                             platform)
    running = app[DOMAIN].draws.running
    calls = running.calls
    assert calls is not None
    now = datetime.now(UTC)
    invitation = await invited_by_sms(person_id, now)
    await running.waves.start_timers([invitation])  # as the wave that invited them does
    info = await Job(call_key(invitation.id, 1), arq).info()
    assert info is not None and (info.function, info.args) == (CALL_JOB,
                                                               (invitation.id, 1))
    assert await Job(timeout_key(invitation.id), arq).info() is not None
    # answered by SMS before the call's time: the call's job is gone with it
    outcome = await running.replies.reply(invitation.id, person_id, 1,
                                          now + timedelta(seconds=30), via="sms")
    assert outcome.status == "confirmed"
    assert await Job(call_key(invitation.id, 1), arq).info() is None
    assert await Job(timeout_key(invitation.id), arq).info() is None
    assert call_key(invitation.id, 1).encode() not in await arq.zrange(
        arq.default_queue_name, 0, -1)
    # and a job already on its way finds the answer: nothing rings
    assert not await calls.call(invitation.id, 1, now + timedelta(minutes=3))
    await app[CHANNELS].relay.run()
    assert platform.calls_to(phone) == []


async def test_a_call_is_queued_in_one_transaction_with_nothing_read_before_it(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform, arq: ArqRedis) -> None:
    app, _client, _fake, person_id, _phone = await voice_world(aiohttp_client, infra, wechat,
                                                              platform)
    calls = app[DOMAIN].draws.running.calls
    assert calls is not None
    now = datetime.now(UTC)
    invitation = await invited_by_sms(person_id, now)
    async with QueryCounter() as counted:
        assert await calls.call(invitation.id, 1, now + timedelta(minutes=3))
    # the activity locked through the invitation: the call is its transaction alone
    assert counted.alone == [], "\n".join(s[:100] for s in counted.alone)
    queued = await Notification.get(dedupe_key=call_key(invitation.id, 1))
    assert (queued.kind, queued.person_id) == (CALL_KIND, person_id)
    # a call for an invitation that does not exist queues nothing and says so
    assert not await calls.call(invitation.id + 10_000, 1, now + timedelta(minutes=3))
