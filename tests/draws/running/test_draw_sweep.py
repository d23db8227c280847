"""The draw sweep (every 15 s) looks at every running draw, and locks only the ones that need
something: on a morning two hundred draws wait for answers, and a sweep that locked each in
turn made the experts' replies queue behind it (bench/README.md)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from aiohttp.test_utils import TestClient, TestServer

from config.settings import Settings
from models.draws import DrawActivity, DrawStatus, Invitation, InvitationStatus
from tests.support.api import Api
from tests.support.draw_world import make_experts, prepared, start_draw
from tests.support.queries import QueryCounter
from tests.support.settings import make_settings
from web.context import DOMAIN


@pytest.fixture
def settings(infra: dict[str, str], wechat: TestServer) -> Settings:
    # no in-process worker: its own sweeps would add their statements to the count
    return make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                         EXPERTBOT_INPROCESS_WORKER=False)


async def test_the_sweep_locks_only_the_draws_that_need_something(
        api: Api, client: TestClient, demo: dict) -> None:
    await make_experts(client, 6, specialty="A0403")
    waiting, token = await prepared(api, demo, total=1, specialty="A0403")
    await start_draw(api, token, waiting)
    lost, _ = await prepared(api, demo, total=1, specialty="A0403")
    await start_draw(api, token, lost)
    complete, _ = await prepared(api, demo, total=1, specialty="A0403")
    await start_draw(api, token, complete)
    # a process died after a decline, before the next invitation; and after the last
    # place was confirmed, before the draw was ended
    await Invitation.filter(activity_id=lost).update(status=InvitationStatus.DECLINED)
    await Invitation.filter(activity_id=complete).update(status=InvitationStatus.CONFIRMED)
    sweep = client.app[DOMAIN].draws.running.sweep.sweep

    async with QueryCounter() as counted:
        counts = await sweep(datetime.now(UTC))
    # the two that needed something were advanced (locked, and read again under the lock),
    # the one waiting for its expert was not
    assert len(_advanced(counted)) == 2
    assert counts["invited"] == 1
    assert await Invitation.filter(activity_id=lost, status=InvitationStatus.SENT).count() == 1
    assert (await DrawActivity.get(id=complete)).status == DrawStatus.ENDED
    assert await Invitation.filter(activity_id=waiting).count() == 1  # nobody more invited

    async with QueryCounter() as counted:
        again = await sweep(datetime.now(UTC))
    assert again["invited"] == 0
    assert not _advanced(counted)


def _advanced(counted: QueryCounter) -> list[str]:
    """The statements that read one activity's conditions under its lock (waves.advance)."""
    return [s for s in counted.sent if re.search(r"c\.activity_id = (\?|\$[0-9]+)", s)]
