"""Prometheus multiprocess mode for `expertbot serve` and `expertbot worker`: called by the
CLI before anything creates a metric. Each process's files in PROMETHEUS_MULTIPROC_DIR are
named after the host and the pid, so that containers sharing one directory (whose processes
may all have the same pid) do not write into each other's files. A process that stops
(normally, or on SIGTERM) removes its gauges of the live modes, so that the replica's state
is the live processes' (prometheus_client's `mark_process_dead`, for these file names)."""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import socket
import sys

_CHOSEN: list[str] = []  # the directory this process's metrics write to, once chosen


def use_metrics_dir() -> None:
    """Create PROMETHEUS_MULTIPROC_DIR if it is set and name this process's files there
    (once: a second call does nothing)."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not path or _CHOSEN:
        return
    _CHOSEN.append(path)
    os.makedirs(path, exist_ok=True)
    if "services.common.metrics" in sys.modules:  # its metrics would already write elsewhere
        raise RuntimeError("use_metrics_dir() must run before services.common.metrics is imported")
    from prometheus_client import values

    host = socket.gethostname().replace("_", "-")
    values.ValueClass = values.MultiProcessValue(  # type: ignore[no-untyped-call]
        lambda: f"{host}-{os.getpid()}")
    atexit.register(_forget_live_gauges, path, host)


def _forget_live_gauges(path: str, host: str) -> None:
    for name in glob.glob(os.path.join(path, f"gauge_live*_{host}-{os.getpid()}.db")):
        with contextlib.suppress(OSError):
            os.remove(name)
