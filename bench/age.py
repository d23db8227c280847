"""The page of 20 and the draw's start against the library's past: the agency's activity
list as the mini-program pages it (`GET /draws/activities?limit=20`; the agency holds every
evaluation of the past), and a draw's start (the seed mixed with the handler's value, the
first wave invited with the checks made at each invitation, bench/draws.py's "draw start";
the pools committed before, as verification commits them), at each `--past` size in turn,
the past made again between (bench/past.py).

    .venv/bin/python -m bench.age [--past 2000,50000,50000,2000] [--starts 20] [--duration 5]

The world is bench/replies.py's: its 9,000 experts are those the past confirmed, nine an
evaluation in turn (fifty each at a province's year), and one in fifteen of them has the
drawn specialty (a pool of 600: bench/draws.py's median pool is 575). Each start draws nine
for an evaluation months ahead, overlapping no other. CPU from /proc: per page, the serve
process and the backends of the benchmark's database; per start, this process (the start
runs in it, as in bench/draws.py) and the same backends (bench/api.py's database_backends:
other databases on a shared machine left out); and the database's buffers an operation
(pg_stat_database, read once its backends have reported them), which no pace moves.
Prints each round, then each measure's CPU at each size and the large past's over the
small's.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.api import (
    STATS_SETTLE,
    database_backends,
    database_buffers,
    database_cpu_since,
    login,
    serve_cpu,
)
from bench.common import BIN, ROOT, start, stop, table, wait_ready, wrk
from bench.draws import uscc
from bench.replies import prepare, set_up

SPECIALTY = "A0401"
EVERY = 15  # one expert in EVERY has the drawn specialty
PLANNED = 9
HANDLER = "o_age_handler"  # the agency handler's mini-program openid
PROJECT = "BENCHS-"
PAGE = "/miniapp/v1/draws/activities?limit=20"


async def _world() -> tuple[int, int]:
    """The handler's mini-program identity and the drawn specialty (once); the activities
    earlier starts made, gone. The agency's id and the handler's."""
    from models.draws import Condition, DrawActivity, Invitation, Notice, Project
    from models.experts import ExpertProfile, ExpertSpecialty
    from models.people import Person, RoleGrant
    from models.wechat import Channel, WeChatIdentity

    handler = await Person.get(id_number_hash="rbench-handler")
    agency_id = (await RoleGrant.filter(person_id=handler.id).first())
    assert agency_id is not None and agency_id.agency_id is not None
    await WeChatIdentity.get_or_create(openid=HANDLER, defaults={
        "channel": Channel.MINI_PROGRAM, "person_id": handler.id, "subscribed": True,
        "bound_at": datetime.now(UTC)})
    made = await Person.filter(id_number_hash__startswith="rbench").exclude(
        id_number_hash="rbench-handler").order_by("id").values_list("id", flat=True)
    profiles = dict(await ExpertProfile.filter(person_id__in=list(made)).values_list(
        "person_id", "id"))
    drawn = [profiles[p] for n, p in enumerate(made) if n % EVERY == 0]
    have = set(await ExpertSpecialty.filter(expert_id__in=drawn, code=SPECIALTY).values_list(
        "expert_id", flat=True))
    await ExpertSpecialty.bulk_create([ExpertSpecialty(expert_id=e, code=SPECIALTY,
                                                       is_primary=True)
                                       for e in drawn if e not in have])
    old = list(await DrawActivity.filter(project__number__startswith=PROJECT)
               .values_list("id", flat=True))
    for model in (Invitation, Condition, Notice):  # conditions RESTRICT their notice
        await model.filter(activity_id__in=old).delete()
    await DrawActivity.filter(id__in=old).delete()
    await Project.filter(number__startswith=PROJECT).delete()
    return int(agency_id.agency_id), handler.id


async def _activity(agency_id: int, handler_id: int, n: int, now: datetime) -> int:
    """A verified activity months ahead (its pools committed, as verification does)."""
    from models.draws import Avoidance, Condition, DrawActivity, DrawStatus, Notice, Project
    from services.draws.randomness.commit import commit

    at = now + timedelta(days=120, hours=5 * n)  # no two overlap, nor the replies' ones
    project = await Project.create(agency_id=agency_id, created_by=handler_id,
                                   name=f"开始压测项目{n}", number=f"{PROJECT}{n}", kind="工程",
                                   region="4401", tenderer_name="基准测试招标人",
                                   tenderer_credit_code=uscc(900_002))
    activity = await DrawActivity.create(
        project=project, agency_id=agency_id, handler_id=handler_id,
        status=DrawStatus.VERIFIED, total=PLANNED, bid_open_at=at - timedelta(hours=1),
        eval_start=at, eval_end=at + timedelta(hours=6), response_minutes=600)
    await Avoidance.create(activity=activity, kind="unit", name=project.tenderer_name,
                           credit_code=project.tenderer_credit_code, fixed=True, reason="招标人")
    notice = await Notice.create(activity=activity, venue="评标中心", city="广州市",
                                 district="天河区", street="天润路333号",
                                 gather_at=at - timedelta(minutes=30), contact_name="陈",
                                 contact_phone="020-12345678")
    await Condition.create(activity=activity, notice=notice, regions=["4401"],
                           main_specialty=SPECIALTY, planned=PLANNED, title_level="副高")
    await commit(activity, now)
    return activity.id


async def _starts(count: int, first: int) -> tuple[float, float, float, int, int]:
    """`count` draws started in this process: (wall ms each (median), this process's CPU
    ms a start, PostgreSQL's, the database's buffers a start, invitations sent)."""
    from aiohttp import web

    from config.app import create_app
    from config.settings import Settings
    from models.draws import Invitation
    from services.draws.facts.oplog import Actor
    from web.context import DOMAIN

    app = create_app(Settings(), "http://127.0.0.1:9")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        lifecycle = app[DOMAIN].draws.running.lifecycle
        agency_id, handler_id = await _world()
        now = datetime.now(UTC)
        ids = [await _activity(agency_id, handler_id, first + n, now)
               for n in range(count + 1)]
        actor = Actor("agency", handler_id, "bench")
        await lifecycle.start(ids.pop(0), datetime.now(UTC), actor, "bench")  # warm-up
        walls = []
        await asyncio.sleep(STATS_SETTLE)
        blocks = database_buffers()
        cpu0, pg0 = time.process_time(), database_backends()
        for aid in ids:
            t0 = time.perf_counter()
            await lifecycle.start(aid, datetime.now(UTC), actor, "bench")
            walls.append((time.perf_counter() - t0) * 1000)
        cpu, pg = time.process_time() - cpu0, database_cpu_since(pg0)
        await asyncio.sleep(STATS_SETTLE)
        blocks = database_buffers() - blocks
        sent = await Invitation.filter(activity_id__in=ids).count()
    finally:
        await runner.cleanup()
    return (statistics.median(walls), cpu / count * 1000, pg / count * 1000, blocks // count,
            sent)


def _ratios(results: list[list[str]]) -> list[list[str]]:
    """Each measure's CPU a operation (the two processes' sum) at each size, and large over
    small."""
    sums: dict[str, dict[int, list[float]]] = {}
    for _round, past, measure, *_rest, own, pg, _blocks, _count, _bad in results:
        sums.setdefault(measure, {}).setdefault(int(past.replace(",", "")), []).append(
            float(own) + float(pg))
    out = []
    for measure, by_size in sums.items():
        small, large = min(by_size), max(by_size)
        means = {s: statistics.mean(v) for s, v in by_size.items()}
        out.append([measure, f"{small:,}: {means[small]:.2f}", f"{large:,}: {means[large]:.2f}",
                    f"{means[large] / means[small]:.2f}"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--past", default="2000,50000,50000,2000",
                        help="the past's sizes, a round each, in this order")
    parser.add_argument("--starts", type=int, default=20, help="draws started a round")
    parser.add_argument("--duration", type=int, default=5, help="seconds of the page a round")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=18400)
    args = parser.parse_args()
    pasts = [int(p) for p in args.past.split(",")]
    fake_port, serve_port = args.port, args.port + 1
    fake = f"http://127.0.0.1:{fake_port}"
    env, _rows, procs = set_up(fake_port, f"http://127.0.0.1:{serve_port}", pasts[0])
    serve = start([str(BIN / "expertbot"), "serve", "--port", str(serve_port)], env, 1)
    results: list[list[str]] = []
    lua = ROOT / "bench" / "wrk_api.lua"
    try:
        wait_ready(fake_port, procs, timeout=60)
        wait_ready(serve_port, serve)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "page.txt"
            for round_no, past in enumerate(pasts, start=1):
                if round_no > 1:
                    asyncio.run(prepare(past))
                wall, own, pg, blocks, sent = asyncio.run(_starts(args.starts, round_no * 1000))
                results.append([str(round_no), f"{past:,}", "the draw's start",
                                f"{wall:.1f} ms", f"{own:.2f}", f"{pg:.2f}", str(blocks),
                                str(sent), "0"])
                token = login(fake, serve_port, HANDLER)
                path.write_text(f"GET\t{PAGE}\t{token}\t\n")
                extra = {"BENCH_FILE": str(path)}
                wrk(lua, serve_port, 1, args.connections, 1, extra)  # warm-up
                time.sleep(STATS_SETTLE)
                blocks = database_buffers()
                cpu0 = serve_cpu(serve), database_backends()
                result = wrk(lua, serve_port, args.duration, args.connections, 1, extra)
                done = max(1, int(result["requests"]))
                cpu = ((serve_cpu(serve) - cpu0[0]) / done * 1000,
                       database_cpu_since(cpu0[1]) / done * 1000)
                time.sleep(STATS_SETTLE)
                blocks = (database_buffers() - blocks) // done
                results.append([str(round_no), f"{past:,}", "the page of 20",
                                f"{result['rps']:.0f}/s",
                                f"{cpu[0]:.2f}", f"{cpu[1]:.2f}", str(blocks), str(done),
                                str(int(result["bad"] + result["errors"]))])
    finally:
        stop(serve + procs)
    print(f"\nThe page of 20 ({args.connections} connections, one serve process) and the "
          f"draw's start ({args.starts} a round, {PLANNED} planned) against the past\n")
    print(table(["round", "past", "measure", "rate / median", "serve or start CPU ms/op",
                 "its database's backends ms/op", "buffers/op", "operations", "bad"],
                results))
    print()
    print(table(["measure", "small past: CPU ms/op", "large past: CPU ms/op",
                 "large / small"], _ratios(results)))


if __name__ == "__main__":
    main()
