"""Outbox benchmark: N template notifications through the outbox and the relay to the fake
WeChat API (its own process) on PostgreSQL + Redis, rate limits off. Prints throughput and
how many were lost (never sent) or duplicated (sent twice).

    .venv/bin/python -m bench.outbox [--count 10000] [--relays 1]
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
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bench.common import (
    BIN,
    DATABASE_URL,
    REDIS_URL,
    ROOT,
    ensure_database,
    flush_redis,
    service_env,
    start,
    stop,
    table,
    wait_ready,
)

if TYPE_CHECKING:
    from config.settings import Settings


def _settings(api_base: str) -> Settings:
    from config.settings import Settings

    env = service_env(WECHAT_API_BASE=api_base, OUTBOX_RATE="0", OUTBOX_USER_RATE="0",
                      EXPERTBOT_ENV="test")
    os.environ.update(env)
    return Settings()


async def prepare(api_base: str, count: int, users: int) -> None:
    from config.db.database import database
    from models.notifications import Notification
    from models.wechat import WeChatIdentity

    settings = _settings(api_base)
    async with database(settings):
        await Notification.all().delete()
        await WeChatIdentity.filter(openid__startswith="o_ob_").delete()
        await WeChatIdentity.bulk_create([WeChatIdentity(openid=f"o_ob_{i}", subscribed=True)
                                          for i in range(users)])
        now = datetime.now(UTC)
        batch = [Notification(kind="system.test", openid=f"o_ob_{i % users}",
                              params={"content": f"第{i}号通知", "at": "2026-11-23 09:00"},
                              next_attempt_at=now, client_msg_id=f"bench-{i}")
                 for i in range(count)]
        for i in range(0, count, 1000):
            await Notification.bulk_create(batch[i:i + 1000])


async def relay_once(api_base: str) -> str:
    """Run one relay until nothing is due; '<handled> <seconds>' (start-up not counted)."""
    from config.runtime import open_runtime

    settings = _settings(api_base)
    async with open_runtime(settings, "http://127.0.0.1:1") as rt:
        await rt.channels.official.tokens.get()  # the token fetch is not what is measured
        started = time.monotonic()
        handled = await rt.channels.relay.run()
        return f"{handled} {time.monotonic() - started:.3f}"


async def outcome(api_base: str) -> dict[str, int]:
    from tortoise.functions import Count

    from config.db.database import database
    from models.notifications import Notification

    async with database(_settings(api_base)):
        rows = await Notification.all().group_by("status").annotate(n=Count("id")).values(
            "status", "n")
    return {r["status"]: r["n"] for r in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--relays", type=int, default=1)
    parser.add_argument("--port", type=int, default=18090)
    args = parser.parse_args()
    ensure_database()
    env = service_env()
    subprocess.run([str(BIN / "expertbot"), "migrate"], env=env, cwd=ROOT, check=True,
                   capture_output=True)
    flush_redis()
    api_base = f"http://127.0.0.1:{args.port}"
    fake = start([sys.executable, "-m", "bench.fake_wechat", "--port", str(args.port),
                  "--users", str(args.users)], env, 1)
    try:
        wait_ready(args.port, fake)
        asyncio.run(prepare(api_base, args.count, args.users))
        relays = [subprocess.Popen([sys.executable, "-c",
                                    "import asyncio,sys; from bench.outbox import relay_once;"
                                    f"print(asyncio.run(relay_once({api_base!r})))"],
                                   env={**os.environ, **env}, cwd=ROOT,
                                   stdout=subprocess.PIPE, text=True)
                  for _ in range(args.relays)]
        results = [p.communicate()[0].split() for p in relays]
        handled = [int(r[0]) for r in results]
        elapsed = max(float(r[1]) for r in results)
        with urllib.request.urlopen(f"{api_base}/bench/stats") as resp:
            wechat = json.load(resp)
        statuses = asyncio.run(outcome(api_base))
    finally:
        stop(fake)
    sent = statuses.get("sent", 0) + statuses.get("delivered", 0)
    lost = args.count - wechat["templates"] + wechat["repeated"]
    print(f"\n{args.count} template notifications, {args.users} recipients, {args.relays} relay "
          f"process(es), rate limits off (PostgreSQL {DATABASE_URL.rsplit('/', 1)[1]}, "
          f"Redis {REDIS_URL.rsplit('/', 1)[1]})\n")
    print(table(["notifications", "seconds", "sent/s", "status sent", "received by WeChat",
                 "lost", "duplicated", "API calls", "relays handled"],
                [[str(args.count), f"{elapsed:.2f}", f"{args.count / elapsed:.0f}", str(sent),
                  str(wechat["templates"]), str(lost), str(wechat["repeated"]),
                  str(wechat["calls"]), "+".join(map(str, handled))]]))


if __name__ == "__main__":
    main()
