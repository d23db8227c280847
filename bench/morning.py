"""`python -m bench.morning`: a province's morning on this machine, through the service's
real processes (serve and worker, as docs/running.md runs them for real) on PostgreSQL and Redis.

200 activities in Guangdong's 21 cities start over 30 minutes (simulated; compressed
`--compress` times, stated in the table) from a register of 100,000 experts, 5 places each.
The invitations go out as the service sends them — a template message to those who follow
the official account, an SMS to the others, a voice call 3 (simulated) minutes on to anyone
still silent — to the outside world of bench/morning_fake.py, its own process. Each expert
answers on their own channel (chat 7 in 10, SMS 2, the voice call's keypad 1) after a delay
of their own (median 1 simulated minute), declining 1 time in 5, so waves follow; the agency
is pushed the draw's progress; a notice to 30,000 experts goes out halfway through.

    [OUTBOX_RATE=0] .venv/bin/python -m bench.morning [--compress 10] [--serves 1]
                                      [--workers 1] [--venues 200] [--sentinel]
                                      [--without-notice]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import os
import random
import sys
import time
from datetime import timedelta
from typing import Any

import aiohttp

from bench.common import (
    BIN,
    DATABASE_URL,
    REDIS_URL,
    SECRETS,
    ensure_database,
    flush_redis,
    lean_reset,
    service_env,
    start,
    stop,
    table,
    wait_ready,
)
from bench.morning_nodes import (
    Counted,
    driver_url,
    sentinel_redis,
    statements_ready,
    statements_run,
)
from bench.morning_report import (
    Answered,
    Samples,
    added_latencies,
    backends_before,
    cpu_seconds,
    drained,
    login,
    look_at_backends,
    notice,
    rows,
    sample,
    summary,
)
from bench.morning_venue import arrivals, check_in, doubled_beyond_rows, evaluations
from bench.morning_world import (
    CHAT_OPENID,
    World,
    activities,
    channel_of,
    desk,
    people,
    phone_of,
)
from bench.past import PAST_NOTICES

INVITATION = "SANDBOX_draw.invitation"


class Morning:
    def __init__(self, args: argparse.Namespace, world: World, fake: str, service: str
                 ) -> None:
        self.args, self.world, self.fake, self.service = args, world, fake, service
        self.rng = random.Random(11)
        self.read = 0  # deliveries read from the fake
        self.answered: dict[int, Answered] = {}  # invitation id -> the driver's record
        self.replies: dict[str, list[float]] = {"chat": [], "sms": [], "voice": []}
        self.bad: list[str] = []
        self.deliveries: list[dict[str, Any]] = []
        self.checkins: dict[str, list[float]] = {"chat": [], "sms": []}
        self.tasks: set[asyncio.Task[None]] = set()
        self.pending: set[int] = set()  # invitations an answer is scheduled for
        self.samples = Samples()
        self.sms_token = hmac.new(SECRETS["SECRET_KEY"].encode(), b"sandbox-sms-callback",
                                  hashlib.sha256).hexdigest()[:32]
        from sandbox.wechat_push import Pusher

        self.pusher = Pusher(SECRETS["WECHAT_TOKEN"], SECRETS["WECHAT_APPID"])

    def delay(self) -> float:
        """An expert's own time to answer, compressed: median 60 simulated seconds."""
        return min(600.0, self.rng.lognormvariate(4.1, 0.6)) / self.args.compress

    async def open_invitations(self, conn: Any, expert_id: int) -> list[dict[str, Any]]:
        """The expert's open invitations of this morning's activities (and their 补抽)."""
        return [dict(r) for r in await conn.fetch(
            "SELECT id, sent_at FROM draw_invitation WHERE expert_id = $1 AND status = 'sent' "
            "AND activity_id IN (SELECT id FROM draw_activity WHERE id = ANY($2) OR "
            "parent_id = ANY($2)) ORDER BY id", expert_id, self.world.activities)]

    async def on_delivery(self, http: aiohttp.ClientSession, conn: Any, d: dict[str, Any]
                          ) -> None:
        """An invitation reached an expert on their own channel: their answer, later."""
        if d["to"].startswith(CHAT_OPENID) and (
                (d["kind"] == "template" and d["template"] == INVITATION) or
                (d["kind"] == "custom_text" and d["text"].startswith("【评标邀请】"))):
            expert, how = int(d["to"][len(CHAT_OPENID):]), "chat"
        elif d["kind"] == "sms" and "1参加" in d["text"] and d["to"].startswith("15"):
            expert, how = int(d["to"][2:]), "sms"
        elif d["kind"] == "voice" and d["to"].startswith("15"):
            expert, how = int(d["to"][2:]), "voice"
        else:
            return
        if channel_of(expert) != how:
            return  # not the channel this expert answers on
        for item in await self.open_invitations(conn, expert):
            if item["id"] in self.pending:
                continue
            self.pending.add(item["id"])
            # a voice expert's own time: the call's designed wait (3 minutes after the
            # invitation; a call placed later is the service's lateness), then picking up
            wait = self.delay() if how != "voice" else self.rng.uniform(5, 20) / \
                self.args.compress
            own = wait if how != "voice" else wait + 180 / self.args.compress
            choice = "2" if self.rng.random() < 0.2 else "1"
            said = self.answered[item["id"]] = Answered(d["at"], own, choice, wait)
            task = asyncio.create_task(self.answer(http, expert, how, said))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def answer(self, http: aiohttp.ClientSession, expert: int, how: str,
                     said: Answered) -> None:
        # the expert's own delay runs from the delivery, however late the driver read it
        await asyncio.sleep(max(0.0, said.delivered + said.wait - time.time()))
        began, said.posted, choice = time.monotonic(), time.time(), said.choice
        try:
            if how == "chat":
                text = await self.chat(http, expert, choice)
                if "是对哪一个" in text:  # several open at once: all of them
                    await self.chat(http, expert, "全部")
            elif how == "sms":
                await self.sms(http, expert, choice)
            else:
                async with http.post(f"{self.fake}/bench/voice/answer", json={
                        "phone": phone_of(expert), "keys": choice}) as resp:
                    said = await resp.json()
                    if any(s != 200 for s in said["statuses"]):
                        self.bad.append(f"voice {said['statuses']}")
                    self.replies["voice"].append(said["seconds"] / max(1, len(
                        said["statuses"])))
                    return
        except aiohttp.ClientError as exc:
            self.bad.append(f"{how} {exc!r}")
            return
        self.replies[how].append(time.monotonic() - began)

    async def sms(self, http: aiohttp.ClientSession, expert: int, text: str) -> str:
        async with http.post(f"{self.service}/sms/tencent/reply", params={
                "token": self.sms_token}, json={"extend": "", "mobile": phone_of(expert),
                                                 "nationcode": "86", "sign": "", "text": text,
                                                 "time": int(time.time())}) as resp:
            if resp.status != 200:
                self.bad.append(f"sms {resp.status}")
            return await resp.text()

    async def chat(self, http: aiohttp.ClientSession, expert: int, text: str) -> str:
        from sandbox.wechat_push import text_fields

        push = self.pusher.build(text_fields(f"{CHAT_OPENID}{expert}", text))
        async with http.post(f"{self.service}/wechat/callback", params=push.query,
                             data=push.body) as resp:
            body = await resp.text()
            if resp.status != 200:
                self.bad.append(f"chat {resp.status}")
            return body

    async def poll(self, http: aiohttp.ClientSession, conn: Any, until: asyncio.Event) -> None:
        while not until.is_set():
            async with http.get(f"{self.fake}/bench/deliveries",
                                params={"after": str(self.read)}) as resp:
                got = await resp.json()
            self.read += len(got)
            self.deliveries += got
            for d in got:
                await self.on_delivery(http, conn, d)
            if not got:
                await asyncio.sleep(0.2)

    async def start_all(self, http: aiohttp.ClientSession, token: str) -> dict[int, float]:
        """Each activity started by its handler at its moment of the compressed half hour."""
        span = self.args.minutes * 60 / self.args.compress
        began, starts = time.monotonic(), {}
        for n, aid in enumerate(self.world.activities):
            await asyncio.sleep(max(0.0, began + span * n / len(self.world.activities)
                                    - time.monotonic()))
            async with http.post(f"{self.service}/miniapp/v1/draws/activities/{aid}/start",
                                 json={"nonce": f"{n:04d}"},
                                 headers={"Authorization": f"Bearer {token}"}) as resp:
                if resp.status != 200:
                    self.bad.append(f"start {aid}: {resp.status} {(await resp.text())[:200]}")
                starts[aid] = time.time()
        return starts


