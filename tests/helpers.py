"""Helpers shared by the tests: constants, state reset, and a chat driver."""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import io
import json
import os
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis
from tortoise import connections
from tortoise.context import get_current_context

from config.health import READINESS
from config.settings import ROOT, Settings
from sandbox.platform import Platform
from sandbox.wechat_push import Mode, Push, Pusher, event_fields, text_fields
from services.common.errors import DomainError
from services.common.pii import find_unmasked
from services.common.texts import Texts
from services.reference.snapshots import forget

# Phones and ID numbers found unmasked in anything the service sent during the current test
# (chat replies, API responses, log records); an autouse fixture fails the test on any.
LEAKS: list[str] = []
# Everything the service sent during the current test, as (where, text): checked at its end
# against the real phones and ID numbers of every person the test created (KNOWN_*, filled
# by conftest as persons are saved), which does not depend on the masking regex.
OUTPUTS: list[tuple[str, str]] = []
KNOWN_PHONES: set[str] = set()
KNOWN_IDS: set[str] = set()
# venues' contact phones: not personal data, shown unmasked on purpose (GD-DRAW's contacts
# are mobiles); tests/conftest.py collects them as notices are saved
VENUE_PHONES: set[str] = set()

# A phone or ID number however its digits are written apart (+86 138 0000 0002,
# 138-0000-0002, 138.0000.0002, 1 3 8...): candidates, checked against the known numbers.
_SEP = r"[ \-.\u00a0]*"
_PHONE_WRITTEN = re.compile(r"(?:(?<![0-9])|(?<=86))1" + _SEP + "[3-9]"
                            + (_SEP + "[0-9]") * 9 + r"(?![0-9])")
_ID_WRITTEN = re.compile(r"(?<![0-9])[1-9]" + (_SEP + "[0-9]") * 16 + _SEP + r"[0-9Xx]"
                         r"(?![0-9])")
# A phone, masked or not, in any of its written forms: what agency views must never show.
PHONE_LIKE = re.compile(r"(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9*]{4}){2}(?![0-9])")


def scan(where: str, text: str) -> None:
    OUTPUTS.append((where, text))
    LEAKS.extend(f"{where}: {found}" for found in personal(text))


def personal(text: str) -> list[str]:
    """What find_unmasked finds in `text`, but for venues' contact phones."""
    return [found for found in find_unmasked(text)
            if re.sub(r"[^0-9]", "", found)[-11:] not in VENUE_PHONES]


def known_leak_finder(phones: set[str], ids: set[str]) -> Callable[[str], list[str]]:
    """A function giving the phones and ID numbers of `phones` / `ids` that a text carries
    in clear, however they are written (with +86, spaces, dashes, dots, a lower-case x)."""
    ids = {i.upper() for i in ids}

    def digits(found: str) -> str:
        return re.sub(r"[^0-9Xx]", "", found).upper()

    def find(text: str) -> list[str]:
        return ([d for m in _PHONE_WRITTEN.finditer(text) if (d := digits(m.group(0))) in phones]
                + [d for m in _ID_WRITTEN.finditer(text) if (d := digits(m.group(0))) in ids])

    return find


TOKEN = "testtoken"
APPID = "wx1234567890abcdef"
SECRET = "test-secret"
MINI_APPID = "wxminiapp00000001"
MINI_SECRET = "mini-secret"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
OLD_AES_KEY = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut"


TEXTS = Texts(ROOT / "texts")  # the service's texts, to say what a reply should say


def said(exc: DomainError) -> str:
    """The words a refusal is answered with."""
    return TEXTS.error(exc)


def redis_of(app: web.Application) -> Redis:
    """The service's own Redis client (the one /readyz pings)."""
    return app[READINESS].redis


