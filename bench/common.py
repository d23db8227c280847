"""Shared pieces of the benchmarks: the PostgreSQL + Redis they run on, process control."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL",
                              "postgres://postgres@127.0.0.1:5432/expertbot_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")

SECRETS = {
    "WECHAT_TOKEN": "benchtoken",
    "WECHAT_APPID": "wxbench000000001",
    "WECHAT_SECRET": "bench-secret",
    "WECHAT_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    "MINIAPP_APPID": "wxbenchmini00001",
    "MINIAPP_SECRET": "bench-mini-secret",
    "SECRET_KEY": "bench-secret-key",
    "ID_ENCRYPTION_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
}


def service_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(SECRETS)
    env.update({"EXPERTBOT_ENV": "test", "DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL,
                "WECHAT_SANDBOX": "0", "EXPERTBOT_INPROCESS_WORKER": "0",
                "LOG_LEVEL": "WARNING", "REDIS_PREFIX": "bench:"})
    env.update(extra)
    return env


def ensure_database() -> None:
    """Create the benchmark database if missing (trust auth on the local server)."""
    import asyncpg

    async def run() -> None:
        admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
        name = DATABASE_URL.rsplit("/", 1)[1]
        conn = await asyncpg.connect(admin.replace("postgres://", "postgresql://", 1))
        try:
            if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname=$1", name):
                await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(run())


def flush_redis() -> None:
    from redis import Redis

    Redis.from_url(REDIS_URL).flushdb()


def start(cmd: list[str], env: dict[str, str], count: int) -> list[subprocess.Popen[bytes]]:
    return [subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE) for _ in range(count)]


def wait_ready(port: int, procs: list[subprocess.Popen[bytes]], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in procs:
            if p.poll() is not None:
                err = p.stderr.read().decode() if p.stderr else ""
                raise RuntimeError(f"process exited: {err}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                if r.status == 200:
                    time.sleep(0.5)  # let every process of the group finish starting
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("service did not become ready")


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        p.send_signal(signal.SIGINT)
    for p in procs:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
            for r in rows]
    return "\n".join([line, sep, *body])
