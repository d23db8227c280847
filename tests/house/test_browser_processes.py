"""The browser the tests start ends with the run: none of its processes is left running for
the next run (or CI's next stage) to share the machine with."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.support.browser import CHROMIUM, NO_CHROMIUM, running_chromium


def _running(pgid: int) -> list[int]:
    """The processes of group `pgid` still running (a zombie has ended: its parent, or init
    once the parent is gone, collects it)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        state, _, pgrp = stat[stat.rfind(")") + 2:].split()[:3]
        if int(pgrp) == pgid and state != "Z":
            found.append(int(pid))
    return found


def _main(profile: Path) -> int:
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if str(profile).encode() in cmdline and b"--remote-debugging-port" in cmdline:
            return int(pid)
    raise AssertionError("the browser is not running")


@pytest.mark.browser
def test_the_browser_leaves_no_process_behind(tmp_path: Path) -> None:
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    with running_chromium(tmp_path) as endpoint:
        assert endpoint.startswith("ws://")
        pgid = os.getpgid(_main(tmp_path))
        assert len(_running(pgid)) > 1  # the browser and the processes it started
    # a process killed a moment ago may not have ended yet: the kernel's time, not ours
    deadline = time.monotonic() + 5
    while (left := _running(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert left == []
