"""Redis through Sentinel (a Redis host that dies must cost seconds, not an outage): a
master, a replica and three sentinels on loopback
(tests/support/sentinel_cluster.py); the service started with REDIS_SENTINELS; the master
killed with
SIGKILL under chat traffic. Counted: a new master promoted, chat answered again without a
restart, no confirmed answer lost, none applied twice (WeChat's retry of a push across the
failover, same MsgId, is answered from the dedup record, which reached the replica), jobs
and notifications queued before the kill run. The durations are printed (`-s`), not
asserted. Skips without a system redis-server."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from arq.jobs import Job, JobStatus
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from config import doctor
from config.redis_client import make_arq
from config.settings import Settings, SettingsError
from config.settings.redis import RedisSentinelSettings, parse_address, redis_target
from models.notifications import Notification, Status
from models.wechat import Feedback, WeChatIdentity
from sandbox.platform import Platform
from sandbox.wechat_push import Push, text_fields
from tests.support.helpers import eventually
from tests.support.sentinel_cluster import SERVICE, SentinelCluster, redis_server, sentinel_cluster
from tests.support.settings import make_settings
from tests.support.wechat import Answer, Chat
from web.context import DOMAIN

BUSY = "系统繁忙"
USERS = 4  # each a chat every 0.2 s: load, not a share of the suite's CPU
MARK = "哨兵反馈"
PAUSE = 0.2  # s a user waits between two feedbacks

# The suite's filter for a Redis connection dropped at an app's shutdown and found later by
# the collector (pyproject.toml) names Redis's own port; here the nodes listen on ports of
# their own, and a failover drops connections to the old master (its clients' sockets are
# closed by the sentinels as it is demoted). Once in CI the collector found such a socket,
# to a node of this module's cluster, at the teardown of the planned switchover: the same
# warning, for these ports. What holds the socket is not known yet (the suite's note too).
pytestmark = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <socket.socket fd=[0-9]+, family=2, type=1, proto=6, "
    "laddr=\\('127.0.0.1', [0-9]+\\), raddr=\\('127.0.0.1', [0-9]+\\)>"
    ":pytest.PytestUnraisableExceptionWarning")


def test_sentinel_addresses_are_parsed_and_bad_ones_named() -> None:
    assert parse_address(" 10.0.0.5:26379") == ("10.0.0.5", 26379)
    assert parse_address("[::1]:26380") == ("::1", 26380)
    settings = RedisSentinelSettings(REDIS_SENTINELS="a:1, b:2,")  # type: ignore[call-arg]
    assert settings.target("redis://:pw@mymaster/2").sentinels == (("a", 1), ("b", 2))
    assert not RedisSentinelSettings(REDIS_SENTINELS="").target("redis://h/0").sentinels  # type: ignore[call-arg]
    for bad in ("host", "host:", ":26379", "host:port", "host:70000"):
        with pytest.raises(SettingsError, match="REDIS_SENTINELS"):
            parse_address(bad)


async def test_doctor_names_a_bad_setting_and_sentinels_without_a_majority(
        infra: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(infra, REDIS_URL="redis://mymaster/0")
    async with aiohttp.ClientSession() as http:
        monkeypatch.setenv("REDIS_SENTINELS", "10.0.0.1")
        with pytest.raises(doctor.Problem, match=r"REDIS_SENTINELS: '10\.0\.0\.1' is not"):
            await doctor.redis(settings, http)
        monkeypatch.setenv("REDIS_SENTINELS", "127.0.0.1:1,127.0.0.1:2,127.0.0.1:3")
        with pytest.raises(doctor.Problem, match="0 of 3 sentinels answer"):
            await doctor.redis(settings, http)


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[SentinelCluster]:
    binary = redis_server()
    if binary is None:
        pytest.skip("needs a system redis-server (Redis 7: `apt-get install redis-server`) "
                    "to run a master, a replica and three sentinels on loopback")
    async with sentinel_cluster(tmp_path / "redis", binary) as started:
        yield started


@pytest.fixture
def settings(infra: dict[str, str], wechat: TestServer, cluster: SentinelCluster,
             monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The suite's settings, Redis through the cluster's sentinels (REDIS_URL: db and
    password only; its host is not used)."""
    monkeypatch.setenv("REDIS_SENTINELS", cluster.setting)
    monkeypatch.setenv("REDIS_SENTINEL_SERVICE", SERVICE)
    return make_settings(infra, REDIS_URL="redis://mymaster/0",
                         WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"))


@dataclass
class Confirmed:
    openid: str
    push: Push
    content: str
    reply: str
    at: float


@dataclass
class Load:
    """Users going through 反馈 → 1 → text (a Feedback row each) again and again; a busy
    answer is retried with the same push, as WeChat retries (same MsgId)."""

    chat: Chat
    confirmed: list[Confirmed] = field(default_factory=list)
    unconfirmed: list[Push] = field(default_factory=list)  # answered `success`: unknown
    answers: list[tuple[float, float, bool]] = field(default_factory=list)  # sent, done, ok
    derailed: int = 0  # a step answered with another prompt (the state moved on)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def step(self, push: Push) -> Answer:
        while True:
            sent = time.monotonic()
            answer = await self.chat.post(push)
            ok = answer.status == 200 and BUSY not in answer.text
            self.answers.append((sent, time.monotonic(), ok))
            if ok or self.stop.is_set():
                return answer
            await asyncio.sleep(0.2)

    async def user(self, n: int) -> None:
        openid, cycle = f"o_sentinel{n}", 0
        build = self.chat.pusher.build
        while not self.stop.is_set():
            cycle += 1
            first = await self.step(build(text_fields(openid, "反馈")))
            chosen = await self.step(build(text_fields(openid, "1")))
            if "请选择反馈类型" not in first.text or "请用文字描述" not in chosen.text:
                self.derailed += 1
                await self.step(build(text_fields(openid, "取消")))
                continue
            content = f"{MARK}{n}-{cycle}：登录页面打不开"
            push = build(text_fields(openid, content))
            answer = await self.step(push)
            if "编号" in answer.text:
                self.confirmed.append(Confirmed(openid, push, content, answer.text,
                                                time.monotonic()))
            elif answer.silent:
                self.unconfirmed.append(push)
            else:
                self.derailed += 1
            await asyncio.sleep(PAUSE)  # traffic, not a benchmark: room for the worker


async def _notify(client: TestClient, person_id: int, tag: str, delay: float) -> int:
    now = datetime.now(UTC)
    item = await client.app[DOMAIN].outbox.notify(
        now, "system.test", {"content": f"哨兵通知{tag}", "at": "2026-11-23 09:00"},
        person_id=person_id, not_before=now + timedelta(seconds=delay) if delay else None)
    assert item is not None
    return int(item.id)


async def test_a_master_killed_under_chat_load_costs_seconds(
        client: TestClient, chat: Chat, settings: Settings, cluster: SentinelCluster,
        platform: Platform, demo: dict) -> None:
    load = Load(chat)
    users = [asyncio.create_task(load.user(n)) for n in range(USERS)]
    arq = make_arq(redis_target(settings.redis_url), settings)
    try:
        await eventually(lambda: len(load.confirmed) >= 3 * USERS, timeout=60)
        # queued before the kill: arq jobs due in 2 s, notifications now and in 2 s
        jobs = [f"sentinel-job-{i}" for i in range(5)]
        for i, job_id in enumerate(jobs):  # an exam timer of no attempt: a quick no-op
            assert await arq.enqueue_job("exam_timeout", 10**9 + i, _job_id=job_id,
                                         _defer_by=2.0)
        expert = demo["expert"].openid
        person_id = (await WeChatIdentity.get(openid=expert)).person_id
        notices = [await _notify(client, person_id, f"{i}", 2.0 if i % 2 else 0)
                   for i in range(6)]
        old = await cluster.master_port()
        assert old is not None
        # the node that is not the master now: on a slow machine the sentinels may already
        # have failed over once under the load (a master silent for DOWN_AFTER_MS), and the
        # claim is about killing whichever node is the master
        standby = next(cluster.nodes[name] for name in ("master", "replica")
                       if cluster.nodes[name].port != old)
        # asynchronous replication: what the master took a moment ago may not be on the
        # replica yet (Redis's own limit, see docs/rules-that-are-ours.md); the claim here
        # is that what reached it survives, so the jobs are waited for there
        await eventually(lambda: cluster.has_keys(standby, [f"arq:job:{j}" for j in jobs]),
                         timeout=10)
        before = len(load.confirmed)
        await cluster.kill(cluster.node_at(old))
        killed = time.monotonic()

        async def promoted() -> bool:
            port = await cluster.master_port()
            return port is not None and port != old

        await eventually(promoted, timeout=60)
        promoted_after = time.monotonic() - killed
        new = await cluster.master_port()
        assert new == standby.port

        def each_user_answered_again() -> bool:
            return len({c.openid for c in load.confirmed
                        if c.at > killed + promoted_after}) == USERS

        await eventually(each_user_answered_again, timeout=60)
        load.stop.set()
        await asyncio.wait(users, timeout=30)

        async def jobs_ran() -> bool:
            return all([await Job(j, arq).status() == JobStatus.complete for j in jobs])

        await eventually(jobs_ran, timeout=60)
        jobs_after = time.monotonic() - killed
        for job_id in jobs:
            info = await Job(job_id, arq).result_info()
            assert info is not None and info.success, info

        async def notices_sent() -> bool:
            rows = await Notification.filter(id__in=notices)
            return all(r.status in (Status.SENT, Status.DELIVERED) for r in rows)

        await eventually(notices_sent, timeout=60)
        notices_after = time.monotonic() - killed
        async with aiohttp.ClientSession() as http:
            said = await doctor.redis(settings, http)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{cluster.logs()}") from None
    finally:
        load.stop.set()
        await asyncio.wait(users, timeout=30)
        for task in users:
            task.cancel()
        await arq.aclose()
    for task in users:
        assert task.done() and not task.cancelled() and task.exception() is None
    assert f"master 127.0.0.1:{new} " in said and cluster.setting.split(",")[0] in said

    # chat came back: the first answer to a push sent after the first busy one
    first_busy = min((s for s, _, ok in load.answers if not ok and s > killed), default=None)
    assert first_busy is not None, "the kill went unnoticed: no busy answer"
    back = min(done for sent, done, ok in load.answers if ok and sent > first_busy)
    busy = sum(1 for s, _, ok in load.answers if not ok)
    print(f"\nsentinel failover: promoted {promoted_after:.1f} s after the kill, chat "
          f"answered again {back - killed:.1f} s after it; {len(load.answers)} answers, "
          f"{busy} busy, {len(load.confirmed)} feedbacks confirmed ({before} before the "
          f"kill), {len(load.unconfirmed)} answered `success`, {load.derailed} derailed; "
          f"the queued jobs had run {jobs_after:.1f} s and the notifications were sent "
          f"{notices_after:.1f} s after the kill")

    # no confirmed answer lost, none applied twice
    rows = await Feedback.filter(content__startswith=MARK).values_list("id", "content")
    per_content = Counter(content for _, content in rows)
    assert max(per_content.values()) == 1, per_content.most_common(3)
    saved = dict((content, number) for number, content in rows)
    for c in load.confirmed:
        assert f"F{saved[c.content]:06d}" in c.reply
    # WeChat retries every confirmed push now, across the failover: each is answered from
    # its dedup record (the first reply, not a new run), and nothing is saved again
    again = [await chat.post(c.push) for c in load.confirmed]
    lost = [c.content for c, a in zip(load.confirmed, again, strict=True) if a.text != c.reply]
    assert not lost, f"dedup records lost in the failover: {lost}"
    assert await Feedback.filter(content__startswith=MARK).count() == len(rows)
    # every notification went out once
    sent = Counter(tag for s in platform.sent_to(expert)
                   for tag in (f"哨兵通知{i}" for i in range(6))
                   if tag in json.dumps(s.payload, ensure_ascii=False))
    assert sent == Counter({f"哨兵通知{i}": 1 for i in range(6)}), sent


async def test_a_planned_switchover_is_followed_without_a_restart(
        client: TestClient, chat: Chat, cluster: SentinelCluster) -> None:
    """SENTINEL FAILOVER (maintenance of the master's host): the old master stays up and
    is demoted to replica; chat goes on through the new master without a restart."""
    load = Load(chat)
    users = [asyncio.create_task(load.user(n)) for n in range(2)]
    try:
        await eventually(lambda: len(load.confirmed) >= 4, timeout=60)
        old = await cluster.master_port()
        assert old is not None
        sentinel = cluster.sentinels[0].client()
        try:
            await sentinel.execute_command("SENTINEL", "FAILOVER", SERVICE)
        finally:
            await sentinel.aclose()

        async def moved() -> bool:
            port = await cluster.master_port()
            return port is not None and port != old

        await eventually(moved, timeout=60)
        moved_at = time.monotonic()
        await eventually(lambda: len({c.openid for c in load.confirmed
                                      if c.at > moved_at}) == 2, timeout=60)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{cluster.logs()}") from None
    finally:
        load.stop.set()
        await asyncio.wait(users, timeout=30)
        for task in users:
            task.cancel()
    # the sentinels demote the old master a few seconds after the promotion (and close its
    # clients' connections then); writes that reached it in between are lost when it
    # resyncs: docs/running.md, "Redis through Sentinel"
    demoted = cluster.node_at(old).client()
    try:
        await eventually(lambda: _role(demoted, "slave"), timeout=60)
    finally:
        await demoted.aclose()
    rows = await Feedback.filter(content__startswith=MARK).values_list("content", flat=True)
    assert max(Counter(rows).values()) == 1
    assert {c.content for c in load.confirmed} <= set(rows)


async def _role(client: Redis, role: str) -> bool:
    try:
        return bool((await client.info("replication"))["role"] == role)
    except RedisConnectionError:  # a demoted master closes its clients' connections
        return False
