"""The province's unified identity platform as a process of its own (`python -m
sandbox.identity`), the console signing agencies in through it: a sign-in goes through; the
platform restarted between the console's redirect and the return (its codes forgotten, a new
signing key under the same kid) is refused in words, and the next sign-in goes through with
the new key; the platform down or slower than the client's timeout is refused in words, and
nobody is signed in by a failure; a code sent back twice signs in once."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from config.settings import Settings
from sandbox.identity.platform import CLIENT_ID, CLIENT_SECRET
from tests.support.console import Desk
from tests.support.ports import free_port
from tests.support.settings import make_settings


class Platform:
    def __init__(self) -> None:
        self.port = free_port()
        self.proc: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "sandbox.identity", "--port", str(self.port),
            stdout=asyncio.subprocess.DEVNULL)
        deadline = time.monotonic() + 30  # its imports take seconds on a loaded machine
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline and self.proc.returncode is None:
                try:
                    async with session.get(f"{self.url}/jwks") as answer:
                        if answer.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        await self.stop()  # not left running past the test that gave up on it
        raise AssertionError("the platform did not start")

    async def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            await asyncio.wait_for(self.proc.wait(), timeout=10)
            self.proc = None

    async def fault(self, **wanted: Any) -> None:
        async with aiohttp.ClientSession() as session, session.post(
                f"{self.url}/control", json=wanted) as answer:
            assert answer.status == 200


@pytest.fixture
async def platform_process() -> AsyncIterator[Platform]:
    running = Platform()
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
def settings(infra: dict[str, str], wechat: TestServer,
             platform_process: Platform) -> Settings:
    return make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                         UNIFIED_IDENTITY=platform_process.url,
                         UNIFIED_IDENTITY_CLIENT_ID=CLIENT_ID,
                         UNIFIED_IDENTITY_CLIENT_SECRET=CLIENT_SECRET,
                         UNIFIED_IDENTITY_TIMEOUT=1)


async def _to_platform(desk: Desk) -> str:
    await desk.get("/console/sign-in")
    sent, _ = await desk.get("/console/sign-in/unified", follow=False)
    assert sent.status == 303
    return sent.headers["Location"]


async def _signed_there(address: str) -> str:
    """The legal person signs in at the platform's page (四级): where it sends the browser."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(address).query).items()}
    async with aiohttp.ClientSession() as browser:
        back = await browser.post(address.split("?")[0], allow_redirects=False,
                                  data={**query, "who": "agency_legal", "account": "legal",
                                        "level": "4"})
        assert back.status == 302
        returned = urlsplit(back.headers["Location"])
        return f"{returned.path}?{returned.query}"


async def test_the_console_signs_in_through_a_platform_that_restarts_slows_and_fails(
        client: TestClient, demo: dict, platform_process: Platform) -> None:
    legal = demo["agency_legal"]
    desk = Desk(client)
    # a sign-in through the platform
    back = await _signed_there(await _to_platform(desk))
    answer, page = await desk.get(back)
    assert answer.status == 200 and legal.name in page
    await desk.sign_out()
    # the same return again (a browser's replay): refused, nobody signed in
    again, page = await desk.get(back)
    assert again.status == 403 and "重新点" in page
    # restarted between the redirect and the return: its code is gone
    address = await _to_platform(desk)
    back = await _signed_there(address)
    await platform_process.stop()
    await platform_process.start()  # a new signing key under the same kid
    lost, page = await desk.get(back)
    assert lost.status == 403 and "已使用过" in page
    # the next sign-in goes through, with the new key read from the platform's JWKS
    fresh, page = await desk.get(await _signed_there(await _to_platform(desk)))
    assert fresh.status == 200 and legal.name in page
    await desk.sign_out()
    # slower than the client's timeout, then down: refused in words
    await platform_process.fault(slow=2)  # past the client's 1 s
    slow, page = await desk.get(await _signed_there(await _to_platform(desk)))
    assert slow.status == 403 and "暂时连不上统一身份认证平台" in page
    await platform_process.fault(down=True)
    down, page = await desk.get(await _signed_there(await _to_platform(desk)))
    assert down.status == 403 and "暂时连不上统一身份认证平台" in page
    home, _ = await desk.get("/console/home", follow=False)
    assert home.status == 303  # signed in by none of them
    await platform_process.fault()
    back_up, page = await desk.get(await _signed_there(await _to_platform(desk)))
    assert back_up.status == 200 and legal.name in page
