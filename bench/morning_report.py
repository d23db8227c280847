"""What `bench.morning` measures while it runs and reads afterwards: the processes' CPU and
memory from /proc, the outbox's oldest due notification (the worker's lag), PostgreSQL's
connections and commits, and — once the morning is over — the latency the system added to
each committee (its experts' own delays taken out), from the draws' rows and the driver's
record of each delivery and delay."""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp

from bench.common import table
from bench.morning_world import HANDLER_MINI, World

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far."""
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / TICK


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2**20


@dataclass
class Samples:
    # s: the oldest due, unsent notification, of the draws' kinds and of any kind
    lag: dict[str, list[float]] = field(default_factory=dict)
    connections: list[int] = field(default_factory=list)
    rss: dict[str, float] = field(default_factory=dict)  # peak per process group, MiB
    # PostgreSQL's backends: their CPU when the morning began (s), and the process group
    # each serves with its CPU at the last look
    backends0: dict[int, float] = field(default_factory=dict)
    backends: dict[int, tuple[str, float]] = field(default_factory=dict)

    def backend_cpu(self) -> dict[str, float]:
        """Each process group's PostgreSQL backends' CPU since the morning began, s (a
        backend that closed between two looks loses its last second)."""
        out: dict[str, float] = {}
        for pid, (group, cpu) in self.backends.items():
            out[group] = out.get(group, 0.0) + cpu - self.backends0.get(pid, 0.0)
        return out


def _ports_of(pids: list[int]) -> set[int]:
    """The local TCP ports of the processes' sockets (/proc: their descriptors' inodes,
    found in the machine's socket tables)."""
    inodes = set()
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    link = os.readlink(f"/proc/{pid}/fd/{fd}")
                    if link.startswith("socket:["):
                        inodes.add(link[8:-1])
    ports = set()
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(path) as f:
            for line in f.readlines()[1:]:
                parts = line.split()
                if parts[9] in inodes:
                    ports.add(int(parts[1].rsplit(":", 1)[1], 16))
    return ports


async def backends(conn: Any) -> list[tuple[int, int]]:
    """This database's backends and their clients' ports."""
    return [(int(r["pid"]), int(r["client_port"])) for r in await conn.fetch(
        "SELECT pid, client_port FROM pg_stat_activity WHERE datname = current_database() "
        "AND client_port IS NOT NULL")]


async def backends_before(samples: Samples, conn: Any) -> None:
    """The backends' CPU as the morning begins."""
    for pid, _port in await backends(conn):
        with contextlib.suppress(OSError):
            samples.backends0[pid] = cpu_seconds(pid)


async def look_at_backends(samples: Samples, conn: Any, groups: dict[str, list[int]]) -> None:
    """Whose each backend is (its client's port among a group's sockets) and its CPU."""
    ports = {name: _ports_of(pids) for name, pids in groups.items()}
    for pid, port in await backends(conn):
        group = next((name for name, own in ports.items() if port in own), None)
        if group is not None:
            with contextlib.suppress(OSError):
                samples.backends[pid] = (group, cpu_seconds(pid))


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Answered:
    """The driver's record of one invitation it answered."""

    delivered: float  # when the expert's channel had it (the fake's clock)
    delay: float  # the expert's own delay, s (compressed)
    choice: str  # 1 / 2
    wait: float = 0.0  # of `delay`, the time from the delivery to the answer
    posted: float = 0.0  # when the answer was sent (wall clock)


def chain(activity: dict[str, Any], invitations: list[dict[str, Any]]
          ) -> list[dict[str, Any]]:
    """The invitations that decided a committee, first to last: the last confirmation, and
    back through each wave to the decline (or the start) that sent it. Empty for an
    activity not ended."""
    if activity["ended_at"] is None or activity["started_at"] is None:
        return []
    confirmed = [i for i in invitations if i["status"] == "confirmed" and i["replied_at"]]
    if not confirmed:
        return []
    found = [max(confirmed, key=lambda i: i["replied_at"])]
    while found[-1]["wave"] > 1:
        sent: datetime = found[-1]["sent_at"]
        causes = [i for i in invitations if i["status"] == "declined" and i["replied_at"]
                  and i["replied_at"] <= sent and i["wave"] < found[-1]["wave"]]
        if not causes:
            break
        found.append(max(causes, key=lambda i: i["replied_at"]))
    return found[::-1]


def added_latency(activity: dict[str, Any], invitations: list[dict[str, Any]],
                  answered: dict[int, Answered]) -> float | None:
    """The committee's time from the start to its end, less its experts' own time on the
    chain that decided it: each one's delay, and the driver's lag in sending their answer
    (the simulated expert's, not the service's). None for an activity not ended."""
    items = chain(activity, invitations)
    if not items:
        return None
    own = sum(said.delay + said.posted - said.delivered - said.wait
              for i in items if (said := answered.get(i["id"])))
    whole = (activity["ended_at"] - activity["started_at"]).total_seconds()
    return max(0.0, whole - own)


SEGMENTS = {
    "draw": "start → first invitations written",
    "out": "invitation written → on the expert's channel (a call: past its designed time)",
    "driver": "on the channel → answer sent, beyond the expert's delay (the driver's lag: "
              "not counted)",
    "reply": "answer sent → reply recorded",
    "wave": "decline recorded → the next wave written (补抽)",
    "end": "last confirmation → activity ended",
}


