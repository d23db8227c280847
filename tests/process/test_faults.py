"""Faults from outside, each with the counts a user would notice: a standalone
worker that loses Redis (it must come back by itself), a worker killed in the middle of a
customer-service send (sent once, not twice), a database whose connections are killed under
chat load (busy replies and retries that run, never silence), a draw whose next wave was
lost with its process. The Redis stall is in tests/wechat/test_engine.py (a proxy holds Redis's
answers), SIGTERM under load with slow bodies in tests/process/test_shutdown.py."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis

from bot.conversation.receipts import ReceiptInbox
from bot.relay.channels import CHANNELS
from config.embedded_redis import start_server, stop_server, wait_ready
from config.observability.health import WORKER_HEARTBEAT
from config.settings import Settings
from models.draws import Invitation, InvitationStatus
from models.notifications import Notification, Status
from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from sandbox.platform_records import Fault
from sandbox.wechat_push import event_fields, text_fields
from services.common.redis_keys import RedisKeys
from tests.support.api import Api
from tests.support.cli import Preloaded
from tests.support.draw_world import make_experts, prepared, start_draw
from tests.support.forked import Forked
from tests.support.helpers import eventually, process_env, redis_of
from tests.support.settings import make_settings
from tests.support.wechat import Chat
from web.context import DOMAIN

OVERRIDES = {"OUTBOX_LEASE": 2, "WECHAT_API_TIMEOUT": 10, "EXPERTBOT_INPROCESS_WORKER": False}


@pytest.fixture
def settings(infra: dict[str, str], wechat: TestServer) -> Settings:
    return make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                         **OVERRIDES)


def _worker(preloaded: Preloaded, settings: Settings, log: Path, **env: str) -> Forked:
    """`expertbot worker` in its own process (a fork of the preloaded one), its output and
    log written to `log`."""
    return preloaded.spawn({**process_env(settings), **env}, ("worker",), log)


async def _stop(proc: Forked, log: Path) -> str:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        await asyncio.to_thread(proc.wait, 20)
    except subprocess.TimeoutExpired:
        proc.kill()
        await asyncio.to_thread(proc.wait, 5)
    return await asyncio.to_thread(log.read_text, errors="replace")


async def test_a_standalone_worker_outlives_a_redis_outage(
        client: TestClient, settings: Settings, platform: Platform, demo: dict,
        tmp_path: Path, preloaded_cli: Preloaded) -> None:
    """Before: arq's poll loop let the refused connection through and `expertbot worker`
    exited with 1, for good. Now it waits, starts again once Redis answers, logs the outage
    once, and sends what was queued meanwhile."""
    proc, url = start_server(tmp_path / "redis", persist=False)
    await asyncio.to_thread(wait_ready, proc, url)
    # JSON logs: a line per job run, so that a failure shows whether the relay ran
    worker = _worker(preloaded_cli, settings, tmp_path / "worker.log", REDIS_URL=url,
                     LOG_FORMAT="json")
    probe = Redis.from_url(url)
    try:
        await eventually(lambda: probe.exists(WORKER_HEARTBEAT), timeout=20)
        await asyncio.to_thread(stop_server, proc)  # Redis goes away ...
        await asyncio.sleep(4)
        assert worker.poll() is None, "the worker process died with Redis"
        person_id = (await WeChatIdentity.get(openid=demo["expert"].openid)).person_id
        item = await client.app[DOMAIN].outbox.notify(
            datetime.now(UTC), "system.test", {"content": "请按时到场", "at": "2026-11-23 09:00"},
            person_id=person_id)
        assert item is not None
        proc, url = start_server(tmp_path / "redis", persist=False)  # ... and comes back
        await asyncio.to_thread(wait_ready, proc, url)
        await eventually(lambda: probe.exists(WORKER_HEARTBEAT), timeout=40)
        # what was queued during the outage goes out without anyone restarting anything
        # (waited for generously: a loaded CI box is slow, and this is not about speed)
        try:
            await eventually(lambda: platform.sent_to(demo["expert"].openid), timeout=45)
        except AssertionError:  # say what the worker did (its log) and where the row stands
            row = await Notification.get(id=item.id)
            raise AssertionError(f"not sent: {row.status} attempts={row.attempts} "
                                 f"error={row.last_error!r}\n" + await _stop(
                                     worker, tmp_path / "worker.log")) from None

        async def recorded() -> bool:
            return (await Notification.get(id=item.id)).status in (Status.SENT,
                                                                   Status.DELIVERED)

        await eventually(recorded)
    finally:
        log = await _stop(worker, tmp_path / "worker.log")
        await probe.aclose()
        await asyncio.to_thread(stop_server, proc)
    # the supervisor speaks once when the outage starts and once when it ends (the jobs
    # that were running when Redis went away fail, and arq logs each of them)
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    warnings = [line["msg"] for line in lines
                if line["level"] == "WARNING" and line["logger"] == "config.worker"]
    assert len(warnings) == 2, log
    assert "worker stopped (" in warnings[0] and "polling again after" in warnings[1]


async def test_a_worker_killed_mid_send_sends_a_chat_message_once(
        client: TestClient, chat: Chat, settings: Settings, platform: Platform, demo: dict,
        tmp_path: Path, preloaded_cli: Preloaded) -> None:
    """Before: the "sent" marker was written after the call returned, so the relay that
    took the lapsed claim over sent the customer-service message again (3 in 9 kills)."""
    relay, openid = client.app[CHANNELS].relay, demo["expert"].openid
    await chat.say(openid, "帮助")  # the 48 h window is open: a customer-service message
    platform.interact(openid)
    worker = _worker(preloaded_cli, settings, tmp_path / "worker.log")
    try:
        # WeChat takes the message, then the worker dies before it hears back
        platform.inject(Fault("/cgi-bin/message/custom/send", delay_after=8))
        person_id = (await WeChatIdentity.get(openid=openid)).person_id
        item = await client.app[DOMAIN].outbox.notify(
            datetime.now(UTC), "system.test", {"content": "请按时到场", "at": "2026-11-23 09:00"},
            person_id=person_id)
        assert item is not None
        await eventually(lambda: len(platform.sent_to(openid, "custom_text")) == 1, timeout=30)
        worker.send_signal(signal.SIGKILL)
        await asyncio.to_thread(worker.wait, 10)
    finally:
        if worker.poll() is None:
            worker.kill()
    await asyncio.sleep(2.2)  # the dead relay's lease runs out
    assert (await relay.run()) == 1  # taken over: counted as sent, outcome unknown
    done = await Notification.get(id=item.id)
    assert done.status == Status.SENT and "outcome unknown" in (done.last_error or "")
    assert platform.calls["/cgi-bin/message/custom/send"] == 1
    assert len(platform.sent_to(openid, "custom_text")) == 1  # once, not twice


async def test_a_draw_whose_next_wave_was_lost_is_advanced_by_the_sweep(
        api: Api, client: TestClient, demo: dict) -> None:
    """A process that died between a decline and the next invitation left a draw with a
    place open and nobody invited: the sweep (every 15 s) invites the next candidate."""
    await make_experts(client, 2, specialty="A0403")
    aid, token = await prepared(api, demo, total=1, specialty="A0403")
    await start_draw(api, token, aid)
    await Invitation.filter(activity_id=aid).update(status=InvitationStatus.DECLINED)
    counts = await client.app[DOMAIN].draws.running.sweep.sweep(datetime.now(UTC))
    assert counts["invited"] == 1
    assert await Invitation.filter(activity_id=aid, status=InvitationStatus.SENT).count() == 1


def _is_postgres(infra: dict[str, str]) -> bool:
    return infra["DATABASE_URL"].startswith(("postgres://", "postgresql://"))


async def _kill_connections(url: str, stop: asyncio.Event) -> int:
    """pg_terminate_backend on every other connection to the database, again and again
    (what a restart does to a pool: AdminShutdownError, then ConnectionDoesNotExistError)."""
    killed = 0
    conn = await asyncpg.connect(url)
    try:
        while not stop.is_set():
            killed += await conn.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            await asyncio.sleep(0.05)
    finally:
        await conn.close()
    return killed


async def test_killed_database_connections_answer_busy_and_retries_run(
        client: TestClient, chat: Chat, infra: dict[str, str], demo: dict) -> None:
    """Before: asyncpg's shutdown and connection errors were taken for handler bugs: the
    push was answered `success` and that silence was kept for WeChat's retries (11 of
    9,269 pushes), and a receipt answered so was lost."""
    if not _is_postgres(infra):
        pytest.skip("needs PostgreSQL (pg_terminate_backend); CI runs it")
    domain, relay = client.app[DOMAIN], client.app[CHANNELS].relay
    person_id = (await WeChatIdentity.get(openid=demo["expert"].openid)).person_id
    sent = []
    for n in range(10):
        item = await domain.outbox.notify(datetime.now(UTC), "system.test",
                                          {"content": f"通知{n}", "at": "2026-11-23 09:00"},
                                          person_id=person_id)
        assert item is not None
        await Notification.filter(id=item.id).update(status=Status.SENT, wx_msgid=90_000 + n)
        sent.append(item.id)
    stop = asyncio.Event()
    killer = asyncio.create_task(_kill_connections(infra["DATABASE_URL"], stop))
    pushes = [chat.pusher.build(text_fields(f"o_pg_{n}", "我的信息", msg_id=70_000 + n))
              for n in range(40)]
    receipts = [chat.pusher.build(event_fields(f"o_pg_{n}", "TEMPLATESENDJOBFINISH",
                                               Status="success", MsgID=90_000 + n))
                for n in range(10)]
    try:
        first = [await chat.post(p) for p in pushes]
        kept = [await chat.post(p) for p in receipts]
    finally:
        stop.set()
        killed = await killer
    assert killed > 0
    busy = [p for p, a in zip(pushes, first, strict=True) if "系统繁忙" in a.text]
    print(f"connections killed {killed}; pushes {len(pushes)}, answered busy {len(busy)}")
    unanswered = [a for a in first if not a.text]
    assert unanswered == []  # every push got an answer: its reply, or the busy reply
    assert all(a.status == 200 and a.body == "success" for a in kept)  # kept, not lost
    # WeChat's retries of the pushes answered busy run now, with a real answer
    retried = [await chat.post(p) for p in busy]
    assert all("绑定" in a.text and "系统繁忙" not in a.text for a in retried)
    assert await WeChatIdentity.filter(openid__startswith="o_pg_").count() == 40
    await relay.receipts.drain()  # the receipts kept during the outage: none lost
    assert await Notification.filter(id__in=sent, status=Status.DELIVERED).count() == 10


async def test_a_receipt_a_relay_read_and_died_on_is_applied_by_the_next(
        client: TestClient, demo: dict) -> None:
    """The inbox is read through a consumer group: an entry read by a relay that never
    acknowledged it (it died) is claimed by the next one once idle long enough."""
    domain, relay = client.app[DOMAIN], client.app[CHANNELS].relay
    person_id = (await WeChatIdentity.get(openid=demo["expert"].openid)).person_id
    item = await domain.outbox.notify(datetime.now(UTC), "system.test",
                                      {"content": "请按时到场", "at": "2026-11-23 09:00"},
                                      person_id=person_id)
    assert item is not None
    await Notification.filter(id=item.id).update(status=Status.SENT, wx_msgid=4242)
    inbox = ReceiptInbox(redis_of(client.app), RedisKeys("t:"), reclaim_ms=200)
    await inbox.keep(4242, "success")

    async def dies(receipts: list[tuple[int, str]], now: datetime) -> None:
        raise ConnectionError("the relay's process is gone")

    with pytest.raises(ConnectionError):
        await inbox.apply(dies, datetime.now(UTC))
    assert (await Notification.get(id=item.id)).status == Status.SENT
    await asyncio.sleep(0.3)
    assert await inbox.apply(relay.receipts.apply, datetime.now(UTC)) == 1
    assert (await Notification.get(id=item.id)).status == Status.DELIVERED
    assert await inbox.apply(relay.receipts.apply, datetime.now(UTC)) == 0  # applied once


async def test_a_task_cancelled_while_opening_a_transaction_holds_nobody_up(
        client: TestClient) -> None:
    """A worker stopping (Redis went away) cancels its running jobs; one may be opening a
    transaction at that moment. tortoise's SQLite client took its transaction lock, then
    awaited BEGIN: cancelled there, the lock was never released and every later
    transaction of the process waited for ever (the relay claimed nothing again: the rare
    failure of the standalone-worker test above, SQLite only). On PostgreSQL the pool's
    connection was never given back, and every stop waited 10 s for it.
    config/db/tortoise_mends.py mends both."""
    from tortoise.connection import connections
    from tortoise.transactions import in_transaction

    async def claim() -> None:
        async with in_transaction():
            await Notification.filter(id=0).update(attempts=1)

    opening = asyncio.create_task(claim())
    await asyncio.sleep(0)  # inside the transaction's opening (BEGIN, in aiosqlite's thread)
    opening.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await opening
    async with asyncio.timeout(5):  # the next transaction of the process goes through
        await claim()
    assert await Notification.filter(attempts=1).count() == 0
    pool = getattr(connections.get("default"), "_pool", None)
    if pool is not None:  # every connection back in the pool: a stop need not wait
        assert pool.get_idle_size() == pool.get_size()
