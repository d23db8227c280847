"""A relay woken by a change lingers before it claims (OUTBOX_LINGER): the notices of the
changes that commit meanwhile are claimed, read and recorded with it, one claim, one batch's
reads and one save for them all, instead of each reply paying its own. A notice waits at most
the linger for its claim, and the batch under way when it was queued: changes queued while a
batch is sent are claimed by the next round, which waits only the rest of the linger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.relay.channels import CHANNELS
from bot.relay.relay import Relay
from models.notifications import Notification, Status
from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from services.notifications import Outbox

PARAMS = {"content": "请于明早9点到达评标室", "at": "2026-11-23 09:00"}
LINGER = 0.25
# the rows are due at `LATER`: the service's own relay, on the real clock, leaves them alone
LATER = datetime.now(UTC) + timedelta(days=1)


async def _queue(person_id: int, n: int) -> int:
    """A notice as a reply's change commits it (the relay's clock reads `LATER`)."""
    made = await Notification.create(kind="system.test", person_id=person_id, params=PARAMS,
                                     next_attempt_at=LATER, client_msg_id=f"gather-{n}")
    return made.id


async def _relay(client: TestClient, monkeypatch: pytest.MonkeyPatch,
                 sleep: Any) -> tuple[Relay, list[int]]:
    """A relay of its own (the service's keeps running), lingering through `sleep`, and the
    sizes of the batches it claims."""
    shared = client.app[CHANNELS].relay
    outbox = Outbox(lease=60.0)
    relay = Relay(outbox, shared.sender, shared._redis, shared._keys, clock=lambda: LATER,
                  linger=LINGER, sleep=sleep)
    batches: list[int] = []
    claim = outbox.claim_read

    async def counted(*args: Any, **kw: Any) -> Any:
        got = await claim(*args, **kw)
        batches.append(len(got[0]))
        return got

    monkeypatch.setattr(outbox, "claim_read", counted)
    return relay, batches


async def test_replies_committed_while_the_relay_lingers_share_one_batch(
        client: TestClient, demo: dict, platform: Platform,
        monkeypatch: pytest.MonkeyPatch) -> None:
    person_id = int((await WeChatIdentity.get(openid=demo["expert"].openid)).person_id)
    waits: list[float] = []
    ids = [await _queue(person_id, 0)]

    async def lingering(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 1:  # two more replies commit while it waits
            ids.extend([await _queue(person_id, 1), await _queue(person_id, 2)])

    relay, batches = await _relay(client, monkeypatch, lingering)
    assert await relay.run() == 3
    assert batches == [3]  # one claim (one batch's reads, one save) for the three
    assert 0 < waits[0] <= LINGER  # the first notice waited no longer than the linger
    assert {n.status for n in await Notification.filter(id__in=ids)} == {Status.SENT}
    assert len(platform.sent_to(demo["expert"].openid, "template")) == 3


async def test_a_notice_queued_during_a_batch_goes_in_the_next_round_within_the_linger(
        client: TestClient, demo: dict, platform: Platform,
        monkeypatch: pytest.MonkeyPatch) -> None:
    person_id = int((await WeChatIdentity.get(openid=demo["expert"].openid)).person_id)
    waits: list[float] = []

    async def lingering(seconds: float) -> None:
        waits.append(seconds)

    relay, batches = await _relay(client, monkeypatch, lingering)
    first = await _queue(person_id, 3)
    prepare = relay.sender.prepare
    late: list[int] = []

    async def meanwhile(items: list[Notification], now: datetime, found: Any) -> Any:
        # an invitation commits and nudges while the first batch is sent
        if not late and any(i.id == first for i in items):
            late.append(await _queue(person_id, 4))
            await relay._redis.set(relay._keys.outbox_dirty(), "1")
        return await prepare(items, now, found)

    monkeypatch.setattr(relay.sender, "prepare", meanwhile)
    assert await relay.run() == 2
    assert batches == [1, 1]  # the late one by the next round of the same run
    # each round's wait before its claim is at most the linger (the second only its rest)
    assert len(waits) <= 2 and all(0 < w <= LINGER for w in waits)
    assert {n.status for n in await Notification.filter(id__in=[first, *late])} == \
        {Status.SENT}
