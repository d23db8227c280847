"""A mass notice's rows wait behind one person's notices: claimed only when none of those
is due, so an invitation queued after a province-wide notice is sent first (the relay takes
its rows oldest first within each lane)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient
from tortoise.transactions import in_transaction

from models.notifications import Notification
from models.orm.statements import on_postgres
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