async def eventually(check: Callable[[], Awaitable[bool] | bool], timeout: float = 5.0) -> None:
    """Wait until `check()` holds (work done by the worker or a background task)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


async def reset_state(app: web.Application) -> None:
    """Empty every table (but the migrations record) and the Redis database."""
    await redis_of(app).flushdb()
    ctx = get_current_context()
    assert ctx is not None and ctx.apps is not None
    tables = [m._meta.db_table for m in ctx.apps.get_models_iterable()]
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        # a long statement: not bound by the web process's short DB_STATEMENT_TIMEOUT
        async with conn.acquire_connection() as raw:
            await raw.execute(f"TRUNCATE TABLE {', '.join(tables)} RESTART IDENTITY CASCADE",
                              timeout=60)
    else:  # foreign keys are checked per statement: switch them off while emptying
        await conn.execute_script("PRAGMA foreign_keys = OFF")
        try:
            for table in tables:
                await conn.execute_script(f"DELETE FROM {table}")
        finally:
            await conn.execute_script("PRAGMA foreign_keys = ON")
    forget()  # the reference data the process read from the tables just emptied


@dataclass
class Answer:
    status: int
    body: str
    fields: dict[str, str] | None
    elapsed: float

    @property
    def text(self) -> str:
        """The reply's text content ('' for `success`)."""
        return (self.fields or {}).get("Content", "")

    @property
    def silent(self) -> bool:
        return self.status == 200 and self.fields is None


class Chat:
    """Sends signed pushes to /wechat/callback as the WeChat server would."""

    def __init__(self, client: TestClient, mode: Mode = "plain", aes_key: str = AES_KEY,
                 token: str = TOKEN, appid: str = APPID) -> None:
        self.client = client
        self.pusher = Pusher(token, appid, aes_key if mode != "plain" else None, mode)

    async def post(self, push: Push) -> Answer:
        start = time.monotonic()
        resp = await self.client.post("/wechat/callback", params=push.query, data=push.body)
        body = await resp.text()
        elapsed = time.monotonic() - start
        fields = self.pusher.read_reply(body, push) if resp.status == 200 else None
        scan("chat reply", (fields or {}).get("Content", "") if fields else body)
        return Answer(resp.status, body, fields, elapsed)

    async def say(self, openid: str, content: str, **kw: int) -> Answer:
        return await self.post(self.pusher.build(text_fields(openid, content, **kw)))

    async def event(self, openid: str, event: str, key: str = "", **kw: str | int) -> Answer:
        return await self.post(self.pusher.build(event_fields(openid, event, key, **kw)))


@dataclass
class ApiAnswer:
    status: int
    data: dict

    @property
    def error(self) -> str:
        return str(self.data.get("error", ""))

    @property
    def message(self) -> str:
        return str(self.data.get("message", ""))


class Api:
    """Calls the mini-program API as the mini-program does."""

    def __init__(self, client: TestClient, platform: Platform) -> None:
        self.client = client
        self.platform = platform

    async def call(self, method: str, path: str, token: str | None = None,
                   json: dict | None = None, params: dict | None = None) -> ApiAnswer:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        resp = await self.client.request(method, "/miniapp/v1" + path, json=json,
                                         params=params, headers=headers)
        body = await resp.read()
        if resp.content_type.startswith(("application/pdf", "application/vnd.", "image/")):
            return ApiAnswer(resp.status, {"body": body})  # a binary download
        text = body.decode()
        scan(f"API {method} {path}", text)
        import json as jsonlib

        if resp.content_type != "application/json":  # a download (a CSV export, a file)
            return ApiAnswer(resp.status, {"body": text})
        return ApiAnswer(resp.status, jsonlib.loads(text) if text else {})

    async def upload(self, path: str, token: str, content: bytes, filename: str = "f.jpg",
                     content_type: str = "image/jpeg") -> ApiAnswer:
        import json as jsonlib

        import aiohttp

        form = aiohttp.FormData()
        form.add_field("file", io.BytesIO(content), filename=filename,
                       content_type=content_type)
        resp = await self.client.post("/miniapp/v1" + path, data=form,
                                      headers={"Authorization": f"Bearer {token}"})
        text = await resp.text()
        scan(f"API POST {path}", text)
        return ApiAnswer(resp.status, jsonlib.loads(text) if text else {})

    async def login(self, mp_openid: str, unionid: str | None = None) -> str:
        """wx.login() as `mp_openid`, then our login: the session token."""
        if unionid:
            self.platform.user(mp_openid).unionid = unionid
        answer = await self.call("POST", "/auth/login",
                                 json={"code": self.platform.login_code(mp_openid)})
        assert answer.status == 200, answer.data
        return str(answer.data["token"])


