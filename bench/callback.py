"""Callback benchmark: throughput and p50/p99 latency of /wechat/callback through the full path
(signature -> dedup -> user lock -> user lookup -> FSM -> handler -> reply) on PostgreSQL +
Redis, against a floor (bench/floor.py) doing only signature + XML (+ AES) + reply.

    .venv/bin/python -m bench.callback [--processes 1] [--duration 10] [--connections 32]

The load generator is wrk on loopback (Debian package `wrk`). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
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
    wrk,
)

LUA = ROOT / "bench" / "wrk_push.lua"


def run_wrk(port: int, duration: int, connections: int, threads: int, env: dict[str, str]
            ) -> dict[str, float]:
    return wrk(LUA, port, duration, connections, threads, env)


MODES = ("plaintext", "aes", "receipt", "receipt-aes")  # 帮助, then TEMPLATESENDJOBFINISH


def push_file(path: Path, count: int, base: int, users: int, mode: str) -> dict[str, str]:
    """`count` distinct pushes, pre-signed now (fresh timestamps, a nonce each: the service
    refuses a stale timestamp, and in plaintext mode a (timestamp, nonce) used twice), in
    plaintext or safe mode (AES, msg_signature over the body): `帮助` messages, or receipts
    (the fast path) for the modes named receipt."""
    from urllib.parse import urlencode

    from sandbox.wechat_push import Pusher, event_fields, text_fields

    aes = mode.endswith("aes")
    receipt = mode.startswith("receipt")
    pusher = Pusher(SECRETS["WECHAT_TOKEN"], SECRETS["WECHAT_APPID"],
                    SECRETS["WECHAT_AES_KEY"] if aes else None, "safe" if aes else "plain")
    stamp = str(int(time.time()))
    with path.open("w") as fh:
        for i in range(count):
            msg_id = base + i
            openid = f"o_bench_{msg_id % users}"
            fields = event_fields(openid, "TEMPLATESENDJOBFINISH", to_user="gh_bench",
                                  create_time=int(stamp), MsgID=msg_id, Status="success") \
                if receipt else text_fields(openid, "帮助", msg_id=msg_id, to_user="gh_bench",
                                            create_time=int(stamp))
            push = pusher.build(fields, timestamp=stamp, nonce=f"{base}{i}")
            fh.write(f"{urlencode(push.query)}\t{push.body.decode()}\n")
    return {"BENCH_FILE": str(path), "BENCH_EXPECT": "success" if receipt else "<xml>"}


def measure_rounds(ports: dict[str, int], args: argparse.Namespace, tmp: Path
                   ) -> dict[tuple[str, str], list[dict[str, float]]]:
    """Alternate full and floor, plaintext and AES, round after round, so that the noise of
    a shared machine falls on both alike; every cell keeps all its runs."""
    runs: dict[tuple[str, str], list[dict[str, float]]] = {}
    base = int(time.time() * 1000) * 1000
    rate = {"full": 4000.0, "floor": 12000.0}
    for n, port in enumerate(ports.values()):  # warm-up: first contact creates each user's row
        run_wrk(port, 3, args.connections, args.threads,
                push_file(tmp / f"warm-{n}.txt", 20_000, base + n * 10**6, args.users,
                          "plaintext"))
    for round_no in range(args.rounds):
        for target, port in ports.items():
            offset = base + (round_no * 4 + 1) * 10**8 + (0 if target == "full" else 10**7)
            for n, mode in enumerate(MODES):
                # enough distinct pushes for the run (a receipt is cheaper than a 帮助)
                factor = 3.0 if mode.startswith("receipt") else 1.5
                count = int(rate[target] * args.duration * factor) + 1000
                env = push_file(tmp / f"{target}-{mode}-{round_no}.txt", count,
                                offset + n * 2 * 10**7, args.users, mode)
                result = run_wrk(port, args.duration, args.connections, args.threads, env)
                runs.setdefault((target, mode), []).append(result)
                rate[target] = max(rate[target], result["rps"])
    return runs


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--port", type=int, default=18080)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json-logs", action="store_true",
                        help="log as in production: LOG_FORMAT=json at INFO, a line a request "
                             "(to a file under var/bench-logs)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    ensure_database()
    # plaintext mode takes safe-mode pushes too: both are measured against one service
    env = service_env(WECHAT_MESSAGE_MODE="plain")
    if args.json_logs:
        env.update(LOG_FORMAT="json", LOG_LEVEL="INFO")
    subprocess.run([str(BIN / "expertbot"), "migrate"], env=env, cwd=ROOT, check=True,
                   capture_output=True)
    flush_redis()
    serve = [str(BIN / "expertbot"), "serve", "--port", str(args.port), "--reuse-port"]
    floor_cmd = [str(BIN / "python"), "-m", "bench.floor", "--port", str(args.port + 1)]
    procs = start(serve, env, args.processes)
    procs += start(floor_cmd, env, args.processes)
    try:
        wait_ready(args.port, procs)
        wait_ready(args.port + 1, procs)
        with tempfile.TemporaryDirectory() as tmpdir:
            runs = measure_rounds({"full": args.port, "floor": args.port + 1}, args,
                                  Path(tmpdir))
    finally:
        stop(procs)
    rows = []
    for mode in MODES:
        full, floor = runs[("full", mode)], runs[("floor", mode)]
        f_rps, b_rps = median([r["rps"] for r in full]), median([r["rps"] for r in floor])
        rows.append([
            mode, f"{f_rps:.0f}", f"{median([r['p50'] for r in full]):.1f}",
            f"{median([r['p99'] for r in full]):.1f}", f"{b_rps:.0f}",
            f"{median([r['p50'] for r in floor]):.1f}",
            f"{median([r['p99'] for r in floor]):.1f}", f"{100 * f_rps / b_rps:.0f} %",
            f"{sum(r['errors'] + r['bad'] for r in full):.0f}/"
            f"{sum(r['requests'] for r in full):.0f}"])
    print(f"\nprocesses={args.processes} connections={args.connections} "
          f"rounds={args.rounds}x{args.duration}s users={args.users} "
          f"(medians; wrk on loopback; PostgreSQL + Redis)\n")
    print(table(["mode", "full msg/s", "full p50 ms", "full p99 ms", "floor msg/s",
                 "floor p50 ms", "floor p99 ms", "full/floor", "bad replies"], rows))
    for mode in MODES:
        spread = ", ".join(f"{r['rps']:.0f}" for r in runs[("full", mode)])
        floor_spread = ", ".join(f"{r['rps']:.0f}" for r in runs[("floor", mode)])
        print(f"  {mode}: full runs {spread}; floor runs {floor_spread}")
    for plain, fast in (("plaintext", "receipt"), ("aes", "receipt-aes")):
        ratio = median([r["rps"] for r in runs[("full", fast)]]) / median(
            [r["rps"] for r in runs[("full", plain)]])
        print(f"  receipts ({fast}) vs 帮助 ({plain}), full path: {ratio:.2f} x")


if __name__ == "__main__":
    main()
