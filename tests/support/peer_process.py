"""Another library as a process of its own: `expertbot serve` (with its in-process worker;
forked from the worker's preloaded process where there is one) on its own SQLite file (a
copy of the run's migrated template, the demo loaded by `expertbot demo`) and its own Redis
database and prefix, configured as a library that trusts the test's service. Started,
stopped and started again with another configuration over the same database; its
`expertbot` commands run with the same settings."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import redis

from services.federation import Identity
from tests.support.cli import Preloaded
from tests.support.forked import Forked
from tests.support.helpers import process_env
from tests.support.ports import free_port
from tests.support.settings import make_settings

REDIS_DB = 15  # the other library's Redis database (the service's own is another)


def other_redis(url: str, db: int = REDIS_DB) -> str:
    """The same Redis server, another database (a unix socket's given by `?db=`)."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        query = "&".join([q for q in parts.query.split("&") if q and not q.startswith("db=")]
                         + [f"db={db}"])
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, ""))


@dataclass
class LibraryProcess:
    identity: Identity
    infra: dict[str, str]
    folder: Path
    wechat_base: str
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | Forked | None = None
    # the worker's preloaded process: its `expertbot` commands (`serve` too) are its forks
    preloaded: Preloaded | None = None
    # its Redis database, its own: the workers' job queue is not named by REDIS_PREFIX, so
    # two libraries on one database would run each other's jobs (and sweeps) on their own
    # databases
    redis_db: int = REDIS_DB

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> Path:
        return self.folder / "library.sqlite3"

    def env(self, trusting: Identity, their_url: str, accept: str,
            *others: tuple[Identity, str, str], **more: str) -> dict[str, str]:
        """Its settings, trusting `trusting` at `their_url` (its requests decided as `accept`
        says) and the `others` (each its identity, its address and `accept`); `more`:
        further settings (the federation's pace, e.g. `FEDERATION_TIMEOUT`)."""
        settings = make_settings(
            self.infra, DATABASE_URL=f"sqlite://{self.database}",
            # its own keys: two other libraries may run beside this service at once
            REDIS_URL=other_redis(self.infra["REDIS_URL"], self.redis_db),
            REDIS_PREFIX=f"peer{self.port}:",
            EXPERTBOT_VAR_DIR=str(self.folder / "var"), WECHAT_API_BASE=self.wechat_base,
            EXPERTBOT_INPROCESS_WORKER=True,
            # its sweep every second, not every 15 s (what the tests wait for: its rosters,
            # fee sheets and answers); stopped at once (the drain has its own tests)
            DRAW_SWEEP_SECONDS=1, SHUTDOWN_DRAIN=0)
        env = process_env(settings)
        env.update(FEDERATION_CODE=self.identity.code, FEDERATION_NAME=self.identity.name,
                   FEDERATION_PRIVATE_KEY=self.identity.private_key,
                   FEDERATION_TIMEOUT="5", FEDERATION_PEERS=json.dumps([{
                       "code": peer.code, "name": peer.name, "url": url,
                       "public_key": peer.public_key(), "accept": mode}
                       for peer, url, mode in ((trusting, their_url, accept), *others)]))
        env.update(more)
        return env

    def _fresh_redis(self) -> None:
        """Its Redis database emptied, as its database is new (no job of an earlier test's
        library left in its queue), on the worker's own embedded server only (a server given
        by REDIS_URL may hold another worker's libraries)."""
        parts = urlsplit(other_redis(self.infra["REDIS_URL"], self.redis_db))
        if parts.scheme == "unix":
            with redis.Redis(unix_socket_path=parts.path, db=self.redis_db) as client:
                client.flushdb()

    def prepare(self, env: dict[str, str]) -> None:
        """Its database: the run's migrated template, with the demo's people."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._fresh_redis()
        shutil.copyfile(self.infra["SQLITE_TEMPLATE"], self.database)
        if self.preloaded is not None:
            code, said = self.preloaded.run_blocking(env, ("demo",))
            assert code == 0, said[-2000:]
            return
        done = subprocess.run([sys.executable, "-m", "config.cli", "demo"], env=env,
                              capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode()[-2000:]

    def prepare_as(self, other: LibraryProcess) -> None:
        """Its database and files a copy of `other`'s as prepared (the same demo: the tests'
        libraries share their keys), instead of loading the demo again."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._fresh_redis()
        shutil.copyfile(other.database, self.database)
        if (other.folder / "var").exists():
            shutil.copytree(other.folder / "var", self.folder / "var", dirs_exist_ok=True)

    async def start(self, env: dict[str, str]) -> None:
        argv = ("serve", "--host", "127.0.0.1", "--port", str(self.port))
        if self.preloaded is not None:  # a fork of the preloaded process: no imports again
            self.proc = self.preloaded.spawn(env, argv, self.folder / "serve.log")
        else:
            with (self.folder / "serve.log").open("ab") as log:
                self.proc = subprocess.Popen(  # noqa: ASYNC220
                    [sys.executable, "-m", "config.cli", *argv], env=env, stdout=log,
                    stderr=log)
        async with aiohttp.ClientSession() as http:
            for _ in range(600):
                assert self.proc.poll() is None, self.log()
                try:
                    async with http.get(f"{self.url}/readyz") as resp:
                        if resp.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError("the other library did not start: " + self.log())

    async def stop(self) -> None:
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        proc.terminate()
        try:
            await asyncio.to_thread(proc.wait, 20)
        except subprocess.TimeoutExpired:
            proc.kill()
            await asyncio.to_thread(proc.wait, 5)

    async def kill(self) -> None:
        """Killed, as a crash would: no shutdown, whatever it was doing cut off."""
        if self.proc is not None:
            proc, self.proc = self.proc, None
            proc.kill()
            await asyncio.to_thread(proc.wait, 5)

    def banner(self) -> str:
        """What `serve` printed as it started (the first lines of its log)."""
        path = self.folder / "serve.log"
        return path.read_text(errors="replace")[:3000] if path.exists() else ""

    def log(self) -> str:
        path = self.folder / "serve.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    async def expertbot(self, env: dict[str, str], *args: str) -> tuple[int, str]:
        if self.preloaded is not None:
            return await self.preloaded.run(env, args, timeout=120)
        done = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "config.cli", *args], env=env,
            capture_output=True, timeout=120)
        return done.returncode, (done.stdout + done.stderr).decode(errors="replace")

    def change(self, sql: str, *values: Any) -> None:
        """Time passing there (an evaluation's end come), as its own sweep would record it."""
        with sqlite3.connect(self.database) as db:
            db.execute(sql, values)

    def http(self) -> aiohttp.ClientSession:
        """A client of its API (the mini-program's calls, `tests.support.api.Api` over it;
        its console, `tests.support.console.Desk` over it: the cookies of a loopback
        address kept)."""
        return aiohttp.ClientSession(base_url=self.url,
                                     cookie_jar=aiohttp.CookieJar(unsafe=True))

    def read(self, sql: str, *values: Any) -> list[tuple[Any, ...]]:
        """Its database read as its operator would (the draw it made, to audit it)."""
        with sqlite3.connect(self.database) as db:
            return list(db.execute(sql, values))
