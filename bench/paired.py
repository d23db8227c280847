"""An expert's reply, two serve processes side by side: the same world as bench/replies.py,
but two services at once on one database, one worker and one outside world, and the
replies sent to them in short bursts that take turns (A B B A, …). A machine whose pace
moves by a quarter between two runs a minute apart (bench/README.md, "uvloop in the web
process") moves both sides alike within a second; each side's serve CPU is summed over its
own bursts.

    .venv/bin/python -m bench.paired --b-env EVENT_LOOP=asyncio [--only chat,sms]
    .venv/bin/python -m bench.paired --b-tree /tmp/before   # another commit's worktree
    .venv/bin/python -m bench.paired --a-tree /tmp/before --b-tree .   # the sides swapped
    .venv/bin/python -m bench.paired --b-floor --only chat   # against bench/confirm_floor.py

A is this tree with the environment as it is (or `--a-tree`'s code); B is this tree with
`--b-env` set, or another tree (its code on PYTHONPATH, this tree's virtualenv) on the same
database, whose schema it must share; or `--b-floor`, the lean floor of the chat
confirmation (bench/confirm_floor.py). Beside each side's serve CPU, the CPU of PostgreSQL
(every postgres process) and of the worker during its bursts (and the second after each,
when the notices its replies queued are sent) are summed for it. Side A has come out a few
per cent ahead of the same code on side B: a comparison is read both ways, the sides
swapped. Each round makes the invitations again and splits each channel's into slices, one
slice a burst (a burst never runs out of invitations, so every reply is an acceptance).
The first `--warm` turns of bursts (ABBA) of the first round warm both sides — their
connections, prepared statements and the plans PostgreSQL makes for them, templates — and
are not counted: a serve process lives for days.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.api import login, postgres_cpu, serve_cpu
from bench.common import (
    BIN,
    DATABASE_URL,
    start,
    stop,
    table,
    wait_ready,
    wrk,
)
from bench.replies import CHANNELS, MINI, confirmed_by_channel, prepare, request_file, set_up

ORDER = "ABBA"  # the sides' turns, over and over: each side first as often as second
SETTLE = 1.0  # seconds after a burst before its side's CPU is read


def _start_side(tree: Path | None, port: int, env: dict[str, str], floor: bool = False,
                processes: int = 1) -> list[subprocess.Popen[bytes]]:
    """A side's serve processes sharing its port: this tree's, or `tree`'s code (run from
    that tree, so that its own modules, texts and templates are the ones found first), or
    the floor."""
    if floor:
        return start([sys.executable, "-m", "bench.confirm_floor", "--port", str(port)],
                     env, processes)
    shared = ["--port", str(port)] + (["--reuse-port"] if processes > 1 else [])
    if tree is None:
        return start([str(BIN / "expertbot"), "serve", *shared], env, processes)
    return start([sys.executable, "-m", "config.cli", "serve", *shared],
                 {**env, "PYTHONPATH": str(tree)}, processes, cwd=tree)


async def _confirmed(ids: list[int]) -> int:
    """How many of these invitations are confirmed (the replies each side applied)."""
    import asyncpg

    from models.draws import InvitationStatus

    conn = await asyncpg.connect(DATABASE_URL)
    try:
        return int(await conn.fetchval(
            "SELECT count(*) FROM draw_invitation WHERE id = ANY($1) AND status = $2", ids,
            InvitationStatus.CONFIRMED.value))
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--b-env", action="append", default=[],
                        help="KEY=VALUE for side B's serve (repeatable)")
    parser.add_argument("--a-tree", type=Path, help="side A runs this tree's code")
    parser.add_argument("--b-tree", type=Path, help="side B runs this tree's code")
    parser.add_argument("--b-floor", action="store_true",
                        help="side B is the chat confirmation's floor (bench/confirm_floor.py)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--burst", type=int, default=1, help="seconds a burst")
    parser.add_argument("--slice", type=int, default=300, help="invitations a burst")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warm", type=int, default=1,
                        help="turns of ABBA bursts that warm both sides before any is counted")
    parser.add_argument("--port", type=int, default=18400)
    parser.add_argument("--processes", type=int, default=1,
                        help="serve processes a side, sharing its port (docs/running.md: one "
                             "a core)")
    parser.add_argument("--only", default="chat,sms")
    parser.add_argument("--past", type=int, default=50_000)
    args = parser.parse_args()
    if not args.b_env and args.b_tree is None and not args.b_floor:
        raise SystemExit("name what side B changes: --b-env KEY=VALUE, --b-tree PATH or "
                         "--b-floor")
    if args.b_floor and args.only != "chat":
        raise SystemExit("the floor answers the chat only: --b-floor --only chat")
    channels = [c for c in CHANNELS if c in args.only.split(",")]
    fake_port, ports = args.port, {"A": args.port + 1, "B": args.port + 2}
    fake = f"http://127.0.0.1:{fake_port}"
    env, rows, procs = set_up(fake_port, f"http://127.0.0.1:{ports['A']}", args.past)
    b_env = {**env, **dict(kv.split("=", 1) for kv in args.b_env)}
    serves = {"A": _start_side(args.a_tree, ports["A"], env, processes=args.processes),
              "B": _start_side(args.b_tree, ports["B"], b_env, args.b_floor, args.processes)}
    worker = start([str(BIN / "expertbot"), "worker"], env, 1)
    # CPU s, replies applied (confirmed, counted in the database), seconds of bursts,
    # PostgreSQL's CPU s and the worker's
    sums = {(s, c): [0.0, 0, 0.0, 0.0, 0.0] for s in ports for c in channels}
    p99s: dict[tuple[str, str], list[float]] = {k: [] for k in sums}
    try:
        wait_ready(fake_port, procs, timeout=60)
        for side, port in ports.items():
            wait_ready(port, serves[side])
        tokens: dict[int, str] = {}
        if "miniapp" in channels:  # signed in once, on side A (the session is Redis's)
            with ThreadPoolExecutor(8) as pool:
                minis = [n for _inv, n in rows["miniapp"]]
                tokens = dict(zip(minis, pool.map(
                    lambda n: login(fake, ports["A"], MINI.format(n)), minis), strict=True))
        with tempfile.TemporaryDirectory() as tmp:
            for round_no in range(1, args.rounds + 1):
                if round_no > 1:
                    rows = asyncio.run(prepare(args.past))
                before = asyncio.run(confirmed_by_channel())
                sent: dict[tuple[str, str], list[int]] = {k: [] for k in sums}
                for channel in channels:
                    slices = [rows[channel][i:i + args.slice]
                              for i in range(0, len(rows[channel]), args.slice)]
                    slices = slices[:len(slices) - len(slices) % len(ORDER)]
                    for k, part in enumerate(slices):
                        side = ORDER[k % len(ORDER)]
                        lua, extra = request_file(Path(tmp) / f"{channel}-{k}.txt", channel,
                                                  part, tokens)
                        cpu0, pg0, w0 = serve_cpu(serves[side]), postgres_cpu(), \
                            serve_cpu(worker)
                        result = wrk(lua, ports[side], args.burst, args.connections, 1, extra)
                        # the requests still in flight when wrk stopped are answered, and
                        # counted (below), before the side's CPU is read
                        time.sleep(SETTLE)
                        if round_no == 1 and k < args.warm * len(ORDER):
                            # a serve process lives for days: its connections, prepared
                            # statements and their plans, templates and imports are made
                            # once, in the first bursts, which are not counted
                            continue
                        cell = sums[(side, channel)]
                        cell[0] += serve_cpu(serves[side]) - cpu0
                        cell[2] += args.burst
                        cell[3] += postgres_cpu() - pg0
                        cell[4] += serve_cpu(worker) - w0
                        sent[(side, channel)].extend(inv for inv, _n in part)
                        p99s[(side, channel)].append(result["p99"])
                        if result["requests"] > len(part):
                            print(f"  {channel}: a burst outran its slice; raise --slice",
                                  file=sys.stderr)
                        if result["bad"] + result["errors"]:
                            print(f"  {channel} {side}: {int(result['bad'])} bad",
                                  file=sys.stderr)
                time.sleep(1)  # the last replies' notices leave the serve processes
                after = asyncio.run(confirmed_by_channel())
                for key, ids in sent.items():
                    sums[key][1] += asyncio.run(_confirmed(ids))
                for channel in channels:
                    print(f"  round {round_no}: {channel} confirmed "
                          f"{after[channel] - before[channel]}", file=sys.stderr)
    finally:
        stop(worker + serves["A"] + serves["B"] + procs)
    label = {"A": f"A ({args.a_tree or 'this tree'})",
             "B": "B (" + (" ".join(args.b_env) or str(args.b_tree)) + ")"}
    out = []
    per: dict[str, tuple[float, ...]] = {}
    for (side, channel), (cpu, done, busy, pg, work) in sums.items():
        ordered = sorted(p99s[(side, channel)])
        n = max(done, 1)
        per[side] = (done / max(busy, 1), ordered[len(ordered) // 2] if ordered else 0.0,
                     cpu / n, pg / n, work / n, (cpu + pg + work) / n)
        out.append([label[side], channel, f"{per[side][0]:.0f}", f"{per[side][1]:.1f}",
                    *(f"{v * 1000:.2f}" for v in per[side][2:]), str(done)])
    print(f"\nAn expert's reply, two sides in turn ({ORDER}, {args.processes} serve "
          f"process(es) a side, {args.burst} s bursts, {args.connections} connections, "
          f"{args.rounds} rounds)\n")
    print(table(["side", "channel", "replies/s of bursts", "median burst p99 ms",
                 "serve CPU ms/reply", "PostgreSQL ms/reply", "worker ms/reply",
                 "all CPU ms/reply", "replies applied"], out))
    if "A" in per and "B" in per:
        a, b = per["A"], per["B"]
        print(f"\nA/B: replies a second {a[0] / max(b[0], 1e-9):.2f}, median p99 "
              f"{a[1] / max(b[1], 1e-9):.2f}, serve CPU {a[2] / max(b[2], 1e-9):.2f}, "
              f"PostgreSQL CPU {a[3] / max(b[3], 1e-9):.2f}, all CPU {a[5] / max(b[5], 1e-9):.2f}")


if __name__ == "__main__":
    main()
