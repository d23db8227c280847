"""Shared pieces of the benchmarks: the PostgreSQL + Redis they run on, process control."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL",
                              "postgres://postgres@127.0.0.1:5432/expertbot_bench")
# not 1, 2, …: the test suite on this machine uses those (database 1 + its xdist worker)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")

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


async def lean_reset(conn: Any) -> None:
    """An asyncpg pool's release as the service's pool does it (config/db/tortoise.py): only
    a transaction left open is undone. asyncpg's own reset is one more statement a release,
    and one more commit in PostgreSQL's count that a benchmark would take for the service's."""
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


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
        from urllib.parse import urlsplit

        url = urlsplit(DATABASE_URL)  # a unix socket comes as ?host=/var/run/postgresql
        name = url.path.lstrip("/")
        admin = url._replace(scheme="postgresql", path="/postgres").geturl()
        conn = await asyncpg.connect(admin)
        try:
            if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname=$1", name):
                await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(run())


def flush_redis() -> None:
    from redis import Redis

    Redis.from_url(REDIS_URL).flushdb()


LOGS = ROOT / "var" / "bench-logs"


def _label(cmd: list[str]) -> str:
    return next((c for c in cmd if c.startswith("bench.") or c in ("serve", "worker")), "proc")


def start(cmd: list[str], env: dict[str, str], count: int, cwd: Path = ROOT
          ) -> list[subprocess.Popen[bytes]]:
    """`count` copies of a process in `cwd`, each logging to its own file under
    var/bench-logs (a pipe nobody reads would block a process that logs more than its buffer
    holds)."""
    LOGS.mkdir(parents=True, exist_ok=True)
    procs = []
    for _ in range(count):
        log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed when the process is stopped
            dir=LOGS, prefix=_label(cmd) + "-", suffix=".log",
            delete=False)
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=log)
        log.close()
        proc.log_path = log.name  # type: ignore[attr-defined]
        procs.append(proc)
    return procs


def log_of(proc: subprocess.Popen[bytes]) -> str:
    path = getattr(proc, "log_path", None)
    return Path(path).read_text(errors="replace") if path else ""


def wait_ready(port: int, procs: list[subprocess.Popen[bytes]], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in procs:
            if p.poll() is not None:
                raise RuntimeError(f"process exited: {log_of(p)[-4000:]}")
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


def wrk(lua: Path, port: int, duration: int, connections: int, threads: int,
        env: dict[str, str]) -> dict[str, float]:
    """One wrk run with a script that prints a RESULT line (see bench/wrk_push.lua)."""
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s",
         "-s", str(lua), f"http://127.0.0.1:{port}"],
        env={**os.environ, **env, "BENCH_THREADS": str(threads)},
        capture_output=True, text=True, check=True).stdout
    found = re.search(r"RESULT (.*)", out)
    if not found:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    for bad_line in re.findall(r"BAD .*", out):
        print("  " + bad_line, file=sys.stderr)
    values = dict(kv.split("=") for kv in found.group(1).split())
    seconds = int(values["duration_us"]) / 1e6
    return {"rps": int(values["requests"]) / seconds, "p50": int(values["p50_us"]) / 1000,
            "p99": int(values["p99_us"]) / 1000, "errors": int(values["errors"]),
            "bad": int(values["bad"]), "requests": int(values["requests"])}

def main_over_rows(run: Callable[[int, str], Awaitable[list[list[str]]]],
                   headers: list[str]) -> None:
    """A benchmark over N rows (--rows, default 50,000) on PostgreSQL (BENCH_DATABASE_URL)
    or, with --sqlite FILE, on SQLite: runs `run(rows, url)` and prints its table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--sqlite", metavar="FILE", default=None,
                        help="run on a SQLite file instead of PostgreSQL")
    args = parser.parse_args()
    if args.sqlite:
        Path(args.sqlite).unlink(missing_ok=True)
        url, where = f"sqlite://{args.sqlite}", "SQLite"
    else:
        ensure_database()
        url, where = DATABASE_URL, "PostgreSQL"
    rows = asyncio.run(run(args.rows, url))
    print()
    print(f"rows={args.rows} ({where})")
    print()
    print(table(headers, rows))
