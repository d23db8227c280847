"""A mass notice's rows wait behind one person's notices: claimed only when none of those
is due, so an invitation queued after a province-wide notice is sent first (the relay takes
its rows oldest first within each lane)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.notifications import Notification
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
