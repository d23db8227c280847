"""Mini-program API benchmark: the hot reads and one write, each at a fixed concurrency
against one `expertbot serve` process on PostgreSQL + Redis (a worker process beside it sends
what the writes queue, to the fake WeChat API in its own process).

    .venv/bin/python -m bench.api [--connections 32] [--duration 6]

Data (kept between runs, rebuilt when the invitations are used up): the demo agency's handler
with 200 activities being drawn, each with its notice, a condition and 24 open invitations;
600 formal experts, each invited to 8 of them; the demo applicant with an application in
review. Every user signs in as the mini-program does (wx.login code -> /auth/login).

Reads: the agency's activity list (all 200), one activity's detail, its progress, an expert's
invitations, the applicant's applications. Writes: an expert accepts an invitation (each
request a different invitation, none twice), the replies spread over 100 activities in turn
(each activity's row lock is taken by one reply at a time, as on a draw morning), and the
worst case: every reply to one activity of 600 invitations (all 32 connections queue on its
lock). The load generator is wrk (Debian package `wrk`). Prints a markdown table; "bad"
counts answers other than 200.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import (
    BIN,
    DATABASE_URL,
    ROOT,
    ensure_database,
    flush_redis,
    service_env,
    start,
    stop,
    table,
    wait_ready,
    wrk,
)
from bench.morning_report import cpu_seconds

LUA = ROOT / "bench" / "wrk_api.lua"
PREFIX = "/miniapp/v1"
ACTIVITIES, EXPERTS, PER_EXPERT = 200, 600, 8
SPREAD = 100  # the activities the spread replies go to, in turn
MP_OPENID = "o_api_mp_{}"


async def prepare() -> dict[str, list[int]]:
    """The rows the requests name: activity ids, and open invitations per expert openid."""
    from tortoise import connections

    from bench.past import clear_notifications
    from config.db.database import database
    from config.settings import Settings, make_vault
    from models.draws import (
        Condition,
        DrawActivity,
        DrawStatus,
        Invitation,
        InvitationStatus,
        Notice,
        Project,
    )
    from models.experts import ExpertProfile
    from models.people import Person, Role, RoleGrant, phone_is, sealed_phone
    from models.wechat import Channel, WeChatIdentity

    make_vault(Settings())  # installs the phones' sealer
    async with database(Settings().for_batch_work()):
        handler = await Person.get(phone_is("13800000004"))
        agency_id = (await RoleGrant.get(person_id=handler.id, role=Role.AGENCY_HANDLER)
                     ).agency_id
        bench_people = await Person.filter(id_number_hash__startswith="bench").values_list(
            "id", flat=True)
        left = await Invitation.filter(person_id__in=list(bench_people),
                                       status=InvitationStatus.SENT,
                                       activity__project__number__not="BENCH-ONE").count()
        one_left = await Invitation.filter(activity__project__number="BENCH-ONE",
                                           status=InvitationStatus.SENT).count()
        if left < EXPERTS * PER_EXPERT // 2 or one_left < EXPERTS // 2:  # used up: again
            old = list(await DrawActivity.filter(project__number__startswith="BENCH-")
                       .values_list("id", flat=True))
            for model in (Invitation, Condition, Notice):  # conditions RESTRICT their notice
                await model.filter(activity_id__in=old).delete()
            await DrawActivity.filter(id__in=old).delete()
            await Project.filter(number__startswith="BENCH-").delete()
            people = [Person(name=f"专家{n}", id_number_enc="-", id_number_hash=f"bench{n}",
                             id_masked="440104********0000", gender="M", birth_year=1970,
                             **sealed_phone(f"166{n:08d}")) for n in range(EXPERTS)]
            if not await Person.filter(id_number_hash__startswith="bench").exists():
                await Person.bulk_create(people)
                made = await Person.filter(id_number_hash__startswith="bench").order_by("id")
                await RoleGrant.bulk_create([RoleGrant(person_id=p.id, role=Role.EXPERT,
                                                       expert_number=f"API-{p.phone}")
                                             for p in made])
                await ExpertProfile.bulk_create([ExpertProfile(
                    person_id=p.id, expert_number=f"API-{p.phone}", region="4401",
                    willing_regions=["4401"], work_unit=f"单位{p.phone}", title_level="正高",
                    industry="住建") for p in made])
                await WeChatIdentity.bulk_create([WeChatIdentity(
                    openid=MP_OPENID.format(n), channel=Channel.MINI_PROGRAM, person_id=p.id,
                    subscribed=True) for n, p in enumerate(made)])
            made = await Person.filter(id_number_hash__startswith="bench").order_by("id")
            profiles = {e.person_id: e.id for e in await ExpertProfile.filter(
                person_id__in=[p.id for p in made])}
            now = datetime.now(UTC)
            per_activity = EXPERTS * PER_EXPERT // ACTIVITIES
            invited: dict[int, list[Person]] = {}
            for n, person in enumerate(made):
                for k in range(PER_EXPERT):
                    invited.setdefault((n * PER_EXPERT + k) % ACTIVITIES, []).append(person)
            for i in range(ACTIVITIES + 1):  # the last: BENCH-ONE, everyone invited
                one = i == ACTIVITIES
                project = await Project.create(
                    agency_id=agency_id, created_by=handler.id, name=f"压测项目{i}",
                    number="BENCH-ONE" if one else f"BENCH-{i}", kind="工程", region="4401",
                    tenderer_name="某中学", tenderer_credit_code="91440101MA59X0000A")
                start_at = now + timedelta(days=2, hours=5 * i)  # no two overlap
                activity = await DrawActivity.create(
                    project=project, agency_id=agency_id, handler_id=handler.id,
                    status=DrawStatus.DRAWING, bid_open_at=start_at - timedelta(days=1),
                    eval_start=start_at, eval_end=start_at + timedelta(hours=4),
                    total=EXPERTS if one else per_activity, started_at=now,
                    response_minutes=600)
                notice = await Notice.create(
                    activity=activity, venue="评标室", city="广州市", district="天河区",
                    street="天润路333号", gather_at=start_at - timedelta(minutes=30),
                    contact_name="陈", contact_phone="020-1")
                condition = await Condition.create(activity=activity, notice=notice,
                                                   regions=["4401"], main_specialty="A0401",
                                                   planned=EXPERTS if one else per_activity)
                await Invitation.bulk_create([Invitation(
                    activity=activity, condition=condition, expert_id=profiles[p.id],
                    person_id=p.id, rank=r, wave=1, sent_at=now,
                    due_at=now + timedelta(hours=10), status=InvitationStatus.SENT,
                    eval_start=activity.eval_start, eval_end=activity.eval_end)
                    for r, p in enumerate(made if one else invited[i])])
        activity_ids = list(await DrawActivity.filter(
            project__number__startswith="BENCH-").exclude(project__number="BENCH-ONE")
            .order_by("id").values_list("id", flat=True))
        one_id = (await DrawActivity.get(project__number="BENCH-ONE")).id
        by_person: dict[int, list[int]] = {}
        by_activity: dict[int, list[tuple[int, int]]] = {}
        for inv_id, person_id, activity_id in await Invitation.filter(
                activity_id__in=[*activity_ids, one_id], status=InvitationStatus.SENT
        ).order_by("id").values_list("id", "person_id", "activity_id"):
            by_activity.setdefault(activity_id, []).append((inv_id, person_id))
            if activity_id != one_id:
                by_person.setdefault(person_id, []).append(inv_id)
        openids = {i.person_id: i.openid for i in await WeChatIdentity.filter(
            openid__startswith="o_api_mp_")}
        # what earlier runs queued for the agency (its progress notices) is not this run's
        # work: left, the worker would start every run behind thousands of them
        await clear_notifications()
        # planner statistics for what was just made, and earlier runs' dead rows gone
        # (this machine's autovacuum may be off)
        await connections.get("default").execute_script("VACUUM ANALYZE")
    spread = [by_activity[a] for a in activity_ids if a in by_activity][:SPREAD]
    return {"activities": activity_ids,
            # "<invitation> <openid>": the r-th reply of each activity in turn
            "spread": [f"{inv} {openids[p]}" for r in range(max(map(len, spread), default=0))
                       for replies in spread if r < len(replies)
                       for inv, p in [replies[r]]],
            "one": [f"{inv} {openids[p]}" for inv, p in by_activity.get(one_id, [])],
            **{openids[p]: ids for p, ids in by_person.items() if p in openids}}


def serve_cpu(serve: list[subprocess.Popen[bytes]]) -> float:
    return sum(cpu_seconds(p.pid) for p in serve)


def postgres_cpu() -> float:
    """CPU of every PostgreSQL process on the machine (its backends and helpers), s."""
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/comm") as f:
                if f.read().strip() == "postgres":
                    total += cpu_seconds(int(pid))
        except OSError:  # gone meanwhile
            continue
    return total


def database_backends() -> dict[int, float]:
    """CPU so far of each PostgreSQL backend connected to the benchmark's database, by pid:
    its own statements' work, without what other databases on the machine cost (the
    server's shared helpers, the WAL writer and the checkpointer, are left out too)."""
    found = subprocess.run(
        ["psql", DATABASE_URL, "-Atc", "SELECT pid FROM pg_stat_activity WHERE datname = "
         "current_database() AND pid <> pg_backend_pid()"],
        capture_output=True, text=True, check=True).stdout.split()
    out = {}
    for pid in map(int, found):
        try:
            out[pid] = cpu_seconds(pid)
        except OSError:  # gone meanwhile
            continue
    return out


