"""Redis or the database unreachable: the callback still answers within 1.5 s, with a short
busy reply, and /readyz names the failing part."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from yarl import URL

from config.app import create_app
from config.settings import Settings
from sandbox.wechat_push import text_fields
from tests.support.helpers import eventually
from tests.support.proxy import Proxy
from tests.support.settings import make_settings
from tests.support.wechat import Chat


@pytest.fixture
async def blackhole() -> AsyncIterator[int]:
    """A TCP port that accepts connections and never answers (a hung server)."""
    held: list[asyncio.StreamWriter] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def _client(aiohttp_client, settings: Settings) -> Chat:
    return Chat(await aiohttp_client(create_app(settings)))


@pytest.mark.parametrize("redis_url", ["redis://127.0.0.1:1/0", "blackhole"])
async def test_redis_down_answers_busy_fast(aiohttp_client, infra, blackhole: int,
                                            redis_url: str) -> None:
    if redis_url == "blackhole":
        redis_url = f"redis://127.0.0.1:{blackhole}/0"
    chat = await _client(aiohttp_client, make_settings(infra, REDIS_URL=redis_url))
    start = time.monotonic()
    answer = await chat.say("o_busy", "帮助")
    assert time.monotonic() - start < 1.5
    assert answer.status == 200 and "系统繁忙，请稍后再试" in answer.text
    ready = await chat.client.get("/readyz")
    assert ready.status == 503
    assert (await ready.json())["failing"] == ["redis"]
    assert (await chat.client.get("/healthz")).status == 200


@pytest.mark.parametrize("db", ["refused", "blackhole"])
async def test_database_down_answers_busy_fast(aiohttp_client, infra, blackhole: int,
                                               db: str) -> None:
    port = 1 if db == "refused" else blackhole
    settings = make_settings(infra, DATABASE_URL=f"postgres://nobody@127.0.0.1:{port}/none")
    chat = await _client(aiohttp_client, settings)
    push = chat.pusher.build(text_fields("o_busy_db", "帮助"))
    start = time.monotonic()
    answer = await chat.post(push)
    assert time.monotonic() - start < 1.5
    assert "系统繁忙，请稍后再试" in answer.text
    ready = await chat.client.get("/readyz")
    assert ready.status == 503
    assert (await ready.json())["failing"] == ["database"]
    # the push never reached a handler, so WeChat's retry of it is handled afresh (not
    # swallowed by dedup as if it had been answered)
    retry = await chat.post(push)
    assert "系统繁忙" in retry.text


async def test_database_hanging_mid_session_answers_busy_fast(aiohttp_client, infra) -> None:
    """A known user (identity cached in Redis, so no database read before the handler) asks
    for something that needs the database just after the database stopped answering on the
    pooled connections: still a busy reply within 1.5 s, not silence after the 3 s budget."""
    url = URL(infra["DATABASE_URL"])
    if url.scheme not in ("postgres", "postgresql"):
        pytest.skip("needs PostgreSQL (a SQLite file cannot hang mid-session); CI runs it")
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    port = await proxy.start()
    try:
        web_default = Settings.model_fields["db_statement_timeout"].default
        settings = make_settings(infra, DATABASE_URL=str(url.with_port(port)),
                                 DB_STATEMENT_TIMEOUT=web_default)
        chat = await _client(aiohttp_client, settings)
        first = await chat.say("o_hang_db", "我的信息")  # creates the identity, caches it
        assert "系统繁忙" not in first.text and first.text
        proxy.freeze()
        start = time.monotonic()
        answer = await chat.say("o_hang_db", "我的信息")
        assert time.monotonic() - start < 1.5
        assert "系统繁忙，请稍后再试" in answer.text
    finally:
        await proxy.close()


async def test_ready_when_both_answer(client) -> None:
    async def worker_polls() -> bool:  # the in-process worker's heartbeat, once it polled
        return (await client.get("/healthz/worker")).status == 200

    await eventually(worker_polls, timeout=10)
    resp = await client.get("/readyz")
    assert resp.status == 200
    assert await resp.json() == {"status": "ready",
                                 "checks": {"database": "ok", "redis": "ok", "worker": "ok"}}


async def test_redis_down_gives_the_console_its_busy_page(aiohttp_client, infra) -> None:
    """A desk user whose session cannot be read (Redis refuses) reads the console's Chinese
    busy page, not aiohttp's bare English 500; signed out, the sign-in page still opens."""
    settings = make_settings(infra, REDIS_URL="redis://127.0.0.1:1/0")
    client = await aiohttp_client(create_app(settings))
    client.session.cookie_jar.update_cookies({"eb_console": "s" * 43})
    page = await client.get("/console/sanctions?view=all&expert_number=E0001")
    text = await page.text()
    assert page.status == 503, text
    assert "系统繁忙，请稍后再试" in text and "无法完成" in text
    assert "Server got itself in trouble" not in text
    assert page.headers["Cache-Control"] == "no-store"
    client.session.cookie_jar.clear()
    assert (await client.get("/console/sign-in")).status == 200
