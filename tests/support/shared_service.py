"""One running service per worker for the tests that would each start the same one.

Starting the service costs a test about a tenth of a second of CPU (the routes, tortoise's
models, the texts, the worker's cron table, a database connection whose catalogue caches
are cold), and most tests start it with the same settings. A test whose settings equal
those of a service this worker already runs gets that service, reset for it: its database
and Redis emptied, its in-process worker started for the test and stopped (with whatever
requests left running in the background) at its end, its clock back at the system's time,
a cookie jar of its own. The fake WeChat platform and the WeChat Pay gateway stay the
test's own: they listen on the same port for every test of the worker
(tests/support/ports.py), so the service's settings do not change from test to test."""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

import tortoise.context
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from tortoise.context import TortoiseContext

from bot.relay.channels import CHANNELS
from config.app import create_app
from config.serve import quiet
from config.settings import Settings
from config.worker import INPROCESS_WORKER
from tests.support.clock import MovedClock
from tests.support.leaks import keep_response
from tests.support.settings import environment

QUIET_GRACE = 10.0  # s the requests a test left on their way get to be answered
MAX_SHARED = 3  # services kept running per worker (each holds a pool and a worker's Redis)


class SharedClient(TestClient):
    """A test's own client of a shared service: closing it closes its session (cookies,
    connections), not the server the next test uses."""

    async def close(self) -> None:
        if not self._closed:
            for resp in self._responses:
                resp.close()
            for ws in self._websockets:
                await ws.close()
            await self._session.close()
            self._closed = True


def _fields_for_this_database() -> None:
    """The models' columns read as this database gives them. tortoise decides once, at its
    init, which columns the driver already returns as Python values (a date is one from
    asyncpg, text from SQLite); a test that starts a service of its own on another database
    (a PostgreSQL that does not answer, tests/process/test_degraded.py) leaves that decision
    behind for every model, and a later test on SQLite would read dates as text."""
    from models.experts import ExpertPastUnit

    meta = ExpertPastUnit._meta
    native = meta.db.executor_class.DB_NATIVE
    dates_native = any(f.field_type is date for _k, _m, f in meta.db_native_fields)
    if dates_native == (date in native):
        return
    for app in tortoise.Tortoise.apps.values():
        for model in app.values():
            model._meta._generate_db_fields()


@dataclass
class Shared:
    """A service started once for every test with its settings."""

    app: web.Application
    server: TestServer
    database: TortoiseContext

    def enter(self) -> None:
        """Its database is the one the test's code reaches (tortoise's global fallback:
        another service a test started meanwhile has closed and cleared its own)."""
        tortoise.context._global_context = self.database
        _fields_for_this_database()

    async def pause(self) -> None:
        """Nothing of it at work: its worker stopped, background work ended, no request
        still being answered (a test's fakes may have posted one just before they stopped)."""
        worker = self.app.get(INPROCESS_WORKER)
        if worker is not None:
            await worker.settle()
        assert self.server.runner is not None
        left = await quiet(self.server.runner, QUIET_GRACE)
        assert not left, f"{left} request(s) still being answered {QUIET_GRACE} s after the test"

    def resume(self) -> None:
        """Ready for the next test: nothing remembered of the last one's tokens, its
        worker polling."""
        channels = self.app[CHANNELS]
        for api in (channels.official, channels.mini):
            api.tokens.forget()
        worker = self.app.get(INPROCESS_WORKER)
        if worker is not None:
            worker.start()


class SharedServices:
    """This worker's shared services, by their settings, the least recently used closed
    past MAX_SHARED."""

    def __init__(self, clock: MovedClock) -> None:
        self.clock = clock
        self._running: OrderedDict[str, Shared] = OrderedDict()

    async def get(self, settings: Settings) -> Shared:
        """The service with these settings (and environment, which the parts with settings
        of their own read): running already, or started now (paused)."""
        key = repr((settings.model_dump_json(), environment()))
        if key in self._running:
            self._running.move_to_end(key)
            return self._running[key]
        while len(self._running) >= MAX_SHARED:
            _, oldest = self._running.popitem(last=False)
            await self._close(oldest)
        leave_database()
        app = create_app(settings, clock=self.clock)
        app.on_response_prepare.append(keep_response)
        server = TestServer(app)
        await server.start_server()
        database = tortoise.context._global_context
        assert database is not None, "the service started without its database"
        shared = Shared(app, server, database)
        await shared.pause()
        self._running[key] = shared
        return shared

    async def _close(self, shared: Shared) -> None:
        shared.enter()  # tortoise clears its global fallback only if it is this service's
        await shared.server.close()
        leave_database()

    async def close(self) -> None:
        """Stop them all (at the end of the worker's run)."""
        while self._running:
            _, shared = self._running.popitem()
            with contextlib.suppress(Exception):
                await self._close(shared)


def leave_database() -> None:
    """No service's database is tortoise's global fallback: a test that starts a service
    of its own may (tortoise allows one fallback at a time)."""
    tortoise.context._global_context = None
