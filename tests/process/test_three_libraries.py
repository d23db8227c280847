"""Three libraries, three processes, one evaluation (NDRC-26 异地抽取; FG-807 主场/副场; the
practice of 2026-03-05, one committee from three provinces' libraries): 韶关's (this test's
service) draws one condition at 广州's and one at 佛山's (each `expertbot serve` of its own,
its own database and Redis, the demo's experts loaded). 佛山 is down when the draw starts;
back, it is killed in the middle of 韶关's request (kept, its answer not yet sent) and asked
again after its restart, finishing what the crash cut short; 广州 is killed in the middle of
its roster (applied by 韶关, the acknowledgement not kept) and sends it again.
Each condition is drawn by its own library once, nothing doubled on either side, and the
results, the attendance and the verifier's request name each library's part."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from config.settings import Settings
from models.draws import DrawActivity, Invitation
from models.federated_draws import PeerAsk
from services.common.clock import CHINA
from services.demo_draws import DEMO_POOL_SPECIALTY
from services.federation import Identity, Keys
from tests.support.api import Api
from tests.support.cli import Preloaded
from tests.support.console import Desk
from tests.support.draw_world import prepared, start_draw, submit, the_results_unseal
from tests.support.helpers import eventually
from tests.support.peer_process import LibraryProcess
from tests.support.two_libraries import (
    GUANGZHOU,
    SHAOGUAN,
    as_shaoguan,
    every_pool_expert_says_1,
    library_of_guangzhou,
)
from web.context import DOMAIN

FOSHAN = Identity("440600", "佛山市评标专家库", Keys.new_private())


async def roster_applied(ask_id: int) -> bool:
    return (await PeerAsk.get(id=ask_id)).roster_seq >= 1


async def kept_by(library: LibraryProcess) -> bool:
    """The other library has the request in its database (its answer not yet sent, or
    being sent)."""
    try:
        return library.read("SELECT COUNT(*) FROM peer_draw") != [(0,)]
    except sqlite3.Error:  # the file being written: not yet
        return False


@pytest.fixture
def guangzhou(infra: dict[str, str], tmp_path: Path, wechat: TestServer,
              preloaded_cli: Preloaded) -> LibraryProcess:
    return library_of_guangzhou(infra, tmp_path, wechat, preloaded_cli)


@pytest.fixture
def foshan(guangzhou: LibraryProcess, infra: dict[str, str], tmp_path: Path,
           wechat: TestServer, preloaded_cli: Preloaded) -> LibraryProcess:
    return LibraryProcess(FOSHAN, infra, tmp_path / "foshan",
                          str(wechat.make_url("")).rstrip("/"), preloaded=preloaded_cli)


@pytest.fixture
def settings(guangzhou: LibraryProcess, foshan: LibraryProcess, settings: Settings,
             monkeypatch: pytest.MonkeyPatch) -> Settings:
    return as_shaoguan(guangzhou, settings, monkeypatch, foshan)


async def test_one_evaluation_draws_at_two_other_libraries_each_on_its_own(
        guangzhou: LibraryProcess, foshan: LibraryProcess, client: TestClient, api: Api,
        demo: dict) -> None:
    mine = str(client.make_url("")).rstrip("/")
    at_guangzhou, at_foshan = (library.env(SHAOGUAN, mine, "auto")
                               for library in (guangzhou, foshan))
    guangzhou.prepare(at_guangzhou)
    foshan.prepare(at_foshan)
    await guangzhou.start(at_guangzhou)  # 佛山 not yet: down when the draw starts
    asking = client.app[DOMAIN].asking
    try:
        aid, token = await prepared(api, demo, total=2, planned=[1, 1], regions=("4401",),
                                    specialty=DEMO_POOL_SPECIALTY, submitted=False)
        first, second = (c["id"] for c in (await api.call(
            "GET", f"/draws/activities/{aid}", token)).data["conditions"])
        for condition, library in ((first, GUANGZHOU), (second, FOSHAN)):
            picked = await api.call(
                "PUT", f"/draws/activities/{aid}/conditions/{condition}/peer", token,
                {"peer_code": library.code})
            assert picked.status == 200, picked.data
        assert (await submit(api, token, aid)).status == 200
        verifier = await api.login(demo["verifier"].mp_openid)
        desk = Desk(client)
        await desk.sign_in(demo["verifier"].phone)
        _, page = await desk.get(f"/console/verify/{aid}/request")
        assert "广州市评标专家库" in page and "佛山市评标专家库" in page  # each library's part
        assert (await api.call("POST", f"/verify/activities/{aid}", verifier,
                               {"approve": True, "small_pool_ok": True})).status == 200
        assert (await start_draw(api, token, aid)).status == 200
        now = datetime.now(UTC)
        await asking.sweep(now)
        asks = {a.peer_code: a for a in await PeerAsk.filter(activity_id=aid)}
        assert asks[GUANGZHOU.code].asked_at is not None
        assert asks[FOSHAN.code].status == "unreachable"  # down: its own state, not 广州's
        await every_pool_expert_says_1(guangzhou, 74_000)
        # 广州 killed in the middle of its roster (sent each second once its draw ended):
        # as soon as 韶关 has applied it, before 广州 can keep the acknowledgement
        told = asks[GUANGZHOU.code].id
        await eventually(lambda: roster_applied(told), timeout=40, interval=0.01)
        await guangzhou.kill()
        await guangzhou.start(at_guangzhou)  # sends it again: a replay, applied once
        # 佛山 back, and killed in the middle of 韶关's request: as soon as it has kept it
        await foshan.start(at_foshan)
        sending = asyncio.create_task(asking.sweep(now + timedelta(seconds=20)))
        await eventually(lambda: kept_by(foshan), timeout=20, interval=0.005)
        await foshan.kill()
        await sending
        await foshan.start(at_foshan)
        # asked again after its wait: the same request, whatever the crash left undone
        await asking.sweep(now + timedelta(seconds=50))
        await every_pool_expert_says_1(foshan, 75_000)
        await asking.sweep(now + timedelta(seconds=80))
        await asking.sweep(now + timedelta(seconds=110))
        activity = await DrawActivity.get(id=aid)
        assert activity.status == "ended" and activity.end_reason == "complete"
        assert not await Invitation.filter(activity_id=aid).exists()  # none drawn here
        for library in (guangzhou, foshan):  # each drew one condition, once
            assert library.read("SELECT COUNT(*) FROM peer_draw") == [(1,)]
            assert library.read("SELECT COUNT(*) FROM draw_invitation WHERE status = "
                                "'confirmed'") == [(1,)]
        await the_results_unseal(aid, datetime.now(UTC))
        results = await api.call("GET", f"/draws/activities/{aid}/results", token)
        libraries = sorted(e["library"] for e in results.data["experts"])
        assert libraries == ["佛山市评标专家库", "广州市评标专家库"]
        counts = (await api.call("GET", f"/draws/activities/{aid}", token)).data["counts"]
        assert (counts["confirmed"], counts["planned"]) == (2, 2)
        seen = await api.call("GET", f"/draws/activities/{aid}/attendance", token)
        assert sorted(e["lent_from"] for e in seen.data["experts"]) == [
            "佛山市评标专家库", "广州市评标专家库"]
        # the month's statistics count each library's experts apart
        admin = await api.login(demo["admin"].mp_openid)
        held = (await DrawActivity.get(id=aid)).eval_start  # as unsealed above
        month = held.astimezone(CHINA).strftime("%Y-%m")
        figures = await api.call("GET", "/admin/statistics", admin,
                                 params={"from_month": month, "to_month": month})
        assert sorted(figures.data["total"]["borrowed_by"]) == [
            ["佛山市评标专家库", 1], ["广州市评标专家库", 1]]
    finally:
        await guangzhou.stop()
        await foshan.stop()