def database_cpu_since(before: dict[int, float]) -> float:
    """CPU the benchmark database's backends spent since `before` (database_backends), s:
    a backend that connected since counts whole, one that left since is lost."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in database_backends().items())


# seconds for every backend of the database to report what it read: an idle backend reports
# within ten seconds on PostgreSQL 15 (PGSTAT_IDLE_INTERVAL)
STATS_SETTLE = 11.0


def database_buffers() -> int:
    """Buffers the benchmark's database read so far (pg_stat_database: hits and reads), as
    its backends reported them: read STATS_SETTLE seconds after the load stops, it counts
    the work done, whatever the machine's pace (bench/README.md)."""
    return int(subprocess.run(
        ["psql", DATABASE_URL, "-Atc", "SELECT blks_hit + blks_read FROM pg_stat_database "
         "WHERE datname = current_database()"],
        capture_output=True, text=True, check=True).stdout.strip())


def login(api_base: str, serve_port: int, mp_openid: str) -> str:
    with urllib.request.urlopen(f"{api_base}/bench/login-code?openid={mp_openid}",
                                timeout=5) as resp:
        code = json.load(resp)["code"]
    request = urllib.request.Request(
        f"http://127.0.0.1:{serve_port}{PREFIX}/auth/login",
        data=json.dumps({"code": code}).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as resp:
        return str(json.load(resp)["token"])


def requests_for(rows: dict[str, list[int]], tokens: dict[str, str]
                 ) -> dict[str, list[str]]:
    """Each endpoint's request lines (METHOD, path, token, body)."""
    from services.demo import DEMO_PEOPLE

    demo = {d.key: tokens[d.mp_openid] for d in DEMO_PEOPLE if d.mp_openid in tokens}
    activities = rows["activities"]
    experts = [o for o in rows if o not in ("activities", "spread", "one")]
    reply = json.dumps({"choice": 1})
    return {
        "agency: activity list (200)": [
            f"GET\t{PREFIX}/draws/activities?limit=200\t{demo['handler']}\t"],
        "agency: activity list (a page of 20)": [
            f"GET\t{PREFIX}/draws/activities?limit=20\t{demo['handler']}\t"],
        "agency: activity detail": [f"GET\t{PREFIX}/draws/activities/{a}\t{demo['handler']}\t"
                                    for a in activities],
        "agency: draw progress": [
            f"GET\t{PREFIX}/draws/activities/{a}/progress\t{demo['handler']}\t"
            for a in activities],
        "expert: my invitations": [f"GET\t{PREFIX}/expert/invitations\t{tokens[o]}\t"
                                   for o in experts],
        "applicant: my applications": [f"GET\t{PREFIX}/applications\t{demo['applicant']}\t"],
        "expert: reply 参加, over 100 activities (write)": [
            f"POST\t{PREFIX}/expert/invitations/{i}/reply\t{tokens[o]}\t{reply}"
            for line in rows["spread"] for i, o in [str(line).split()]],
        "expert: reply 参加, all to one activity (write)": [
            f"POST\t{PREFIX}/expert/invitations/{i}/reply\t{tokens[o]}\t{reply}"
            for line in rows["one"] for i, o in [str(line).split()]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=6)
    parser.add_argument("--write-duration", type=int, default=3,
                        help="seconds of the write (each request answers a new invitation)")
    parser.add_argument("--port", type=int, default=18200)
    parser.add_argument("--only", default="", help="run the endpoints whose name has this")
    parser.add_argument("--serves", type=int, default=1,
                        help="serve processes sharing the port (--reuse-port)")
    parser.add_argument("--nice", type=int, default=0,
                        help="run the worker and the fake WeChat at this niceness")
    args = parser.parse_args()
    nice = ["nice", "-n", str(args.nice)] if args.nice else []
    api_base, serve_port = f"http://127.0.0.1:{args.port}", args.port + 1
    ensure_database()
    env = service_env(WECHAT_API_BASE=api_base, EXPERTBOT_INPROCESS_WORKER="false")
    os.environ.update(env)
    for command in ("migrate", "demo"):
        subprocess.run([str(BIN / "expertbot"), command], env=env, cwd=ROOT, check=True,
                       capture_output=True)
    flush_redis()
    rows = asyncio.run(prepare())
    fake = start([*nice, sys.executable, "-m", "bench.fake_wechat", "--port", str(args.port),
                  "--users", "0"], env, 1)
    serve = start([str(BIN / "expertbot"), "serve", "--port", str(serve_port),
                   *(["--reuse-port"] if args.serves > 1 else [])], env, args.serves)
    worker = start([*nice, str(BIN / "expertbot"), "worker"], env, 1)
    results = []
    try:
        wait_ready(args.port, fake)
        wait_ready(serve_port, serve)
        from services.demo import DEMO_PEOPLE

        openids = sorted({o for o in rows if o not in ("activities", "spread", "one")}
                         | {str(line).split()[1] for line in [*rows["spread"], *rows["one"]]})
        openids += [
            d.mp_openid for d in DEMO_PEOPLE if d.key in ("handler", "applicant")]
        tokens = {o: login(api_base, serve_port, o) for o in openids}
        with tempfile.TemporaryDirectory() as tmp:
            for n, (name, lines) in enumerate(requests_for(rows, tokens).items()):
                if args.only not in name:
                    continue
                path = Path(tmp) / f"{n}.txt"
                path.write_text("\n".join(lines) + "\n")
                write = name.endswith("(write)")
                duration = args.write_duration if write else args.duration
                if not write:  # warm-up: first use of each token and statement
                    wrk(LUA, serve_port, 2, args.connections, 1, {"BENCH_FILE": str(path)})
                cpu0 = serve_cpu(serve), postgres_cpu()
                result = wrk(LUA, serve_port, duration, args.connections, 1,
                             {"BENCH_FILE": str(path)})
                done = max(1, int(result["requests"]))
                cpu = [(serve_cpu(serve) - cpu0[0]) / done * 1000,
                       (postgres_cpu() - cpu0[1]) / done * 1000]
                if write and result["requests"] > len(lines):
                    print(f"  {name}: more requests than invitations; shorten "
                          "--write-duration", file=sys.stderr)
                results.append([name, f"{result['rps']:.0f}", f"{result['p50']:.1f}",
                                f"{result['p99']:.1f}", f"{cpu[0]:.2f}", f"{cpu[1]:.2f}",
                                str(int(result["requests"])),
                                str(int(result["bad"] + result["errors"]))])
    finally:
        stop(worker + serve + fake)
    print(f"\nMini-program API, {args.serves} serve process(es) (+ one worker"
          f"{f' at nice {args.nice}' if args.nice else ''}), "
          f"{args.connections} "
          f"connections, PostgreSQL + Redis\n")
    print(table(["endpoint", "req/s", "p50 ms", "p99 ms", "serve CPU ms/req",
                 "PostgreSQL CPU ms/req", "requests", "bad"], results))


if __name__ == "__main__":
    main()
