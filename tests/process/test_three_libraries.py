"""Three libraries, three processes, one evaluation (NDRC-26 异地抽取; FG-807 主场/副场; the
practice of 2026-03-05, one committee from three provinces' libraries): 韶关's library asks
广州's for the first condition's expert, 佛山's for the second's and 广州's again for the
third's. Each library is `expertbot serve` of its own (its own database and Redis, the
demo's experts loaded), driven over HTTP as its users would, its sweeps every second and its
federation's pace lowered by settings (an answer waited for 2 s, a message held 1 s beyond
that, retried after 1 s, a request taken asked about each second). Each request's state is
its own:
- 佛山 is down when the draw starts: its condition waits in words, retried.
- 广州 is slow: its answers reach 韶关 (through a proxy that holds them back) later than
  韶关 waits, so the third condition reads as not answered and is asked again; the answer
  is applied once.
- 广州's administrator decides each request: she accepts the first and refuses the third,
  which 韶关's agency reads in words with what it may do, and has drawn here instead.
Each library is killed once in the middle of a message: 韶关 while its first request to
广州 is out (广州 has kept it, its answer held back), sending it again after its restart
once its hold on it is over (the answer's timeout and the margin, not a fixed 90 s); 佛山 as
soon as it has kept 韶关's request, asked again after its restart and finishing what the
crash cut short; 广州 in the middle of its roster (applied by 韶关, the acknowledgement not
kept). Each condition is drawn by one library, once; each request is sent once and taken
once; and the results, the attendance, the statistics and the verifier's request name each
library's part."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from sandbox.platform import Platform
from services.common.clock import CHINA
from services.demo import DEMO_PEOPLE
from services.demo_draws import DEMO_POOL_SPECIALTY
from services.federation import Identity, Keys
from tests.support.api import Api
from tests.support.cli import Preloaded
from tests.support.console import Desk
from tests.support.draw_world import prepared, start_draw, submit
from tests.support.helpers import eventually
from tests.support.peer_process import LibraryProcess
from tests.support.proxy import Proxy
from tests.support.two_libraries import (
    GUANGZHOU,
    SHAOGUAN,
    library_of_guangzhou,
    says,
)

FOSHAN = Identity("440600", "佛山市评标专家库", Keys.new_private())
TIMEOUT = 2  # seconds 韶关 waits for an answer (its hold on a message: one more)
PACE = {"FEDERATION_TIMEOUT": str(TIMEOUT), "FEDERATION_CLAIM_MARGIN": "1",
        "FEDERATION_RETRY": "1", "FEDERATION_POLL": "1"}
DEMO = {d.key: d for d in DEMO_PEOPLE}
REFUSAL = "本库该专业专家评标当日另有安排"


def rows(library: LibraryProcess, sql: str, *values: object) -> list[tuple[Any, ...]]:
    """Its database read while it runs (nothing yet while a write holds it)."""
    try:
        return library.read(sql, *values)
    except sqlite3.Error:
        return []


def count(library: LibraryProcess, sql: str, *values: object) -> int:
    found = rows(library, sql, *values)
    return int(found[0][0]) if found else 0


def status_of(shaoguan: LibraryProcess, condition: int) -> str:
    found = rows(shaoguan, "SELECT status FROM peer_ask WHERE condition_id = ?", condition)
    return str(found[0][0]) if found else ""


def kept(library: LibraryProcess) -> int:
    """How many of 韶关's requests the other library has in its database."""
    return count(library, "SELECT COUNT(*) FROM peer_draw")


def said_by_shaoguan(shaoguan: LibraryProcess, what: str) -> list[str]:
    """The requests named by 韶关's trail entries of one kind (`ask_sent`...)."""
    return sorted(json.loads(detail)["request"] for (detail,) in rows(
        shaoguan, "SELECT detail FROM audit_entry WHERE action = 'federation'")
        if json.loads(detail).get("what") == what)


async def the_invited_say_1(library: LibraryProcess, first_msg_id: int) -> None:
    """Once its draw has invited some of the demo's pool, each of them answers 1 in the
    library's chat (those who confirm)."""
    invited: list[str] = []

    async def some_invited() -> bool:
        invited[:] = [str(openid) for (openid,) in rows(
            library, "SELECT w.openid FROM draw_invitation i JOIN wechat_identity w ON "
            "w.person_id = i.person_id WHERE w.channel = 'oa' ORDER BY i.id")]
        return bool(invited)

    await eventually(some_invited, timeout=20)
    for n, openid in enumerate(invited, 1):
        await says(library, openid, "1", first_msg_id + n)


