"""A Redis master, its replica and three sentinels on loopback
(tests/process/test_sentinel.py): real redis-server processes in a temporary directory, on
free ports, stopped even when the test fails. Sentinels run as `redis-server <conf>
--sentinel` (Redis 7 ships no separate binary)."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from redis.asyncio import Redis
from redis.exceptions import RedisError

from tests.support.helpers import eventually
from tests.support.ports import free_port

SERVICE = "mymaster"
QUORUM = 2
DOWN_AFTER_MS = 1000  # a master silent this long is subjectively down
FAILOVER_TIMEOUT_MS = 2000  # a failed election is tried again after twice this


def redis_server() -> str | None:
    """A system redis-server able to run as a sentinel (not the embedded one's)."""
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)



@dataclass
class Node:
    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    def client(self) -> Redis:
        return Redis(host="127.0.0.1", port=self.port, decode_responses=True,
                     socket_timeout=2, socket_connect_timeout=2)


@dataclass
class SentinelCluster:
    base: Path
    binary: str
    nodes: dict[str, Node] = field(default_factory=dict)

    def _start(self, name: str, args: list[str], port: int | None = None) -> Node:
        directory = self.base / name
        directory.mkdir(parents=True, exist_ok=True)
        port = port or free_port()
        log = directory / "redis.log"
        conf = directory / "redis.conf"
        conf.write_text("\n".join([f"port {port}", "bind 127.0.0.1", "daemonize no",
                                   f"dir {directory}", f"logfile {log}", *args]) + "\n")
        sentinel = ["--sentinel"] if name.startswith("sentinel") else []
        proc = subprocess.Popen([self.binary, str(conf), *sentinel],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        node = Node(name, port, proc, log)
        self.nodes[name] = node
        return node

    def start(self) -> None:
        """The master, the replica, then the sentinels, each told at start what it would
        otherwise learn from the master's INFO and the others' hellos (every 10 s and 2 s):
        the replica and the other two sentinels, by the run ids they are given."""
        # a replica's first sync starts at once (Redis waits 5 s by default for more
        # replicas to share one diskless transfer)
        nodes = ['save ""', "appendonly no", "repl-diskless-sync-delay 0"]
        master = self._start("master", nodes)
        replica = self._start("replica", [*nodes,
                                          f"replicaof 127.0.0.1 {master.port}"])
        ports = [free_port() for _ in range(3)]
        ids = [f"{i + 1:040x}" for i in range(3)]
        for i in range(3):
            self._start(f"sentinel{i}", [
                f"sentinel myid {ids[i]}",
                f"sentinel monitor {SERVICE} 127.0.0.1 {master.port} {QUORUM}",
                f"sentinel down-after-milliseconds {SERVICE} {DOWN_AFTER_MS}",
                f"sentinel failover-timeout {SERVICE} {FAILOVER_TIMEOUT_MS}",
                f"sentinel parallel-syncs {SERVICE} 1",
                f"sentinel known-replica {SERVICE} 127.0.0.1 {replica.port}",
                *(f"sentinel known-sentinel {SERVICE} 127.0.0.1 {ports[j]} {ids[j]}"
                  for j in range(3) if j != i)], port=ports[i])

    @property
    def sentinels(self) -> list[Node]:
        return [n for name, n in self.nodes.items() if name.startswith("sentinel")]

    @property
    def setting(self) -> str:
        """REDIS_SENTINELS for these sentinels."""
        return ",".join(f"127.0.0.1:{n.port}" for n in self.sentinels)

    def node_at(self, port: int) -> Node:
        return next(n for n in self.nodes.values() if n.port == port)

    async def _ask(self, node: Node, *command: str) -> object:
        client = node.client()
        try:
            return await client.execute_command(*command)
        finally:
            await client.aclose()

    async def master_port(self) -> int | None:
        """The master's port as the sentinels name it (None while they disagree)."""
        named = set()
        for node in self.sentinels:
            addr = await self._ask(node, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", SERVICE)
            named.add(int(addr[1]) if isinstance(addr, list | tuple) else None)
        return named.pop() if len(named) == 1 else None

    async def wait_ready(self, timeout: float = 30) -> None:
        """The replica in sync, and every sentinel knowing the replica and the two others
        (without them no quorum, no election)."""
        replica = self.nodes["replica"]

        async def synced() -> bool:
            with contextlib.suppress(RedisError, OSError):  # not listening yet
                info = await self._info(replica, "replication")
                return info.get("master_link_status") == "up"
            return False

        async def acquainted() -> bool:
            for node in self.sentinels:
                try:
                    state = await self._ask(node, "SENTINEL", "MASTER", SERVICE)
                except (RedisError, OSError):
                    return False
                fields = dict(zip(state[::2], state[1::2], strict=True))  # type: ignore[index]
                if int(fields["num-other-sentinels"]) < 2 or int(fields["num-slaves"]) < 1:
                    return False
                # and each has read the replica's own INFO: a replica it has not heard from
                # is no candidate for an election (NOGOODSLAVE)
                replicas = await self._ask(node, "SENTINEL", "REPLICAS", SERVICE)
                seen = [dict(zip(r[::2], r[1::2], strict=True))
                        for r in replicas]  # type: ignore[attr-defined]
                if not any(r.get("flags") == "slave" and r.get("master-link-status") == "ok"
                           for r in seen):
                    return False
            return True

        await eventually(synced, timeout=timeout)
        await eventually(acquainted, timeout=timeout)

    async def _info(self, node: Node, section: str) -> dict[str, object]:
        client = node.client()
        try:
            return dict(await client.info(section))
        finally:
            await client.aclose()

    async def has_keys(self, node: Node, keys: list[str]) -> bool:
        client = node.client()
        try:
            return int(await client.exists(*keys)) == len(keys)
        finally:
            await client.aclose()

    async def kill(self, node: Node) -> None:
        """SIGKILL: no goodbye to the replica or the clients."""
        node.proc.send_signal(signal.SIGKILL)
        await asyncio.to_thread(node.proc.wait, 10)

    def stop(self) -> None:
        for node in self.nodes.values():
            if node.proc.poll() is None:
                node.proc.kill()
        for node in self.nodes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):  # not after SIGKILL
                node.proc.wait(timeout=10)

    def logs(self) -> str:
        """The tail of every server's log, for a failure message."""
        return "\n".join(f"--- {n.name}\n" + "\n".join(
            n.log.read_text(errors="replace").splitlines()[-15:]) for n in self.nodes.values()
            if n.log.exists())


@asynccontextmanager
async def sentinel_cluster(base: Path, binary: str) -> AsyncIterator[SentinelCluster]:
    """Started and ready; every process killed on the way out, whatever happened."""
    cluster = SentinelCluster(base, binary)
    try:
        cluster.start()
        try:
            await cluster.wait_ready()
        except AssertionError:
            raise AssertionError("sentinel cluster not ready\n" + cluster.logs()) from None
        yield cluster
    finally:
        cluster.stop()
