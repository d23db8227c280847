"""The `expertbot` command run as an operator runs it, in a process of its own."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable

from config.settings import Settings
from tests.support.helpers import process_env

# the `expertbot` fixture: run(*argv) -> (exit status, what it printed)
Expertbot = Callable[..., Awaitable[tuple[int, str]]]


async def cli(settings: Settings, *argv: str) -> tuple[int, str]:
    """`expertbot ...` in its own process, on the test's database."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "config.cli", *argv, env=process_env(settings),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None, err
    return proc.returncode, out.decode() + err.decode()