@pytest.fixture
def libraries(infra: dict[str, str], tmp_path: Path, wechat: TestServer,
              preloaded_cli: Preloaded) -> Iterator[tuple[LibraryProcess, ...]]:
    guangzhou = library_of_guangzhou(infra, tmp_path, wechat, preloaded_cli)
    base = str(wechat.make_url("")).rstrip("/")
    yield (LibraryProcess(SHAOGUAN, infra, tmp_path / "shaoguan", base,
                          preloaded=preloaded_cli, redis_db=13), guangzhou,
           LibraryProcess(FOSHAN, infra, tmp_path / "foshan", base, preloaded=preloaded_cli,
                          redis_db=14))


async def test_one_evaluation_draws_at_two_other_libraries_each_on_its_own(
        libraries: tuple[LibraryProcess, LibraryProcess, LibraryProcess],
        platform: Platform) -> None:
    shaoguan, guangzhou, foshan = libraries
    slow = Proxy(("127.0.0.1", guangzhou.port))  # 广州 as 韶关 reaches it
    at_shaoguan = shaoguan.env(GUANGZHOU, f"http://127.0.0.1:{await slow.start()}", "admin",
                               (FOSHAN, foshan.url, "admin"), **PACE)
    at_guangzhou = guangzhou.env(SHAOGUAN, shaoguan.url, "admin", **PACE)  # decided by hand
    at_foshan = foshan.env(SHAOGUAN, shaoguan.url, "auto", **PACE)
    shaoguan.prepare(at_shaoguan)
    guangzhou.prepare_as(shaoguan)
    foshan.prepare_as(shaoguan)
    # 佛山 not yet: down when the draw starts
    await asyncio.gather(shaoguan.start(at_shaoguan), guangzhou.start(at_guangzhou))
    try:
        async with shaoguan.http() as http, guangzhou.http() as theirs:
            api = Api(http, platform)  # type: ignore[arg-type]
            aid, token = await prepared(api, DEMO, total=3, planned=[1, 1, 1],
                                        regions=("4401",), specialty=DEMO_POOL_SPECIALTY,
                                        submitted=False)
            first, second, third = (c["id"] for c in (await api.call(
                "GET", f"/draws/activities/{aid}", token)).data["conditions"])
            for condition, drawing in ((first, GUANGZHOU), (second, FOSHAN),
                                       (third, GUANGZHOU)):
                picked = await api.call(
                    "PUT", f"/draws/activities/{aid}/conditions/{condition}/peer", token,
                    {"peer_code": drawing.code})
                assert picked.status == 200, picked.data
            assert (await submit(api, token, aid)).status == 200
            verifier = await api.login(DEMO["verifier"].mp_openid)
            desk = Desk(http)  # type: ignore[arg-type]
            await desk.sign_in(DEMO["verifier"].phone)
            _, page = await desk.get(f"/console/verify/{aid}/request")
            assert "广州市评标专家库" in page and "佛山市评标专家库" in page  # each one's part
            assert (await api.call("POST", f"/verify/activities/{aid}", verifier,
                                   {"approve": True, "small_pool_ok": True})).status == 200

            async def said(condition: int) -> str:
                conditions = (await api.call("GET", f"/draws/activities/{aid}", token)
                              ).data["conditions"]
                return str(next(c["peer"]["said"] for c in conditions
                                if c["id"] == condition))

            slow.reply_delay = TIMEOUT + 1  # 广州's answers later than 韶关 waits
            assert (await start_draw(api, token, aid)).status == 200
            # 韶关 killed in the middle of its request: 广州 has kept it, the answer not back
            await eventually(lambda: kept(guangzhou) >= 1, timeout=20, interval=0.005)
            await shaoguan.kill()
            await shaoguan.start(at_shaoguan)
            # 佛山 down: its own state, in words, retried, whatever 广州's
            await eventually(lambda: status_of(shaoguan, second) == "unreachable", timeout=20)
            assert "佛山市评标专家库暂时没有应答" in await said(second)
            # back, and killed as soon as it has kept the request, before it answers
            await foshan.start(at_foshan)
            await eventually(lambda: kept(foshan) >= 1, timeout=20, interval=0.005)
            await foshan.kill()
            restarted = asyncio.create_task(foshan.start(at_foshan))
            # 广州 asked for the third condition after 韶关's restart, answering later than
            # 韶关 waits: in words as not answering, asked again (the first asked again once
            # 韶关's hold on it is over)
            await eventually(lambda: status_of(shaoguan, third) == "unreachable", timeout=20)
            assert "广州市评标专家库暂时没有应答" in await said(third)
            slow.reply_delay = 0
            await eventually(lambda: {status_of(shaoguan, c) for c in (first, third)} == {
                "pending"}, timeout=20)
            await restarted
            await eventually(lambda: status_of(shaoguan, second) == "drawing", timeout=20)
            # 广州's administrator accepts the first request and refuses the third
            theirs_api = Api(theirs, platform)  # type: ignore[arg-type]
            admin = await theirs_api.login(DEMO["admin"].mp_openid)
            waiting = {r["request_id"]: r["id"] for r in (await theirs_api.call(
                "GET", "/admin/federation/requests", admin)).data["requests"]}
            request_of = {c: str(rows(shaoguan, "SELECT request_id FROM peer_ask WHERE "
                                      "condition_id = ?", c)[0][0]) for c in (first, third)}
            for condition, decision in ((first, {"accept": True}),
                                        (third, {"accept": False, "reason": REFUSAL})):
                made = await theirs_api.call(
                    "POST", f"/admin/federation/requests/{waiting[request_of[condition]]}"
                    "/decision", admin, decision)
                assert made.status == 200, made.data
            await asyncio.gather(the_invited_say_1(foshan, 75_000),
                                 the_invited_say_1(guangzhou, 74_000))
            # 广州 killed in the middle of its roster (sent each second once its draw ended):
            # as soon as 韶关 has applied it, before 广州 can keep the acknowledgement
            await eventually(lambda: count(shaoguan, "SELECT roster_seq FROM peer_ask WHERE "
                                           "condition_id = ?", first) >= 1,
                             timeout=40, interval=0.01)
            await guangzhou.kill()
            # it sends it again once back: a replay, applied once
            restarted = asyncio.create_task(guangzhou.start(at_guangzhou))
            # the refusal, in words, with what the agency may do: it has it drawn here
            await eventually(lambda: status_of(shaoguan, third) == "refused", timeout=20)
            assert await said(third) == (f"广州市评标专家库拒绝了本次请求：{REFUSAL}；"
                                         "可改为本库抽取，或强制结束本次抽取")
            here = await api.call(
                "POST", f"/draws/activities/{aid}/conditions/{third}/local", token)
            assert here.status == 200, here.data
            await the_invited_say_1(shaoguan, 76_000)
            await eventually(lambda: rows(shaoguan, "SELECT status, end_reason FROM "
                                          "draw_activity WHERE id = ?", aid) == [
                ("ended", "complete")], timeout=30)
            await restarted
            # each condition drawn by one library, once; each request sent and taken once
            assert rows(shaoguan, "SELECT condition_id, status FROM draw_invitation WHERE "
                        "status = 'confirmed'") == [(third, "confirmed")]
            for library, taken in ((guangzhou, [("drawing",), ("refused",)]),
                                   (foshan, [("drawing",)])):
                assert rows(library, "SELECT status FROM peer_draw ORDER BY status") == taken
                assert count(library, "SELECT COUNT(*) FROM draw_invitation WHERE status = "
                             "'confirmed'") == 1
            asked = [str(r) for (r,) in rows(shaoguan, "SELECT request_id FROM peer_ask")]
            assert said_by_shaoguan(shaoguan, "ask_sent") == sorted(asked)
            assert said_by_shaoguan(shaoguan, "ask_roster").count(request_of[first]) == 1
            # the results unseal (the gathering ten minutes ago): each library's part named
            now = datetime.now(UTC)
            shaoguan.change("UPDATE draw_activity SET eval_start = ?, eval_end = ? WHERE "
                            "id = ?", str(now + timedelta(minutes=20)),
                            str(now + timedelta(hours=6)), aid)
            shaoguan.change("UPDATE draw_notice SET gather_at = ? WHERE activity_id = ?",
                            str(now - timedelta(minutes=10)), aid)
            results = await api.call("GET", f"/draws/activities/{aid}/results", token)
            assert sorted(e["library"] for e in results.data["experts"]) == [
                "", "佛山市评标专家库", "广州市评标专家库"]
            counts = (await api.call("GET", f"/draws/activities/{aid}", token)).data["counts"]
            assert (counts["confirmed"], counts["planned"]) == (3, 3)
            seen = await api.call("GET", f"/draws/activities/{aid}/attendance", token)
            assert sorted(e["lent_from"] for e in seen.data["experts"]) == [
                "", "佛山市评标专家库", "广州市评标专家库"]
            # the month's statistics count each library's experts apart
            admin = await api.login(DEMO["admin"].mp_openid)
            month = (now + timedelta(minutes=20)).astimezone(CHINA).strftime("%Y-%m")
            figures = await api.call("GET", "/admin/statistics", admin,
                                     params={"from_month": month, "to_month": month})
            assert sorted(figures.data["total"]["borrowed_by"]) == [
                ["佛山市评标专家库", 1], ["广州市评标专家库", 1]]
    finally:
        await slow.close()
        for library in libraries:
            await library.stop()
