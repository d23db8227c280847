"""`expertbot serve`: the web process, and how it stops without dropping a push.

On SIGTERM (or SIGINT) the process
1. reports not ready (/readyz answers 503 "draining") and answers every response with
   `Connection: close`, while it keeps accepting for SHUTDOWN_DRAIN s, so that a load
   balancer stops sending it new connections before it stops listening;
2. stops listening, and waits (at most SHUTDOWN_GRACE s) until every request it has received
   has been answered, bodies still arriving included, and every connection that has not yet
   sent a whole request has sent it and been answered;
3. closes the idle connections, shuts the application down (the in-process worker, the
   runtime) and exits. A second signal skips what is left of the drain.

aiohttp's own shutdown (web.run_app) closes every connection first and then discards the
bytes still arriving on them, so a push whose body was on its way waited out the 60 s
shutdown timeout unanswered; step 2 is what avoids that.

The process runs on uvloop (libuv's event loop, in C) unless EVENT_LOOP says asyncio. A
reply to a push is a dozen round trips (Redis, PostgreSQL, the response), each a few
callbacks, a timer or two (the statement's timeout, the pool's) and a socket read and write;
asyncio's own loop runs all of that in Python; uvloop runs it in C (bench/README.md, "uvloop
in the web process", for what it saves).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from aiohttp import hdrs, web
from aiohttp.web_protocol import RequestHandler

log = logging.getLogger(__name__)


@dataclass
class Lifecycle:
    """Whether the process is draining (shared by /readyz and the responses)."""

    draining: bool = False


LIFECYCLE = web.AppKey("lifecycle", Lifecycle)


async def _close_when_draining(request: web.Request, response: web.StreamResponse) -> None:
    if request.config_dict[LIFECYCLE].draining:  # sub-apps see the root app's keys
        # the headers were computed before this hook runs: say it, then do it
        response.headers[hdrs.CONNECTION] = "close"
        response.force_close()


def setup_lifecycle(app: web.Application) -> None:
    app[LIFECYCLE] = Lifecycle()
    app.on_response_prepare.append(_close_when_draining)


def _busy(conn: RequestHandler) -> bool:
    """A connection with a request being handled or queued, or one that has not sent a whole
    request yet (its headers may be on their way). aiohttp keeps this state private; the
    fault tests (tests/test_fault_processes.py) pin it for the version in use."""
    return bool(conn._request_in_progress or conn._messages or conn._request_count == 0)


async def quiet(runner: web.BaseRunner, grace: float) -> int:
    """Wait until no connection is busy, at most `grace` s; returns how many still were."""
    deadline = time.monotonic() + grace
    while True:
        server = runner.server
        busy = [c for c in (server.connections if server else []) if _busy(c)]
        if not busy or time.monotonic() >= deadline:
            return len(busy)
        await asyncio.sleep(0.02)


async def _serve(app: web.Application, host: str, port: int, reuse_port: bool,
                 drain: float, grace: float) -> None:
    runner = web.AppRunner(app, access_log=None, handle_signals=False,
                           shutdown_timeout=grace)
    await runner.setup()
    site = web.TCPSite(runner, host, port, reuse_port=reuse_port or None)
    await site.start()
    signals = asyncio.Queue[int]()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, signals.put_nowait, sig)
    try:
        received = await signals.get()
        log.info("signal %s: draining for %.1f s, then stopping", signal.Signals(received).name,
                 drain)
        app[LIFECYCLE].draining = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(signals.get(), drain)  # a second signal: stop at once
        await site.stop()
        left = await quiet(runner, grace)
        if left:
            log.warning("%d connection(s) still busy after %.1f s; closing them", left, grace)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await runner.cleanup()
    log.info("stopped")


T = TypeVar("T")
Kind = Literal["uvloop", "asyncio"]


def loop_factory(kind: Kind) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The factory `asyncio.Runner` takes for `kind` (None: the standard loop)."""
    if kind == "asyncio":
        return None
    import uvloop  # imported here: only the web process pays for it

    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T], kind: Kind) -> T:
    """`asyncio.run(main)` on the loop `kind` names."""
    with asyncio.Runner(loop_factory=loop_factory(kind)) as runner:
        return runner.run(main)


def serve(app: web.Application, host: str, port: int, *, reuse_port: bool = False,
          drain: float = 2.0, grace: float = 3.0, loop: Kind = "uvloop") -> None:
    """Serve `app` until SIGTERM / SIGINT, then stop as the module docstring says; on the
    event loop `loop` names."""
    run(_serve(app, host, port, reuse_port, drain, grace), loop)
