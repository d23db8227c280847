"""A mass notice's rows wait behind one person's notices: claimed only when none of those
is due, so an invitation queued after a province-wide notice is sent first (the relay takes
its rows oldest first within each lane), and one queued while a batch of the notice is being
sent goes out beside it (as does one queued beside another person's slow batch); the claim
stays quick once the notice is queued."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient
from tortoise.transactions import in_transaction

from bot.relay.channels import CHANNELS
from bot.relay.ratelimit import BULK_AHEAD, RateLimits
from models.notifications import Notification, Status
from models.orm.statements import on_postgres
from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from sandbox.platform_records import Fault
from services.common.redis_keys import RedisKeys
from tests.support.helpers import eventually, open_window, redis_of
from web.context import DOMAIN


async def test_an_invitation_after_a_mass_notice_is_claimed_before_it(
        client: TestClient) -> None:
    outbox = client.app[DOMAIN].outbox
    # an hour ahead: the in-process relay leaves them to this test's claims
    later = datetime.now(UTC) + timedelta(hours=1)
    async with outbox.change(later) as change:
        told = await change.notify_all("system.test", {"content": "全省通知", "at": "今天"},
                                       list(range(900_001, 900_041)),
                                       dedupe_prefix="lanes-test")
    assert told == 40
    urgent = await outbox.notify(later + timedelta(seconds=5), "system.test",
                                 {"content": "评标邀请", "at": "今天"}, openid="o_lanes")
    assert urgent is not None
    first = await outbox.claim(later + timedelta(hours=1), 1)
    assert [n.id for n in first] == [urgent.id]
    rest = await outbox.claim(later + timedelta(hours=1), 100)
    assert len(rest) == 40 and {n.lane for n in rest} == {1}
    assert [n.id for n in rest] == sorted(n.id for n in rest)  # oldest first in the lane
    assert (await Notification.get(id=urgent.id)).lane == 0


class _Undo(Exception):
    """Raised to roll the test's transaction back."""


async def test_a_claim_planned_while_the_outbox_was_small_is_quick_after_a_mass_notice(
        client: TestClient) -> None:
    """PostgreSQL caches a generic plan for the relay's claim after its fifth run, made
    while few rows were queued; once a mass notice queued tens of thousands, a plan that
    read the claim's ids again for every queued row took minutes a claim, the worker's
    statement timeout cut every one, and nothing was sent (an invitation with it). Here the
    generic plan is made at once, on the outbox as it is (analyzed), then 20,000 rows arrive: the
    claim still takes one person's notices first, within a 3-second statement timeout."""
    if not on_postgres():
        pytest.skip("a cached generic plan is PostgreSQL's")
    outbox = client.app[DOMAIN].outbox
    later = datetime.now(UTC) + timedelta(hours=1)  # the in-process relay leaves them
    with pytest.raises(_Undo):
        async with in_transaction() as tx:
            # the statistics of a small outbox (undone with the rest)
            await tx.execute_script("SET LOCAL plan_cache_mode = force_generic_plan; "
                                    "SET LOCAL statement_timeout = '3s'; "
                                    "ANALYZE notification")
            await outbox.claim(later - timedelta(hours=2), 200)  # the plan, cached
            await tx.execute_query(
                "INSERT INTO notification (kind, person_id, params, status, ruled_out, "
                "attempts, next_attempt_at, client_msg_id, created_at, channels, covered, "
                "lane) SELECT 'system.test', 900000 + g, '{}', 'queued', '', 0, $1, "
                "'plan-test-' || g, $1, '', false, CASE WHEN g <= 20 THEN 0 ELSE 1 END "
                "FROM generate_series(1, 20020) AS g", [later])
            claimed = await outbox.claim(later + timedelta(minutes=1), 200)
            assert len(claimed) == 200
            assert [n.lane for n in claimed[:20]] == [0] * 20  # one person's first
            raise _Undo


WORDS = {"content": "", "at": "2026-11-23 09:00"}


