"""Mass-notice benchmark: one business action tells a whole provincial list, end to end.

An administrator publishes a continuing-education course (services/education/courses.py): in the
same transaction the outbox queues one notification for each of N formal experts (50,000 by
default). The relay in an `expertbot worker` process sends them as template messages to the
fake WeChat API (its own process, rate limits off), which answers each with a
TEMPLATESENDJOBFINISH pushed back through `/wechat/callback` of an `expertbot serve`
process, as WeChat does, while ordinary chat messages (帮助) keep arriving at a fixed rate.

    .venv/bin/python -m bench.mass_notice [--experts 50000] [--chat-rate 50]

Prints: the queueing transaction's time, the time until every notification was sent and
every receipt applied, sent/s, receipts/s, the chat messages' p50/p99 during the storm,
lost and doubled notifications, and each process's memory (RSS) at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import (
    BIN,
    ROOT,
    SECRETS,
    ensure_database,
    flush_redis,
    service_env,
    start,
    stop,
    table,
    wait_ready,
)

TEMPLATE = "TPL_course_published"
OPENID = "o_mn_{}"


def _env(api_base: str, **extra: str) -> dict[str, str]:
    return service_env(WECHAT_API_BASE=api_base, OUTBOX_RATE="0", OUTBOX_USER_RATE="0",
                       WECHAT_MESSAGE_MODE="plain",
                       WECHAT_TEMPLATES=json.dumps({"course.published": TEMPLATE}), **extra)


async def prepare(experts: int) -> None:
    """N formal experts who follow the official account (kept between runs)."""
    from tortoise import connections

    from config.db.database import database
    from config.settings import Settings
    from models.notifications import Notification
    from models.orm import sealing
    from models.people import Person, Role, RoleGrant, sealed_phone
    from models.wechat import Channel, WeChatIdentity
    from services.common.pii import Vault

    async with database(Settings().for_batch_work()):
        await Notification.all().delete()
        # runs start alike: without it the dead rows of earlier runs slow every claim
        await connections.get("default").execute_script("VACUUM ANALYZE notification")
        have = await WeChatIdentity.filter(openid__startswith="o_mn_").count()
        if have >= experts:
            return
        vault = Vault(SECRETS["ID_ENCRYPTION_KEY"])
        sealing.install(vault)
        for start_at in range(have, experts, 1000):
            people = []
            for n in range(start_at, min(start_at + 1000, experts)):
                number = f"44010419{n:08d}".ljust(17, "0")[:17] + "X"
                people.append(Person(name=f"专家{n}", id_number_enc=vault.encrypt(number),
                                     id_number_hash=vault.lookup_hash(number),
                                     id_masked=number[:6] + "********" + number[-4:],
                                     gender="M", birth_year=1970,
                                     **sealed_phone(f"159{n:08d}")))
            await Person.bulk_create(people, ignore_conflicts=True)  # a run that stopped
            made = await Person.filter(phone_hash__in=[p.phone_hash for p in people])
            await RoleGrant.bulk_create([RoleGrant(person_id=p.id, role=Role.EXPERT,
                                                   expert_number=f"MN-{p.phone}")
                                         for p in made], ignore_conflicts=True)
            await WeChatIdentity.bulk_create([
                WeChatIdentity(openid=OPENID.format(int(p.phone[3:])),
                               channel=Channel.OFFICIAL_ACCOUNT, person_id=p.id,
                               subscribed=True) for p in made], ignore_conflicts=True)
        print(f"  {experts - have} experts created", file=sys.stderr)


async def publish(api_base: str) -> float:
    """The business action, as production runs it; returns the transaction's seconds."""
    from config.runtime import open_runtime
    from config.settings import Settings

    async with open_runtime(Settings(), "http://127.0.0.1:1") as rt:
        now = datetime.now(UTC)
        began = time.monotonic()
        await rt.domain.education.create_course({
            "title": f"继续教育{now:%H%M%S}", "year": 2027, "hours": 24,
            "study_from": now + timedelta(days=1), "study_until": now + timedelta(days=60),
            "fee_fen": 20000}, now)
        return time.monotonic() - began


async def chat_load(url: str, rate: float, stop_at: asyncio.Event) -> list[float]:
    """帮助 from distinct users at `rate` a second until `stop_at`; each reply's latency."""
    import aiohttp

    from sandbox.wechat_push import Pusher, text_fields

    pusher = Pusher(SECRETS["WECHAT_TOKEN"], SECRETS["WECHAT_APPID"])
    latencies: list[float] = []

    async def one(n: int) -> None:
        push = pusher.build(text_fields(f"o_mnchat_{n % 500}", "帮助", msg_id=9_000_000 + n))
        began = time.monotonic()
        async with session.post(url, params=push.query, data=push.body) as resp:
            body = await resp.text()
        if resp.status == 200 and "<xml>" in body:
            latencies.append(time.monotonic() - began)

    async with aiohttp.ClientSession() as session:
        tasks, n = [], 0
        while not stop_at.is_set():
            tasks.append(asyncio.create_task(one(n)))
            n += 1
            await asyncio.sleep(1 / rate)
        await asyncio.gather(*tasks, return_exceptions=True)
    return latencies


async def progress() -> dict[str, int]:
    from tortoise.functions import Count

    from config.db.database import database
    from config.settings import Settings
    from models.notifications import Notification

    async with database(Settings()):
        rows = await Notification.filter(kind="course.published").group_by("status").annotate(
            n=Count("id")).values("status", "n")
    return {r["status"]: r["n"] for r in rows}


