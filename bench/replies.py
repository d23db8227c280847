"""An expert's reply to an invitation, by each way it comes: chat (the official account's
signed push of `1`, answered with a passive reply), SMS (the provider's reply callback of `1`)
and the mini-program (`POST /expert/invitations/{id}/reply`), at a fixed concurrency against
the service's own serve process on PostgreSQL + Redis, a worker beside it and the outside
world (bench/morning_fake.py: WeChat's API, the SMS gateway) in its own process.

    .venv/bin/python -m bench.replies [--connections 32] [--duration 3] [--rounds 3]
        [--past 2000,50000,50000,2000]

Each expert holds exactly one open invitation, so every `1` is an acceptance (no "which
one?"): 9,000 experts, a third each answering by chat, SMS and the mini-program, invited to
100 activities whose places are never full; made again for every round. Behind them, the
library's past (bench/past.py, made once a size): `--past` evaluations held over the last year,
nine experts confirmed for each (2,000 by default; 50,000 is a province's year). The channels run
in turn, round after round (the machine's noise falls on each alike). CPU from /proc: the
serve process and every PostgreSQL process, per reply, and the backends of the benchmark's
database alone (others' databases on a shared machine left out); "confirmed" is counted in the
database afterwards (a reply lost or applied twice shows there). The load generator is wrk.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from bench.api import (
    STATS_SETTLE,
    database_backends,
    database_buffers,
    database_cpu_since,
    login,
    postgres_cpu,
    serve_cpu,
)
from bench.common import (
    BIN,
    DATABASE_URL,
    REDIS_URL,
    ROOT,
    SECRETS,
    ensure_database,
    flush_redis,
    service_env,
    start,
    stop,
    table,
    wait_ready,
    wrk,
)
from bench.draws import uscc
from bench.past import clear_notifications, ensure_past

# BENCH_REPLY_EXPERTS: more for bench.paired against the floor, whose bursts outrun 750;
# BENCH_REPLY_ACTIVITIES: the activities they are invited to (100: 300 invitations a
# condition at 30,000 experts; a committee's draw invites what it still needs, a wave at a
# time, so a real condition holds a dozen or two: 2,500 at 30,000 experts)
EXPERTS = int(os.environ.get("BENCH_REPLY_EXPERTS", "9000"))
ACTIVITIES = int(os.environ.get("BENCH_REPLY_ACTIVITIES", "100"))
PAST_EXPERTS = 9  # confirmed for each evaluation of the library's past (bench/past.py)
CHANNELS = ("chat", "sms", "miniapp")
CHAT, MINI = "o_rep_{}", "o_repmp_{}"
PREFIX = "/miniapp/v1"


def channel_of(n: int) -> str:
    return CHANNELS[n % 3]


def phone_of(n: int) -> str:
    return f"167{n:08d}"


async def _people() -> tuple[int, int]:
    """The experts (once), and the agency the activities are drawn for (its people follow
    nothing: their progress notices are queued as on a morning, and fail cheaply)."""
    from models.experts import ExpertProfile
    from models.people import Agency, Person, Role, RoleGrant, sealed_phone
    from models.wechat import Channel, WeChatIdentity

    if not await Person.filter(id_number_hash="rbench0").exists():
        await Person.bulk_create([Person(
            name=f"专家{n}", id_number_enc="-", id_number_hash=f"rbench{n}",
            id_masked="440104********0000", gender="M", birth_year=1970,
            **sealed_phone(phone_of(n))) for n in range(EXPERTS)])
    made = await Person.filter(id_number_hash__startswith="rbench").exclude(
        id_number_hash="rbench-handler").order_by("id")
    # what another benchmark's register may have replaced since (bench/draws.py's
    # populate rewrites the experts' profiles): made again where missing
    have = set(await ExpertProfile.filter(person_id__in=[p.id for p in made]).values_list(
        "person_id", flat=True))
    missing = [(n, p) for n, p in enumerate(made) if p.id not in have]
    if missing:
        await RoleGrant.filter(person_id__in=[p.id for _n, p in missing]).delete()
        await RoleGrant.bulk_create([RoleGrant(person_id=p.id, role=Role.EXPERT,
                                               expert_number=f"R-{n:05d}")
                                     for n, p in missing])
        await ExpertProfile.bulk_create([ExpertProfile(
            person_id=p.id, expert_number=f"R-{n:05d}", region="4401",
            willing_regions=["4401"], work_unit=f"单位{n}", title_level="正高",
            industry="住建") for n, p in missing])
        now = datetime.now(UTC)
        await WeChatIdentity.bulk_create([WeChatIdentity(
            openid=(CHAT if channel_of(n) == "chat" else MINI).format(n),
            channel=Channel.OFFICIAL_ACCOUNT if channel_of(n) == "chat"
            else Channel.MINI_PROGRAM, person_id=p.id, subscribed=True, bound_at=now)
            for n, p in missing if channel_of(n) != "sms"], ignore_conflicts=True)
    agency = await Agency.get_or_none(name="回复压测招标代理有限公司")
    if agency is None:
        agency = await Agency.create(name="回复压测招标代理有限公司", credit_code=uscc(777_001))
        handler = await Person.create(name="陈经办", id_number_enc="-",
                                      id_number_hash="rbench-handler",
                                      id_masked="440106********000X", gender="M",
                                      birth_year=1980, **sealed_phone("13977700001"))
        await RoleGrant.create(person_id=handler.id, role=Role.AGENCY_HANDLER,
                               agency_id=agency.id)
    handler_id = (await Person.get(id_number_hash="rbench-handler")).id
    return agency.id, handler_id


async def prepare(past: int) -> dict[str, list[tuple[int, int]]]:
    """A fresh open invitation for every expert (earlier rounds' activities removed):
    per channel, (invitation id, expert number n) in the order the replies go."""
    from tortoise import connections

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
    from models.people import Person

    make_vault(Settings())
    async with database(Settings().for_batch_work()):
        agency_id, handler_id = await _people()
        old = list(await DrawActivity.filter(project__number__startswith="BENCHR-")
                   .values_list("id", flat=True))
        for model in (Invitation, Condition, Notice):  # conditions RESTRICT their notice
            await model.filter(activity_id__in=old).delete()
        await DrawActivity.filter(id__in=old).delete()
        await Project.filter(number__startswith="BENCHR-").delete()
        await clear_notifications()
        made = await Person.filter(id_number_hash__startswith="rbench").exclude(
            id_number_hash="rbench-handler").order_by("id")
        from models.experts import ExpertProfile

        profiles = {e.person_id: e.id for e in await ExpertProfile.filter(
            person_id__in=[p.id for p in made])}
        now = datetime.now(UTC)
        await ensure_past(agency_id, handler_id, [(p.id, profiles[p.id]) for p in made],
                          past, PAST_EXPERTS, now)
        per = EXPERTS // ACTIVITIES
        for i in range(ACTIVITIES):
            project = await Project.create(
                agency_id=agency_id, created_by=handler_id, name=f"回复压测项目{i}",
                number=f"BENCHR-{i}", kind="工程", region="4401", tenderer_name="某中学",
                tenderer_credit_code="91440101MA59X0000A")
            start_at = now + timedelta(days=60, hours=5 * i)  # no two overlap
            activity = await DrawActivity.create(
                project=project, agency_id=agency_id, handler_id=handler_id,
                status=DrawStatus.DRAWING, bid_open_at=start_at - timedelta(days=1),
                eval_start=start_at, eval_end=start_at + timedelta(hours=4), total=per,
                started_at=now, response_minutes=600)
            notice = await Notice.create(
                activity=activity, venue="评标室", city="广州市", district="天河区",
                street="天润路333号", gather_at=start_at - timedelta(minutes=30),
                contact_name="陈", contact_phone="020-1")
            condition = await Condition.create(activity=activity, notice=notice,
                                               regions=["4401"], main_specialty="A0401",
                                               planned=per)
            await Invitation.bulk_create([Invitation(
                activity=activity, condition=condition, expert_id=profiles[p.id],
                person_id=p.id, rank=r, wave=1, sent_at=now, due_at=now + timedelta(hours=10),
                status=InvitationStatus.SENT, eval_start=activity.eval_start,
                eval_end=activity.eval_end)
                for r, p in enumerate(made[n] for n in range(i, EXPERTS, ACTIVITIES))])
        number = {p.id: n for n, p in enumerate(made)}
        found = await Invitation.filter(activity_id__in=await DrawActivity.filter(
            project__number__startswith="BENCHR-").values_list("id", flat=True)
        ).order_by("activity_id", "id").values_list("id", "person_id")
        # planner statistics, and the writes of this preparation flushed before measuring
        await connections.get("default").execute_script("VACUUM ANALYZE")
        await connections.get("default").execute_script("CHECKPOINT")
    by_channel: dict[str, list[tuple[int, int]]] = {c: [] for c in CHANNELS}
    for inv, person in found:  # activity by activity in turn, as bench.api's spread
        by_channel[channel_of(number[person])].append((inv, number[person]))
    return {c: sorted(v, key=lambda x: (x[1] // ACTIVITIES, x[1] % ACTIVITIES))
            for c, v in by_channel.items()}


async def confirmed_by_channel() -> dict[str, int]:
    from config.db.database import database
    from config.settings import Settings
    from models.draws import Invitation, InvitationStatus

    async with database(Settings().for_batch_work()):
        got: dict[str, int] = {}
        for via in ("chat", "sms", "miniapp"):
            got[via] = await Invitation.filter(
                activity__project__number__startswith="BENCHR-", answered_via=via,
                status=InvitationStatus.CONFIRMED).count()
        return got


def request_file(path: Path, channel: str, rows: list[tuple[int, int]],
                 tokens: dict[int, str]) -> tuple[Path, dict[str, str]]:
    """The pre-built requests of one channel (signed now: the service refuses an old
    timestamp) and the wrk script that sends them."""
    stamp = int(time.time())
    with path.open("w") as fh:
        if channel == "chat":
            from sandbox.wechat_push import Pusher, text_fields

            pusher = Pusher(SECRETS["WECHAT_TOKEN"], SECRETS["WECHAT_APPID"])
            for k, (_inv, n) in enumerate(rows):
                push = pusher.build(text_fields(CHAT.format(n), "1", msg_id=stamp * 10**5 + k,
                                                create_time=stamp),
                                    timestamp=str(stamp), nonce=f"{stamp}{k}")
                fh.write(f"{urlencode(push.query)}\t{push.body.decode()}\n")
            return ROOT / "bench" / "wrk_push.lua", {"BENCH_FILE": str(path)}
        if channel == "sms":
            import hashlib
            import hmac

            token = hmac.new(SECRETS["SECRET_KEY"].encode(), b"sandbox-sms-callback",
                             hashlib.sha256).hexdigest()[:32]
            for _inv, n in rows:
                body = json.dumps({"extend": "", "mobile": phone_of(n), "nationcode": "86",
                                   "sign": "", "text": "1", "time": stamp})
                fh.write(f"POST\t/sms/tencent/reply?token={token}\t-\t{body}\n")
        else:
            body = json.dumps({"choice": 1})
            for inv, n in rows:
                fh.write(f"POST\t{PREFIX}/expert/invitations/{inv}/reply\t{tokens[n]}\t{body}\n")
    return ROOT / "bench" / "wrk_api.lua", {"BENCH_FILE": str(path)}


def set_up(fake_port: int, service: str, past: int
           ) -> tuple[dict[str, str], dict[str, list[tuple[int, int]]],
                      list[subprocess.Popen[bytes]]]:
    """The world the reply benchmarks run in: the services' environment (also this
    process's), the schema migrated, a fresh open invitation for every expert (`prepare`)
    and the outside world (bench/morning_fake.py) started on `fake_port`."""
    fake = f"http://127.0.0.1:{fake_port}"
    ensure_database()
    env = service_env(WECHAT_SANDBOX="1", WECHAT_API_BASE=fake, SMS_PROVIDER="sandbox",
                      SMS_API_BASE=fake, WECHAT_MESSAGE_MODE="plain", PUBLIC_BASE_URL=service,
                      OUTBOX_RATE="0", OUTBOX_USER_RATE="0", DATABASE_URL=DATABASE_URL,
                      REDIS_URL=REDIS_URL)
    os.environ.update(env)
    subprocess.run([str(BIN / "expertbot"), "migrate"], env=env, cwd=ROOT, check=True,
                   capture_output=True)
    flush_redis()
    rows = asyncio.run(prepare(past))
    procs = start([sys.executable, "-m", "bench.morning_fake", "--port", str(fake_port),
                   "--service", service, "--chat-openids", "o_rep_", "--experts", "0"], env, 1)
    return env, rows, procs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=18300)
    parser.add_argument("--only", default="", help="the channels to run (chat,sms,miniapp)")
    parser.add_argument("--past", default="2000",
                        help="evaluations of the library's past (50000: a province's year); "
                             "a list (2000,50000,50000,2000): a round at each size in turn, "
                             "the past made again between, the list run --rounds times")
    parser.add_argument("--buffers", action="store_true",
                        help="the database's buffers a reply too (each channel's run then "
                             "waits for its backends to report them)")
    args = parser.parse_args()
    pasts = [int(p) for p in str(args.past).split(",")] * args.rounds
    channels = [c for c in CHANNELS if not args.only or c in args.only.split(",")]
    fake_port, serve_port = args.port, args.port + 1
    fake = f"http://127.0.0.1:{fake_port}"
    env, rows, procs = set_up(fake_port, f"http://127.0.0.1:{serve_port}", pasts[0])
    serve = start([str(BIN / "expertbot"), "serve", "--port", str(serve_port)], env, 1)
    worker = start([str(BIN / "expertbot"), "worker"], env, 1)
    results: list[list[str]] = []
    try:
        wait_ready(fake_port, procs, timeout=60)
        wait_ready(serve_port, serve)
        with ThreadPoolExecutor(8) as pool:  # each mini-program expert signs in once
            minis = [n for _inv, n in rows["miniapp"]]
            tokens = dict(zip(minis, pool.map(
                lambda n: login(fake, serve_port, MINI.format(n)), minis), strict=True))
        with tempfile.TemporaryDirectory() as tmp:
            for round_no, past in enumerate(pasts, start=1):
                if round_no > 1:
                    rows = asyncio.run(prepare(past))
                before = asyncio.run(confirmed_by_channel())
                for channel in channels:
                    lua, extra = request_file(Path(tmp) / f"{channel}.txt", channel,
                                              rows[channel], tokens)
                    blocks = database_buffers() if args.buffers else 0
                    cpu0 = serve_cpu(serve), postgres_cpu(), database_backends()
                    result = wrk(lua, serve_port, args.duration, args.connections, 1, extra)
                    done = max(1, int(result["requests"]))
                    cpu = ((serve_cpu(serve) - cpu0[0]) / done * 1000,
                           (postgres_cpu() - cpu0[1]) / done * 1000,
                           database_cpu_since(cpu0[2]) / done * 1000)
                    # the last replies' notices leave the serve process (and the backends
                    # report what they read)
                    time.sleep(STATS_SETTLE if args.buffers else 1)
                    blocks = (database_buffers() - blocks) // done if args.buffers else 0
                    after = asyncio.run(confirmed_by_channel())
                    if result["requests"] > len(rows[channel]):
                        print(f"  {channel}: more requests than invitations; shorten "
                              "--duration", file=sys.stderr)
                    results.append([str(round_no), f"{past:,}", channel,
                                    f"{result['rps']:.0f}",
                                    f"{result['p50']:.1f}", f"{result['p99']:.1f}",
                                    f"{cpu[0]:.2f}", f"{cpu[1]:.2f}", f"{cpu[2]:.2f}",
                                    str(blocks) if args.buffers else "-", str(done),
                                    str(after[channel] - before[channel]),
                                    str(int(result["bad"] + result["errors"]))])
    finally:
        stop(worker + serve + procs)
    print(f"\nAn expert's reply by channel: one serve process (+ one worker), "
          f"{args.connections} connections, PostgreSQL + Redis\n")
    print(table(["round", "past", "channel", "replies/s", "p50 ms", "p99 ms",
                 "serve CPU ms/reply", "PostgreSQL CPU ms/reply",
                 "its database's backends ms/reply", "buffers/reply", "replies",
                 "confirmed",
                 "bad"], results))


if __name__ == "__main__":
    main()