async def prepare(args: argparse.Namespace) -> World:
    from tortoise import connections

    from bench.past import clear_notifications
    from config.db.database import database, run_migrations
    from config.settings import Settings

    settings = Settings()
    await run_migrations(settings, echo=False)
    async with database(settings.for_batch_work()):
        began = time.monotonic()
        await people(args.experts)
        print(f"  {args.experts} experts ready ({time.monotonic() - began:.0f} s)",
              file=sys.stderr)
        # runs start alike: no notice of an earlier run, no activity of one still drawing
        await clear_notifications()
        await connections.get("default").execute_script(
            "UPDATE draw_invitation SET status = 'cancelled' WHERE status = 'sent'; "
            "UPDATE draw_activity SET status = 'ended', ended_at = now() "
            "WHERE status IN ('drawing', 'paused', 'verified'); "
            # their evaluations over too: no urge or reminder for them in this morning
            "UPDATE draw_activity SET finished_at = now() WHERE finished_at IS NULL; "
            # and called off where still to come: no reminder of an earlier run's evaluations
            # falls in this one (an activity ended and finished is still reminded of)
            "UPDATE draw_activity SET status = 'cancelled' WHERE eval_start > now() "
            "AND status = 'ended'")
        await connections.get("default").execute_script("VACUUM ANALYZE")
        world = await desk(str(int(time.time())))
        # the draws' evaluations are three hours on (no reminder or urge of theirs falls in
        # the morning measured); today's 09:00 evaluations check their experts in meanwhile
        await activities(world, args.activities, timedelta(hours=3))
        world.places = await evaluations(world, args.venues, timedelta(minutes=30))
    return world