def stats(api_base: str) -> dict[str, int]:
    with urllib.request.urlopen(f"{api_base}/bench/stats", timeout=5) as resp:
        return dict(json.load(resp))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_of(pids: list[int]) -> float:
    return sum(cpu_seconds(p) for p in pids)


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]
    hz = os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - idle) / hz, sum(ticks) / hz


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def storm(args: argparse.Namespace, api_base: str, callback: str
                ) -> tuple[dict[str, float], list[float], dict[str, int]]:
    stop_chat = asyncio.Event()
    chat = asyncio.create_task(chat_load(callback, args.chat_rate, stop_chat))
    await asyncio.sleep(2)  # chat alone first: its own baseline
    began = time.monotonic()
    queued = await publish(api_base)
    sent_at = delivered_at = 0.0
    while time.monotonic() - began < args.timeout:
        counts = await progress()
        wechat = await asyncio.to_thread(stats, api_base)
        done = counts.get("sent" if args.no_receipts else "delivered", 0)
        if not sent_at and wechat["templates"] >= args.experts:
            sent_at = time.monotonic() - began
        if done >= args.experts:
            delivered_at = time.monotonic() - began
            break
        await asyncio.sleep(0.5)
    stop_chat.set()
    latencies = await chat
    final = await progress()
    return ({"queued": queued, "sent": sent_at, "delivered": delivered_at}, latencies,
            {**final, **{f"wechat_{k}": v for k, v in (await asyncio.to_thread(
                stats, api_base)).items()}})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--experts", type=int, default=50_000)
    parser.add_argument("--chat-rate", type=float, default=50.0)
    parser.add_argument("--port", type=int, default=18100)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--serves", type=int, default=1,
                        help="serve processes sharing the port (--reuse-port)")
    parser.add_argument("--nice", type=int, default=0,
                        help="run the worker and the fake WeChat at this niceness")
    parser.add_argument("--no-receipts", action="store_true",
                        help="the fake WeChat does not push receipts back (the relay alone)")
    args = parser.parse_args()
    api_base, serve_port = f"http://127.0.0.1:{args.port}", args.port + 1
    callback = f"http://127.0.0.1:{serve_port}/wechat/callback"
    ensure_database()
    env = _env(api_base)
    os.environ.update(env)
    subprocess.run([str(BIN / "expertbot"), "migrate"], env=env, cwd=ROOT, check=True,
                   capture_output=True)
    flush_redis()
    asyncio.run(prepare(args.experts))
    nice = ["nice", "-n", str(args.nice)] if args.nice else []
    fake = start([*nice, sys.executable, "-m", "bench.fake_wechat", "--port", str(args.port),
                  "--users", "0", "--followers", "o_mn_", "--template", TEMPLATE,
                  *([] if args.no_receipts else ["--receipts-to", callback])], env, 1)
    serve = start([str(BIN / "expertbot"), "serve", "--port", str(serve_port),
                   *(["--reuse-port"] if args.serves > 1 else [])], env, args.serves)
    worker = start([*nice, str(BIN / "expertbot"), "worker"], env, 1)
    try:
        wait_ready(args.port, fake)
        wait_ready(serve_port, serve)
        groups = [[p.pid for p in serve], [worker[0].pid], [fake[0].pid]]
        cpu_before, machine_before = [cpu_of(g) for g in groups], machine_busy()
        times, latencies, final = asyncio.run(storm(args, api_base, callback))
        cpu = [cpu_of(g) - b for g, b in zip(groups, cpu_before, strict=True)]
        busy, total = (a - b for a, b in zip(machine_busy(), machine_before, strict=True))
        memory = [sum(rss_mb(p) for p in g) for g in groups]
    finally:
        stop(worker + serve + fake)
    latencies.sort()

    def p(q: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    templates = final.get("wechat_templates", 0)
    lost = args.experts - templates + final.get("wechat_repeated", 0)
    sent_s, done_s = times["sent"] or float("nan"), times["delivered"] or float("nan")
    print(f"\n{args.experts} formal experts told of a new course by one business action; "
          f"{args.serves} serve + 1 worker process(es), rate limits off, chat at "
          f"{args.chat_rate:.0f} msg/s "
          f"(PostgreSQL + Redis)\n")
    print(table(["queued in (s)", "all sent (s)", "sent/s", "all delivered (s)",
                 "receipts/s", "chat p50 ms", "chat p99 ms", "chat answered", "lost",
                 "doubled", "CPU s serve / worker / fake", "machine busy",
                 "RSS serve / worker / fake MB"],
                [[f"{times['queued']:.1f}", f"{sent_s:.1f}", f"{args.experts / sent_s:.0f}",
                  f"{done_s:.1f}", f"{final.get('delivered', 0) / done_s:.0f}",
                  f"{p(0.5):.1f}", f"{p(0.99):.1f}", str(len(latencies)), str(lost),
                  str(final.get("wechat_repeated", 0)), " / ".join(f"{v:.1f}" for v in cpu),
                  f"{busy / total:.0%}",
                  " / ".join(f"{v:.0f}" for v in memory)]]))
    print(f"  statuses at the end: { {k: v for k, v in final.items() if not k.startswith('w')} }")


if __name__ == "__main__":
    main()
