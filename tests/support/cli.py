"""The `expertbot` command run as an operator runs it, in a process of its own."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from config.settings import Settings
from tests.support.forked import Forked
from tests.support.helpers import process_env

# the `expertbot` fixture: run(*argv) -> (exit status, what it printed)
Expertbot = Callable[..., Awaitable[tuple[int, str]]]


def _apart(out: str, err: str) -> tuple[str, str]:
    """What the command wrote to its standard output and to its standard error."""
    return Path(out).read_bytes().decode(), Path(err).read_bytes().decode()


def _printed(out: str, err: str) -> str:
    """What the command wrote to its standard output, then to its standard error."""
    return "".join(_apart(out, err))


class Preloaded:
    """This worker's process that has imported the service, whose forks run `expertbot`
    commands (tests/support/preloaded.py): started at the first command, stopped with the
    worker's session."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.socket = str(folder / "cli.sock")
        self.proc: subprocess.Popen[bytes] | None = None

    def started(self) -> Preloaded:
        if self.proc is None:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.support.preloaded", self.socket],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            assert self.proc.stdout is not None
            ready = self.proc.stdout.readline()
            assert ready == b"ready\n", ready
        return self

    def stop(self) -> None:
        if self.proc is not None:
            assert self.proc.stdin is not None and self.proc.stdout is not None
            self.proc.stdin.close()  # its cue to end
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc.stdout.close()
            self.proc = None

    def _request(self, env: dict[str, str], argv: tuple[str, ...]) -> tuple[bytes, str, str]:
        """The request for a command, and the files its output and errors go to."""
        files = []
        for _ in range(2):
            made = tempfile.NamedTemporaryFile(dir=self.folder, delete=False)  # noqa: SIM115
            made.close()
            files.append(made.name)
        request = json.dumps({"argv": argv, "env": env, "cwd": os.getcwd(),
                              "out": files[0], "err": files[1]}).encode() + b"\n"
        return request, files[0], files[1]

    @staticmethod
    def _finish(pid: int, out: str, err: str) -> None:
        if pid:  # timed out, or the test was cancelled: the command goes too
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        os.unlink(out)
        os.unlink(err)

    async def run(self, env: dict[str, str], argv: tuple[str, ...],
                  timeout: float = 60) -> tuple[int, str]:
        """The command's exit status and what it printed (its output, then its errors)."""
        code, out, err = await self.run_apart(env, argv, timeout)
        return code, out + err

    async def run_apart(self, env: dict[str, str], argv: tuple[str, ...],
                        timeout: float = 60) -> tuple[int, str, str]:
        """The command's exit status, its standard output and its standard error."""
        request, out, err = self._request(env, argv)
        reader, writer = await asyncio.open_unix_connection(self.started().socket)
        pid = 0
        try:
            writer.write(request)
            await writer.drain()
            pid = int(await asyncio.wait_for(reader.readline(), timeout))
            status = await asyncio.wait_for(reader.readline(), timeout)
            assert status, "the command's process ended without an exit status"
            pid = 0
            return int(status), *_apart(out, err)
        finally:
            self._finish(pid, out, err)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    def spawn(self, env: dict[str, str], argv: tuple[str, ...], log: Path) -> Forked:
        """A command that runs until stopped (`serve`), its output and errors appended to
        `log`: handled as a `subprocess.Popen` (tests/support/forked.py)."""
        request = json.dumps({"argv": argv, "env": env, "cwd": os.getcwd(), "out": str(log),
                              "err": str(log)}).encode() + b"\n"
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(30)
        conn.connect(self.started().socket)
        conn.sendall(request)
        pid = b""
        while not pid.endswith(b"\n"):
            byte = conn.recv(1)
            assert byte, "the preloaded process did not fork the command"
            pid += byte
        return Forked(conn, int(pid), argv)

    def run_blocking(self, env: dict[str, str], argv: tuple[str, ...],
                     timeout: float = 120) -> tuple[int, str]:
        """`run`, for a caller outside the event loop's turn (as `subprocess.run` was)."""
        request, out, err = self._request(env, argv)
        pid = 0
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.settimeout(timeout)
                conn.connect(self.started().socket)
                conn.sendall(request)
                with conn.makefile("rb") as answers:
                    pid = int(answers.readline())
                    status = answers.readline()
            assert status, "the command's process ended without an exit status"
            pid = 0
            return int(status), _printed(out, err)
        finally:
            self._finish(pid, out, err)


async def cli(settings: Settings, *argv: str, preloaded: Preloaded | None = None
              ) -> tuple[int, str]:
    """`expertbot ...` in its own process, on the test's database: forked from the worker's
    preloaded process, or started anew where the environment chooses Prometheus'
    multiprocess mode (it must be chosen before the service is imported)."""
    env = process_env(settings)
    if preloaded is not None and "PROMETHEUS_MULTIPROC_DIR" not in env:
        return await preloaded.run(env, argv)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "config.cli", *argv, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None, err
    return proc.returncode, out.decode() + err.decode()