class Proxy:
    """A TCP proxy on loopback to a real server (host and port, or a unix socket path) that
    can misbehave as a sick server does: `freeze()` stops everything in both directions
    (a server that hangs mid-session), `reply_delay` holds each answer back (a server that
    did the work but answers too late)."""

    def __init__(self, target: tuple[str, int] | str) -> None:
        self.target = target
        self.reply_delay = 0.0
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: list[asyncio.StreamWriter] = []
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        """Listen; returns the port."""
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return self._server.sockets[0].getsockname()[1]

    def freeze(self) -> None:
        self._flowing.clear()

    def thaw(self) -> None:
        """The server answers again (connections opened while frozen stay dead)."""
        self._flowing.set()

    async def _open_upstream(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if isinstance(self.target, str):
            return await asyncio.open_unix_connection(self.target)
        return await asyncio.open_connection(*self.target)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    replies: bool) -> None:
        try:
            while data := await reader.read(65536):
                await self._flowing.wait()
                if replies and self.reply_delay:
                    await asyncio.sleep(self.reply_delay)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.append(writer)
        if not self._flowing.is_set():
            return  # a new connection to a hung server is accepted and never answered
        up_reader, up_writer = await self._open_upstream()
        self._writers.append(up_writer)
        for src, dst, replies in ((reader, up_writer, False), (up_reader, writer, True)):
            task = asyncio.get_running_loop().create_task(self._pipe(src, dst, replies))
            self._tasks.add(task)

    async def close(self) -> None:
        self._flowing.set()
        if self._server is not None:
            self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for writer in self._writers:
            writer.close()


def process_env(settings: Settings) -> dict[str, str]:
    """The environment that gives an `expertbot` subprocess these settings."""
    env = dict(os.environ)
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        if value is None or field.validation_alias is None:
            continue
        if isinstance(value, dict | list):
            value = json.dumps(value)
        elif isinstance(value, bool):
            value = "1" if value else "0"
        env[str(field.validation_alias)] = str(value)
    return env


class QueryCounter:
    """Counts the statements the ORM sends while active (`async with QueryCounter() as q`),
    whatever the database: every execute_* of every tortoise client class, counted once
    when one calls another."""

    METHODS = ("execute_insert", "execute_many", "execute_query", "execute_query_dict",
               "execute_query_dict_with_affected", "execute_script")

    def __init__(self) -> None:
        self.count = 0
        self._saved: list[tuple[type, str, object]] = []
        self._inside: contextvars.ContextVar[bool] = contextvars.ContextVar("counting",
                                                                            default=False)

    def _wrap(self, original: Callable[..., Awaitable[object]]) -> Callable[..., Awaitable[object]]:
        inside = self._inside

        async def counted(*args: object, **kwargs: object) -> object:
            if inside.get():
                return await original(*args, **kwargs)
            self.count += 1
            token = inside.set(True)
            try:
                return await original(*args, **kwargs)
            finally:
                inside.reset(token)

        return counted

    async def __aenter__(self) -> QueryCounter:
        from tortoise.backends.base.client import BaseDBAsyncClient

        todo, classes = [BaseDBAsyncClient], []
        while todo:
            cls = todo.pop()
            classes.append(cls)
            todo.extend(cls.__subclasses__())
        for cls in classes:
            for name in self.METHODS:
                if name in cls.__dict__:
                    original = cls.__dict__[name]
                    self._saved.append((cls, name, original))
                    setattr(cls, name, self._wrap(original))
        return self

    async def __aexit__(self, *exc: object) -> None:
        for cls, name, original in reversed(self._saved):
            setattr(cls, name, original)


def china_input(moment: datetime) -> str:
    """A moment as a person types it into a datetime-local field: China time, minutes."""
    from services.common.clock import CHINA

    return f"{moment.astimezone(CHINA):%Y-%m-%dT%H:%M}"
