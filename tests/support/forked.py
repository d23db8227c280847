"""A long-running `expertbot` command (`serve`, `worker`) forked from the worker's preloaded process
(tests/support/preloaded.py), handled as a `subprocess.Popen` is: its pid, `poll`, `wait`,
`terminate` and `kill`. Its exit status comes over the socket it was asked on; a fork killed
before it could say one reads as killed (-SIGKILL), as Popen reads it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess


class Forked:
    def __init__(self, conn: socket.socket, pid: int, argv: tuple[str, ...]) -> None:
        self._conn = conn
        self._said = b""
        self.pid = pid
        self.args = argv
        self.returncode: int | None = None

    def _read(self, timeout: float | None) -> None:
        """Read what the fork said, waiting at most `timeout` (0: not at all)."""
        self._conn.settimeout(timeout)
        while self.returncode is None:
            try:
                chunk = self._conn.recv(64)
            except BlockingIOError:
                return
            except TimeoutError:
                raise subprocess.TimeoutExpired(list(self.args), timeout or 0) from None
            if not chunk:  # ended without a status: killed
                self.returncode = int(self._said) if self._said.strip() else -signal.SIGKILL
            else:
                self._said += chunk
                if b"\n" in self._said:
                    self.returncode = int(self._said)
        self._conn.close()

    def poll(self) -> int | None:
        if self.returncode is None:
            self._read(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self._read(timeout)
        assert self.returncode is not None
        return self.returncode

    def _signal(self, sig: int) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    def send_signal(self, sig: int) -> None:
        self._signal(sig)

    def terminate(self) -> None:
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)