def segments(activity: dict[str, Any], invitations: list[dict[str, Any]],
             answered: dict[int, Answered]) -> dict[str, float]:
    """Where a committee's time went, along its deciding chain (s per segment; a voice
    call's designed wait is the expert's own, as in `added_latency`: the sum of all but the
    driver's lag)."""
    items = chain(activity, invitations)
    if not items:
        return {}
    part = dict.fromkeys(SEGMENTS, 0.0)
    part["draw"] = (items[0]["sent_at"] - activity["started_at"]).total_seconds()
    for n, item in enumerate(items):
        said = answered.get(item["id"])
        if said is None:
            continue
        sent, replied = item["sent_at"].timestamp(), item["replied_at"].timestamp()
        # (a call's designed wait is the expert's own: its lateness is the service's)
        part["out"] += said.delivered - sent - (said.delay - said.wait)
        part["driver"] += said.posted - said.delivered - said.wait
        part["reply"] += replied - said.posted
        if n + 1 < len(items):
            part["wave"] += items[n + 1]["sent_at"].timestamp() - replied
    part["end"] = (activity["ended_at"] - items[-1]["replied_at"]).total_seconds()
    return part


def counted(part: dict[str, float]) -> float:
    """A committee's added latency from its segments (the driver's lag is not the
    service's)."""
    return sum(v for k, v in part.items() if k != "driver")


def breakdown(parts: list[dict[str, float]]) -> list[list[str]]:
    """Each segment's p50 / p99 over the committees, and its share of the slowest tenth's."""
    slow = sorted(parts, key=lambda p: -counted(p))[:max(1, len(parts) // 10)]
    total = sum(counted(p) for p in slow) or 1.0
    return [[label, summary([p[key] for p in parts]),
             f"{sum(p[key] for p in slow) / total:.0%}"] for key, label in SEGMENTS.items()]


def added_latencies(roots: list[int], acts: list[dict[str, Any]],
                    invs: list[dict[str, Any]], answered: dict[int, Answered]) -> list[float]:
    """Each formed committee's added latency; where it went is printed (stderr)."""
    by_activity: dict[int, list[dict[str, Any]]] = {}
    rows_of = {a["id"]: a for a in acts}
    for item in invs:
        by_activity.setdefault(item["activity_id"], []).append(item)
    added = [x for aid in roots if (x := added_latency(
        rows_of[aid], by_activity.get(aid, []), answered)) is not None]
    part_of = {aid: segments(rows_of[aid], by_activity.get(aid, []), answered)
               for aid in roots}
    print("\nwhere the added latency went (p50 / p99 ms over the committees; share of the "
          "slowest tenth's)\n", file=sys.stderr)
    print(table(["segment", "p50 / p99 ms", "slowest tenth"],
                breakdown([p for p in part_of.values() if p])), file=sys.stderr)
    for aid in sorted(roots, key=lambda a: -counted(part_of[a]))[:5]:
        shown = [(i["answered_via"], i["sent_at"].strftime("%H:%M:%S.%f")[:12],
                  round(said.delivered - i["sent_at"].timestamp(), 2) if (
                      said := answered.get(i["id"])) else None)
                 for i in chain(rows_of[aid], by_activity.get(aid, []))]
        print(f"  slow: activity {aid}", {k: round(v, 2) for k, v in part_of[aid].items() if v},
              shown, file=sys.stderr)
    return added


def summary(values: list[float], scale: float = 1000) -> str:
    if not values:
        return "–"
    return f"{pct(values, .5) * scale:.0f} / {pct(values, .99) * scale:.0f}"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


async def rows(conn: Any, world: World) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    acts = [dict(r) for r in await conn.fetch(
        "SELECT id, started_at, ended_at, status FROM draw_activity WHERE id = ANY($1) OR "
        "parent_id = ANY($1)", world.activities)]
    invs = [dict(r) for r in await conn.fetch(
        "SELECT id, activity_id, expert_id, status, wave, sent_at, replied_at, answered_via "
        "FROM draw_invitation WHERE activity_id = ANY($1)", [a["id"] for a in acts])]
    return acts, invs


async def drained(conn: Any, timeout: float) -> float:
    """Seconds until no notification is waiting to be sent (or the timeout)."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        left = await conn.fetchval("SELECT count(*) FROM notification WHERE status = 'queued'")
        if not left:
            break
        await asyncio.sleep(1)
    return time.monotonic() - began


async def sample(samples: Samples, conn: Any, groups: dict[str, list[int]],
                 until: asyncio.Event) -> None:
    """Every second: the oldest due notification (the draws' and any), PostgreSQL's
    connections, each process group's memory."""
    while not until.is_set():
        for lane, kinds in (("draws", "draw.%"), ("all", "%")):
            oldest = await conn.fetchval(
                "SELECT min(next_attempt_at) FROM notification WHERE status = 'queued' "
                "AND next_attempt_at <= now() AND kind LIKE $1", kinds)
            samples.lag.setdefault(lane, []).append(
                (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0)
        samples.connections.append(await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"))
        for name, pids in groups.items():
            size = sum(rss_mb(p) for p in pids)
            samples.rss[name] = max(samples.rss.get(name, 0.0), size)
        await look_at_backends(samples, conn, groups)
        await asyncio.sleep(1)


async def notice() -> float:
    """The administrator's province-wide notice (a course published to every expert with
    the role: 30,000), the business action in-process as bench/mass_notice.py does."""
    from bench.mass_notice import publish

    return await publish("http://127.0.0.1:1")


async def login(http: aiohttp.ClientSession, fake: str, service: str) -> str:
    async with http.get(f"{fake}/bench/login-code", params={"openid": HANDLER_MINI}) as resp:
        code = (await resp.json())["code"]
    async with http.post(f"{service}/miniapp/v1/auth/login", json={"code": code}) as resp:
        return str((await resp.json())["token"])
