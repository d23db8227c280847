"""Prometheus multiprocess mode for `expertbot serve` and `expertbot worker`: called by the
CLI before anything creates a metric. Each process's files in PROMETHEUS_MULTIPROC_DIR are
named after the host and the pid, so that containers sharing one directory (whose processes
may all have the same pid) do not write into each other's files."""

from __future__ import annotations

import os
import socket
import sys


def use_metrics_dir() -> None:
    """Create PROMETHEUS_MULTIPROC_DIR if it is set and name this process's files there."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not path:
        return
    os.makedirs(path, exist_ok=True)
    if "services.common.metrics" in sys.modules:  # its metrics would already write elsewhere
        raise RuntimeError("use_metrics_dir() must run before services.common.metrics is imported")
    from prometheus_client import values

    host = socket.gethostname().replace("_", "-")
    values.ValueClass = values.MultiProcessValue(  # type: ignore[no-untyped-call]
        lambda: f"{host}-{os.getpid()}")