async def test_an_invitation_queued_while_a_mass_batch_is_sent_does_not_wait_for_it(
        client: TestClient, demo: dict, platform: Platform) -> None:
    """A batch of a province-wide notice takes seconds when WeChat answers slowly (here a
    second and a half a template message); one person's notice that falls due meanwhile, its
    nudge lost, is claimed at the relay's poll and sent beside the batch, not after it."""
    run, bulk, to, later = await _slow_batch(client, demo, platform, 1.5)
    urgent = await Notification.create(  # a row alone: no nudge
        kind="system.test", person_id=to, params={**WORDS, "content": "评标邀请"},
        next_attempt_at=later, client_msg_id="beside-urgent")
    await eventually(lambda: _sent(urgent.id))
    assert await _sending(bulk)  # the batch was still under way
    await run
    assert not await Notification.filter(id__in=bulk, status__in=[
        Status.QUEUED, Status.SENDING]).exists()


@pytest.mark.parametrize("lane", [1, 0], ids=["a notice's batch", "one person's batch"])
async def test_an_invitation_queued_beside_a_batch_is_claimed_at_its_nudge(
        client: TestClient, demo: dict, platform: Platform, lane: int) -> None:
    """The relay beside a batch (a mass notice's, or another person's slow template
    messages) claims one person's notice when the change that queued it nudges, not after
    the batch nor at its next poll (here a minute away: only the nudge can bring it)."""
    run, bulk, to, later = await _slow_batch(client, demo, platform, 3, lane=lane,
                                                  beside_poll=60)
    urgent = await client.app[DOMAIN].outbox.notify(
        later, "system.test", {**WORDS, "content": "评标邀请"}, person_id=to)
    assert urgent is not None
    await eventually(lambda: _sent(urgent.id))
    assert await _sending(bulk)  # the batch was still under way
    await run


async def _slow_batch(client: TestClient, demo: dict, platform: Platform, delay: float,
                           lane: int = 1, **relay: float
                           ) -> tuple[asyncio.Task[int], list[int], int, datetime]:
    """A relay of its own, an hour ahead (the in-process relay leaves its rows alone),
    sending a batch of ten in `lane` (1: a notice's) whose template messages take `delay` s
    each; returns its run, the batch's ids, the person (the applicant, who wrote to the
    official account a moment ago: a customer-service message reaches them) a test's
    invitation goes to, and the relay's moment."""
    from bot.relay.relay import Relay

    shared = client.app[CHANNELS].relay
    later = datetime.now(UTC) + timedelta(hours=1)
    mine = Relay(shared.outbox, shared.sender, shared._redis, shared._keys,
                 clock=lambda: later, **relay)
    mass_to = int((await WeChatIdentity.get(openid=demo["expert"].openid)).person_id)
    bulk = [(await Notification.create(
        kind="system.test", person_id=mass_to, params={**WORDS, "content": "全省通知"},
        next_attempt_at=later, client_msg_id=f"beside-{i}", lane=lane)).id for i in range(10)]
    platform.inject(Fault("/cgi-bin/message/template/send", delay=delay, times=10))
    await open_window(client.app, demo["applicant"].openid, platform)
    run = asyncio.create_task(mine.run())
    await eventually(lambda: _sending(bulk))  # the batch is under way
    to = int((await WeChatIdentity.get(openid=demo["applicant"].openid)).person_id)
    return run, bulk, to, later


async def _sending(ids: list[int]) -> bool:
    return await Notification.filter(id__in=ids, status=Status.SENDING).exists()


async def _sent(item_id: int) -> bool:
    return (await Notification.get(id=item_id)).status in (Status.SENT, Status.DELIVERED)


async def test_an_invitation_sent_beside_a_notice_waits_for_a_few_of_its_slots_only(
        client: TestClient) -> None:
    """The global rate's slots (here 20 a second): a notice's sends in flight hold at most
    BULK_AHEAD slots ahead, so one person's notice sent meanwhile is paced after those, not
    after every slot the notice's sends would have reserved."""
    limits = RateLimits(redis_of(client.app), RedisKeys("t:pace-beside:"), 20, 0)
    done: list[str] = []

    async def send(name: str, bulk: bool, after: float = 0.0) -> None:
        await asyncio.sleep(after)
        await limits.wait_global(bulk=bulk)
        done.append(name)

    began = time.monotonic()
    await asyncio.gather(*(send(f"notice {n}", True) for n in range(10)),
                         send("invitation", False, after=0.02))
    assert len(done) == 11 and 1 <= done.index("invitation") <= BULK_AHEAD + 1
    assert time.monotonic() - began >= 0.45  # eleven sends, 50 ms apart: all paced