async def morning(args: argparse.Namespace, world: World, fake: str, service: str,
                  groups: dict[str, list[int]]) -> list[list[str]]:
    import asyncpg

    day = Morning(args, world, fake, service)
    # a pool: the poller, the main loop and the last reads share it (a connection takes one
    # statement at a time); the sampler has its own
    counting = await statements_ready(DATABASE_URL)
    conn = Counted(await asyncpg.create_pool(driver_url(DATABASE_URL), min_size=2,
                                             max_size=4, reset=lean_reset))
    watcher = Counted(await asyncpg.connect(driver_url(DATABASE_URL)))
    until = asyncio.Event()
    cpu0 = {name: sum(cpu_seconds(p) for p in pids) for name, pids in groups.items()}
    await backends_before(day.samples, watcher)
    commits0 = await conn.fetchval("SELECT xact_commit FROM pg_stat_database "
                                   "WHERE datname = current_database()")
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=256)) as http:
        token = await login(http, fake, service)
        poller = asyncio.create_task(day.poll(http, conn, until))
        sampler = asyncio.create_task(sample(day.samples, watcher, groups, until))
        span = args.minutes * 60 / args.compress
        noticed = asyncio.create_task(asyncio.sleep(span / 2))
        starter = asyncio.create_task(day.start_all(http, token))
        rng = random.Random(9)  # around 09:00: the middle of the morning, ±15 minutes
        venue = [asyncio.create_task(check_in(day, http, i, how, code, rng.uniform(
            0.25 * span, 0.75 * span))) for i, how, code in world.places]
        await noticed
        queued_in, noticed_at = (await notice(), time.strftime("%T", time.gmtime())) \
            if args.notice else (0.0, "–")
        starts = await starter
        deadline = time.monotonic() + span + 600 / args.compress + 120
        while time.monotonic() < deadline:
            acts, _ = await rows(conn, world)
            if all(a["status"] == "ended" for a in acts if a["id"] in starts):
                break
            await asyncio.sleep(1)
        drain = await drained(conn, 300)
        until.set()
        async with http.get(f"{fake}/bench/stats") as resp:
            outside = await resp.json()
        await asyncio.gather(poller, sampler, *day.tasks, *venue, return_exceptions=True)
    await look_at_backends(day.samples, watcher, groups)
    backend_cpu = day.samples.backend_cpu()
    acts, invs = await rows(conn, world)
    arrived = await arrivals(conn, world)
    cpu = {name: sum(cpu_seconds(p) for p in pids) - cpu0[name] for name, pids in groups.items()}
    commits = await conn.fetchval("SELECT xact_commit FROM pg_stat_database "
                                  "WHERE datname = current_database()") - commits0
    own = conn.statements + watcher.statements - 1  # the driver's (the first read before)
    sent = await conn.fetch("SELECT status, count(*) AS n FROM notification "
                            "WHERE client_msg_id NOT LIKE $1 GROUP BY status", PAST_NOTICES + "%")
    lost = await conn.fetchval("SELECT count(*) FROM notification WHERE status IN "
                               "('failed', 'dead') AND NOT covered")
    # the agency's running counts: the notices sent, and the longest a change waited for
    # one that told it (a row's time is its first change's)
    counts = await conn.fetchrow(
        "SELECT count(*) AS n, max(extract(epoch FROM sent_at - created_at)) AS late "
        "FROM notification WHERE kind IN ('draw.progress', 'draw.arrival') "
        "AND status IN ('sent', 'delivered')")
    ran, frequent = await statements_run(conn) if counting else (0, [])
    twice = await doubled_beyond_rows(conn, day.deliveries)
    await conn.close()
    await watcher.close()
    added = added_latencies(world.activities, acts, invs, day.answered)
    replies = sum(len(v) for v in day.replies.values())
    for calls, text in frequent:
        print(f"  {calls / max(1, replies):7.2f} a reply  {text}", file=sys.stderr)
    notes = {r["status"]: r["n"] for r in sent}
    checked = sum(len(v) for v in day.checkins.values())
    handled = replies + len(starts) + int(outside.get("receipts_pushed", 0)) + checked
    told = notes.get("sent", 0) + notes.get("delivered", 0)
    delivered = sum(1 for i in invs if i["id"] in day.answered)
    for d in twice[:5]:
        print(f"  delivered twice: {d}", file=sys.stderr)
    for a in (a for a in acts if a["id"] in starts and a["status"] != "ended"):
        print(f"  not ended: {a['id']}", [(i["status"], i["expert_id"]) for i in invs
                                          if i["activity_id"] == a["id"]], file=sys.stderr)
    print(f"\nactivities={len(world.activities)} ended={len(added)} invitations={len(invs)} "
          f"answered={len(day.answered)} replies={replies} notifications={notes} "
          f"notice queued in {queued_in:.1f} s by {noticed_at} UTC, outbox drained "
          f"{drain:.0f} s after the last committee; bad={len(day.bad)} {day.bad[:5]}",
          file=sys.stderr)
    return [
        ["committees formed", f"{len(added)} of {len(world.activities)}", "all"],
        ["latency added, start to committee (p50 / p99 ms)", summary(added), "p99 < 1,000"],
        ["reply by chat (p50 / p99 ms)", summary(day.replies["chat"]), ""],
        ["reply by SMS (p50 / p99 ms)", summary(day.replies["sms"]), ""],
        ["reply by voice keypress (p50 / p99 ms)", summary(day.replies["voice"]), ""],
        ["oldest unsent draw notification, max (s)",
         f"{max(day.samples.lag.get('draws') or [0]):.1f}", "< 5"],
        ["oldest unsent notification of any kind, max (s)",
         f"{max(day.samples.lag.get('all') or [0]):.1f}", ""],
        [f"serve CPU per request ({replies} replies, {len(starts)} starts, {checked} "
         f"check-ins, {outside.get('receipts_pushed', 0)} WeChat receipts) (ms)",
         f"{cpu['serve'] / max(1, handled) * 1000:.2f}", ""],
        [f"worker CPU per notification sent ({told}) (ms)",
         f"{cpu['worker'] / max(1, told) * 1000:.2f}", ""],
        ["PostgreSQL CPU per reply: the serve's / the worker's backends (ms)",
         " / ".join(f"{backend_cpu.get(k, 0.0) / max(1, replies) * 1000:.2f}"
                    for k in ("serve", "worker")), ""],
        ["PostgreSQL connections, max", f"{max(day.samples.connections or [0])}", ""],
        ["the agency's progress and arrival notices sent / a change told after, max (s)",
         f"{counts['n']} / {float(counts['late'] or 0):.1f}", "– / ≤ 10"],
        ["commits per reply: all work (the driver's own reads left out) / replies",
         f"{commits / max(1, replies):.1f} ({(commits - own) / max(1, replies):.1f})", ""],
        ["statements per reply (all work / replies)",
         f"{ran / max(1, replies):.1f}" if counting else "–", ""],
        ["peak memory serve / worker / fake (MiB)",
         " / ".join(f"{day.samples.rss.get(k, 0):.0f}" for k in ("serve", "worker", "fake")),
         ""],
        ["invitations delivered and answered", f"{delivered} of {len(invs)}", ""],
        ["notifications lost (failed or dead, no other channel reached) / still queued",
         f"{lost} / {notes.get('queued', 0)}", "0"],
        ["bad answers from the service", f"{len(day.bad)}", "0"],
        [f"09:00 evaluations: experts checked in ({len(world.venues)} venues)",
         f"{arrived} of {len(world.places)}", "all"],
        ["check-in by chat (p50 / p99 ms)", summary(day.checkins["chat"]), ""],
        ["check-in by SMS (p50 / p99 ms)", summary(day.checkins["sms"]), ""],
        ["the same words delivered twice to one person / repeats WeChat dropped",
         f"{len(twice)} / {outside.get('repeats', 0)}", "0 / –"],
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--experts", type=int, default=100_000)
    parser.add_argument("--activities", type=int, default=200)
    parser.add_argument("--venues", type=int, default=200,
                        help="today's 09:00 evaluations whose experts check in")
    parser.add_argument("--minutes", type=float, default=30, help="the morning, simulated")
    parser.add_argument("--compress", type=float, default=10)
    for name, default in (("--serves", 1), ("--workers", 1), ("--port", 8461)):
        parser.add_argument(name, type=int, default=default)
    parser.add_argument("--without-notice", dest="notice", action="store_false",
                        help="no province-wide notice halfway: the replies' own work alone")
    parser.add_argument("--sentinel", action="store_true",
                        help="Redis through Sentinel: a master, its replica, three sentinels")
    args = parser.parse_args()
    ensure_database()
    with sentinel_redis(REDIS_URL) if args.sentinel else contextlib.nullcontext({}) as redis:
        if not redis:
            flush_redis()
        run(args, redis)


def run(args: argparse.Namespace, redis: dict[str, str]) -> None:
    fake_port, serve_port = args.port, args.port + 1
    fake, service = f"http://127.0.0.1:{fake_port}", f"http://127.0.0.1:{serve_port}"
    limits = {k: os.environ.get(k, "0") for k in ("OUTBOX_RATE", "OUTBOX_USER_RATE")}
    env = service_env(WECHAT_SANDBOX="1", WECHAT_API_BASE=fake, SMS_PROVIDER="sandbox",
                      SMS_API_BASE=fake, VOICE_PROVIDER="sandbox", **limits,
                      VOICE_AFTER_MINUTES=str(3 / args.compress), WECHAT_MESSAGE_MODE="plain",
                      PUBLIC_BASE_URL=service, DATABASE_URL=DATABASE_URL,
                      **{"REDIS_URL": REDIS_URL, **redis})
    os.environ.update(env)
    world = asyncio.run(prepare(args))
    procs = {"fake": start([sys.executable, "-m", "bench.morning_fake", "--port",
                            str(fake_port), "--service", service, "--experts",
                            str(args.experts)], env, 1),
             "serve": start([str(BIN / "expertbot"), "serve", "--port", str(serve_port),
                             *(["--reuse-port"] if args.serves > 1 else [])], env, args.serves),
             "worker": start([str(BIN / "expertbot"), "worker"], env, args.workers)}
    try:
        wait_ready(fake_port, procs["fake"], timeout=120)
        wait_ready(serve_port, procs["serve"], timeout=60)
        groups = {k: [p.pid for p in v] for k, v in procs.items()}
        out = asyncio.run(morning(args, world, fake, service, groups))
    finally:
        stop(procs["worker"] + procs["serve"] + procs["fake"])
    print(f"\nactivities={args.activities} experts={args.experts} serves={args.serves} "
          f"workers={args.workers}{' (Redis through Sentinel)' * args.sentinel}"
          f"{' without the notice' * (not args.notice)} {limits}: a "
          f"{args.minutes:.0f}-minute morning compressed {args.compress:g} times "
          f"({args.minutes * 60 / args.compress:.0f} s), PostgreSQL + Redis, the outside "
          "world in its own process\n")
    print(table(["measure", "value", "target"], out))


if __name__ == "__main__":
    main()
