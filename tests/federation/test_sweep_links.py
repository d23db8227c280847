"""The worker's draw sweep (every 15 s) also sweeps this library's links: requests to other
libraries, draws made here for them, the committees and score reviews the evaluation
systems follow. One statement says which of them have anything to look at: a library that
neither asks nor lends, and that no evaluation system reads, no longer reads their four
tables ten times a sweep; one that asks sends its request from the same sweep as before."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from config.settings import Settings
from services import jobs
from tests.support.api import Api
from tests.support.draw_world import make_experts
from tests.support.federation import asked_of_shaoguan
from tests.support.peer_library import PeerLibrary
from tests.support.queries import QueryCounter
from web.context import DOMAIN

LINK_TABLES = ("peer_ask", "peer_draw", "evaluation_watch", "evaluation_score_review")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No in-process worker: the test runs the worker's sweep by hand."""
    return settings.model_copy(update={"run_worker": False})


def _reads_of_links(counted: QueryCounter) -> list[str]:
    return [sql for sql in counted.sent if any(t in sql for t in LINK_TABLES)]


async def test_a_library_with_no_links_reads_them_in_one_statement_a_sweep(
        client: TestClient) -> None:
    async with QueryCounter() as counted:
        counts = await jobs.sweep_draws({jobs.DOMAIN_CTX: client.app[DOMAIN]})
    assert _reads_of_links(counted) and len(_reads_of_links(counted)) == 1, \
        "\n".join(s[:120] for s in _reads_of_links(counted))
    assert counts["peer_asks"] == counts["peer_rosters"] == counts["peer_fees"] == 0
    assert counts["evaluation_committees"] == counts["evaluation_reviews"] == 0


async def test_a_request_to_another_library_goes_out_from_the_workers_sweep(
        shaoguan_library: PeerLibrary, client: TestClient, api: Api, demo: dict) -> None:
    await make_experts(client, 4, first=4000, region="440203")
    await asked_of_shaoguan(api, demo)
    before = len(shaoguan_library.draw_requests)
    counts = await jobs.sweep_draws({jobs.DOMAIN_CTX: client.app[DOMAIN]})
    assert counts["peer_asks"] == 1
    assert len(shaoguan_library.draw_requests) == before + 1
    # sent: the next sweep finds the request held there, and asks nothing twice
    counts = await jobs.sweep_draws({jobs.DOMAIN_CTX: client.app[DOMAIN]})
    assert counts["peer_asks"] == 0 and len(shaoguan_library.draw_requests) == before + 1
