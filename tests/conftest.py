"""Fixtures every test folder uses: the run's databases and Redis, the fake WeChat
platform and WeChat Pay gateway on loopback, the service over real HTTP with an empty world
or the demo world, and the checks every test ends with (nothing personal left in clear,
every notification fits its channels). The suite runs on the embedded defaults (SQLite file
+ embedded Redis), or on PostgreSQL and a Redis server when DATABASE_URL / REDIS_URL point at
them (CI does both)."""

from __future__ import annotations

import asyncio
import functools
import json
import os
import re
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from arq.connections import ArqRedis

from bot.relay.channels import CHANNELS
from config.app import create_app
from config.redis_client import make_arq
from config.settings import Settings
from config.settings.redis import redis_target
from sandbox.app import register_templates, sync_followers
from sandbox.events import CallbackClient
from sandbox.fake_api import fake_api_app, stop_pushing
from sandbox.pay.app import pay_gateway_app
from sandbox.pay.gateway import PayGateway
from sandbox.platform import Platform
from sandbox.wechat_push import Pusher
from services.demo import DemoPerson
from services.reference.snapshots import forget
from tests.support import births
from tests.support.accounts import APPID, MINI_APPID, MINI_SECRET, SECRET, TOKEN
from tests.support.api import Api
from tests.support.browser import CHROMIUM, NO_CHROMIUM, running_chromium
from tests.support.cli import Expertbot, Preloaded, cli
from tests.support.clock import MovedClock
from tests.support.federation import GUANGZHOU, SHAOGUAN
from tests.support.infra import migrate_beside, worker_infra
from tests.support.leaks import PLATFORMS, keep_response, watching_for_leaks
from tests.support.notification_check import check_made
from tests.support.order import worksteal_order
from tests.support.peer_library import PeerLibrary
from tests.support.ports import free_port, held_port
from tests.support.settings import make_settings
from tests.support.shared_service import SharedClient, SharedServices, leave_database
from tests.support.watchdog import Watchdog
from tests.support.wechat import Chat
from tests.support.world import demo_world, reset_state

births.record()  # where each connection is made, for a report of one dropped unclosed

# aiohttp compiles each route's pattern through `re`'s cache, which keeps 512 patterns; the
# service has some 1,400 routes, so every service a test builds (the sandbox's, one of its
# own settings) compiled them all again and pushed every other pattern out: 0.14 CPU-s to
# build and start a sandbox service, 0.10 with the cache large enough (docs/test-runs.md,
# "round 3"). The same patterns, compiled once a process.
re._MAXCACHE = max(getattr(re, "_MAXCACHE", 0), 4096)  # type: ignore[attr-defined]


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """A report of an object finalised unclosed says where it was made
    (tests/support/births.py): after pytest's own hook is in place."""
    births.explain()


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: two workers per core. A test waits on loopback much of its time (the fake
    WeChat and WeChat Pay servers, the in-process worker, Redis, the database): one worker
    per core leaves the cores a third idle (tests/README.md, "Why it is fast"). On
    PostgreSQL one more than the cores: its server needs a share of them (on 2 cores the
    whole suite took 360 s with 2 workers, 309 s with 3, 321 s with 4)."""
    cores = os.cpu_count() or 1
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return cores + 1
    return 2 * cores


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The tiers (tests/README.md, "Tiers"): `browser` for every test in Chromium, `process` for
    every test under tests/process/ (servers, workers and Redis or PostgreSQL clusters started
    as processes of their own) and every test that runs the `expertbot` command (the
    `expertbot` fixture); `slow` is set by hand where a test is slow for other reasons."""
    for item in items:
        if "chromium" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if ("process" in Path(str(item.path)).parts[-2:-1]
                or "expertbot" in getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.process)
    # one share per worker, each a slice of every kind (tests/support/order.py): those that
    # need no database first (they run while the template is migrated: see
    # pytest_sessionstart), the long ones early, the quick ones last (the same order on
    # every worker)
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    items[:] = worksteal_order(items, workers)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under pytest-xdist the controller migrates the run's template in a process of its
    own, beside the workers (tests/support/infra.py)."""
    config = session.config
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    if config.option.collectonly:
        return
    shared = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
    config.stash[MIGRATION] = migrate_beside(shared)


MIGRATION = pytest.StashKey[Any]()


@pytest.fixture(scope="session")
def infra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """This worker's database and Redis for the whole session (tests/support/infra.py)."""
    own: Path = tmp_path_factory.mktemp("infra")
    # the run's folder, shared by its workers (each worker's basetemp is inside it)
    shared = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        shared = shared.parent
    with worker_infra(own, shared) as infra:
        yield infra


@pytest.fixture
def platform() -> Platform:
    """The fake WeChat platform's state (followers, tokens, what was sent)."""
    platform = Platform(APPID, SECRET, MINI_APPID, MINI_SECRET)
    PLATFORMS.append(platform)
    return platform


@pytest.fixture(scope="session")
def held_ports() -> dict[str, int]:
    """The ports the fake WeChat platform and the WeChat Pay gateway of this worker listen
    on, the same in every test: the shared service's settings name them
    (tests/support/shared_service.py)."""
    return {}


async def _serve_held(aiohttp_server: Any, app: web.Application, ports: dict[str, int],
                      name: str) -> TestServer:
    """`app` served on this worker's port for `name` (another one if something else on
    the machine took it meanwhile: the services that named the old one are not shared)."""
    for attempt in range(3):
        port = ports.setdefault(name, held_port())
        try:
            return await aiohttp_server(app, port=port)  # type: ignore[no-any-return]
        except OSError:
            del ports[name]
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@pytest.fixture
async def wechat(aiohttp_server, platform: Platform, held_ports: dict[str, int]) -> TestServer:
    """The fake WeChat API, served on loopback like the real one."""
    return await _serve_held(aiohttp_server, fake_api_app(platform), held_ports, "wechat")


@pytest.fixture(scope="session")
def pay_secrets() -> dict[str, str]:
    """A merchant and a fake gateway key pair, made once (RSA key generation is slow)."""
    from config.dev_secrets import generate_pay_secrets

    return generate_pay_secrets()


@pytest.fixture
async def pay_gateway(aiohttp_server, pay_secrets: dict[str, str],
                      held_ports: dict[str, int]) -> PayGateway:
    """The fake WeChat Pay gateway, served on loopback like api.mch.weixin.qq.com."""
    gateway = PayGateway(mchid=pay_secrets["WECHATPAY_MCHID"],
                         apiv3_key=pay_secrets["WECHATPAY_APIV3_KEY"],
                         merchant_private_key=pay_secrets["WECHATPAY_PRIVATE_KEY"],
                         gateway_private_key=pay_secrets["SANDBOX_WECHATPAY_PRIVATE_KEY"],
                         public_key_id=pay_secrets["WECHATPAY_PUBLIC_KEY_ID"])
    server = await _serve_held(aiohttp_server, pay_gateway_app(gateway), held_ports, "pay")
    gateway.base_url = str(server.make_url("")).rstrip("/")
    return gateway


@pytest.fixture
def settings(request: pytest.FixtureRequest, infra: dict[str, str],
             wechat: TestServer) -> Settings:
    """Payments are configured for the tests that ask for the `pay_gateway` (loading RSA
    keys costs every other test time for nothing)."""
    pay: dict[str, str] = {}
    if "pay_gateway" in request.fixturenames:
        gateway: PayGateway = request.getfixturevalue("pay_gateway")
        secrets = request.getfixturevalue("pay_secrets")
        pay = {k: v for k, v in secrets.items() if not k.startswith("SANDBOX_")}
        pay["WECHATPAY_API_BASE"] = gateway.base_url
    return make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"), **pay)


@pytest.fixture
async def arq(infra: dict[str, str]) -> AsyncIterator[ArqRedis]:
    """arq's queue on the test worker's Redis, as the service's processes reach it."""
    settings = make_settings(infra)
    queue = make_arq(redis_target(settings.redis_url), settings)
    yield queue
    await queue.aclose()


@pytest.fixture(scope="session")
def shared_clock() -> MovedClock:
    return MovedClock()


@pytest.fixture
def clock(shared_clock: MovedClock) -> MovedClock:
    """The clock the `client`'s service reads, moved by hand (tests/support/clock.py): at
    the system's time when the test starts (one for the worker, which its shared services
    read)."""
    shared_clock.offset = 0.0
    return shared_clock


@pytest.fixture(scope="session")
async def shared_services(shared_clock: MovedClock) -> AsyncIterator[SharedServices]:
    """This worker's running services, shared by the tests with the same settings."""
    services = SharedServices(shared_clock)
    yield services
    await services.close()


@pytest.fixture(autouse=True)
def no_shared_database() -> None:
    """No shared service's database is tortoise's global fallback while a test starts
    (one that starts a service of its own may: tortoise allows one at a time)."""
    leave_database()


@pytest.fixture
async def client(request: pytest.FixtureRequest, settings: Settings,
                 platform: Platform, clock: MovedClock,
                 shared_services: SharedServices) -> AsyncIterator[TestClient]:
    """The service over real HTTP on loopback, with an empty database and Redis; the fake
    platform pushes its events (TEMPLATESENDJOBFINISH) to it. A service of this worker
    with the same settings is used again (tests/support/shared_service.py)."""
    shared = await shared_services.get(settings)
    shared.enter()
    app = shared.app
    test_client = SharedClient(shared.server)
    await test_client.start_server()
    if "pay_gateway" in request.fixturenames:
        request.getfixturevalue("pay_gateway").notify_to = str(
            test_client.make_url("/pay/notify"))
    await reset_state(app)
    register_templates(platform, app[CHANNELS].notify_texts)
    shared.resume()
    async with aiohttp.ClientSession() as session:
        callback = CallbackClient(session, str(test_client.make_url("/wechat/callback")),
                                  Pusher(TOKEN, APPID), platform)
        platform.on_template_sent = callback.template_finished
        yield test_client
        # the fakes stop pushing (the platform delivers what is on its way, the gateway's
        # retries end), the test's own connections close, then the service finishes what
        # it was doing: no request or job of this test reaches into the next one
        await stop_pushing(request.getfixturevalue("wechat").app, platform)
        if "pay_gateway" in request.fixturenames:
            await request.getfixturevalue("pay_gateway").close()
        await test_client.close()
        await shared.pause()


@pytest.fixture(scope="session")
def preloaded_cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preloaded]:
    """This worker's process that has imported the service once, whose forks run the
    `expertbot` commands (tests/support/preloaded.py): 1.5-2.5 s of CPU less a command."""
    preloaded = Preloaded(tmp_path_factory.mktemp("cli"))
    yield preloaded
    preloaded.stop()


@pytest.fixture
def expertbot(settings: Settings, preloaded_cli: Preloaded) -> Expertbot:
    """`expertbot ...` as an operator runs it, in a process of its own, on the test's
    database and Redis: `code, printed = await expertbot("audit", "12")`."""
    return functools.partial(cli, settings, preloaded=preloaded_cli)


@pytest.fixture
def chat(client: TestClient) -> Chat:
    """Talk to the service as WeChat does (plaintext mode)."""
    return Chat(client)


@pytest.fixture
def api(client: TestClient, platform: Platform) -> Api:
    """Call the mini-program API as the mini-program does."""
    return Api(client, platform)


@pytest.fixture
async def demo(client: TestClient, platform: Platform) -> dict[str, DemoPerson]:
    """The documented demo data set, as `expertbot demo` loads it but for its example fee
    standard (tests/support/world.py);
    the demo people follow the official account on the (fake) platform."""
    people = await demo_world(client.app)
    await sync_followers(platform)
    return people


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One Debian Chromium for this worker's whole run (its DevTools address): a browser test
    connects to it and opens contexts of its own instead of launching a browser."""
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    with running_chromium(tmp_path_factory.mktemp("chromium")) as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
async def connected_chromium(chromium: str) -> AsyncIterator[Any]:
    """This worker's Playwright, connected to the run's Chromium once: starting Playwright's
    driver (a Node.js process) and connecting cost each browser test half a second of CPU."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        connected = await pw.chromium.connect_over_cdp(chromium)
        yield connected
        await connected.close()  # only disconnects: the browser is stopped with `chromium`


@pytest.fixture
async def browser(connected_chromium: Any) -> AsyncIterator[Any]:
    """The run's Chromium for one test: the contexts (cookies, pages) the test opens are
    closed at its end, whatever its outcome (an open page would keep its connections to the
    server past the test)."""
    before = list(connected_chromium.contexts)
    try:
        yield connected_chromium
    finally:
        for context in connected_chromium.contexts:
            if context not in before:
                await context.close()


@pytest.fixture
async def sandbox(aiohttp_server, infra: dict[str, str],
                  pay_secrets: dict[str, str]) -> AsyncIterator[TestServer]:
    """The service in sandbox mode on a real port with the demo world: the fake WeChat API,
    the fake WeChat Pay gateway and the simulator are under /sandbox/ of the same process,
    as with `make run`."""
    port = free_port()
    own = f"http://127.0.0.1:{port}"
    settings = make_settings(infra, WECHAT_SANDBOX=True, WECHAT_API_BASE="", SMS_PROVIDER="",
                             PUBLIC_BASE_URL=own, **pay_secrets)
    app = create_app(settings, own_url=own)
    app.on_response_prepare.append(keep_response)
    server = await aiohttp_server(app, port=port)
    await reset_state(app)
    await demo_world(app)
    yield server


@pytest.fixture
async def page(sandbox: TestServer, browser: Any) -> Any:
    """The sandbox's simulator page, open in the run's Chromium."""
    opened = await browser.new_page()
    await opened.goto(str(sandbox.make_url("/sandbox/")))
    return opened


@pytest.fixture(autouse=True)
def no_unmasked_personal_data() -> Iterator[None]:
    """Fails any test during which something the service sent carried a phone or an ID number
    in clear: a chat reply, an API response, a web page, a log record, a message or SMS the
    fake platform delivered (tests/support/leaks.py)."""
    with watching_for_leaks() as leaks:
        yield
    assert not leaks, f"personal data left the service in clear: {leaks[:20]}"


@pytest.fixture(autouse=True)
def shipped_reference_data() -> Iterator[None]:
    """Each test starts on the shipped regions and catalogue: one that imports a newer list
    or makes a catalogue current changes its process's copy, not the next test's."""
    yield
    forget()


@pytest.fixture(autouse=True)
def every_notification_fits_its_channels() -> Iterator[None]:
    """Each notification the test made renders for every channel of its kind, every field
    within the channel's rules (tests/support/notification_check.py)."""
    check_made()
    yield
    found = check_made()
    assert not found, f"notifications no channel would take: {found[:10]}"


def _dump_tasks(signum: int, frame: object) -> None:
    """Prints every asyncio task's stack: sent by the watchdog below before pytest-timeout
    fails a hung test, or by hand with `kill -USR2 <pytest pid>`."""
    import sys

    try:
        loop = asyncio.get_event_loop()
        for task in asyncio.all_tasks(loop):
            print("TASK", task, file=sys.stderr)
            task.print_stack(limit=12, file=sys.stderr)
    except RuntimeError as exc:
        print("no loop to dump:", exc, file=sys.stderr)


signal.signal(signal.SIGUSR2, _dump_tasks)
WATCHDOG_SECONDS = 100  # pytest-timeout (pyproject) fails the test at 120 s
WATCHDOG = Watchdog(WATCHDOG_SECONDS, lambda: os.kill(os.getpid(), signal.SIGUSR2))


@pytest.fixture(autouse=True)
def hung_test_watchdog() -> Iterator[None]:
    """A test still running after WATCHDOG_SECONDS gets its asyncio tasks dumped to stderr,
    so a hang in CI shows where it waits instead of only that it timed out."""
    WATCHDOG.arm()
    yield
    WATCHDOG.disarm()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The controller's migration, still running when a run stops early, is stopped.
    A SQLite connection reopened after its app closed (a task touching the database too
    late) keeps a non-daemon thread that would hang the interpreter's exit, and CI with it:
    stop such threads, and say so."""
    import gc
    import sys

    import aiosqlite.core

    migration = session.config.stash.get(MIGRATION, None)
    if migration is not None and migration.poll() is None:
        migration.terminate()
        migration.wait()

    leaked = [obj for obj in gc.get_objects()
              if isinstance(obj, aiosqlite.core.Connection) and obj._running]
    for conn in leaked:
        conn.stop()
    if leaked:
        print(f"\nwarning: {len(leaked)} SQLite connection(s) were left open by the suite",
              file=sys.stderr)


@pytest.fixture
async def shaoguan_library(aiohttp_server, held_ports: dict[str, int],
                           monkeypatch: pytest.MonkeyPatch) -> PeerLibrary:
    """韶关's library on a port this worker keeps, trusting this one, and this service
    configured as 广州's, trusting it (before the service starts: ask for it first)."""
    peer = PeerLibrary(identity=SHAOGUAN)
    port = held_ports.setdefault("peer-library", held_port())
    await aiohttp_server(peer.app(), port=port)
    peer.trusting(GUANGZHOU, "http://127.0.0.1:1")
    monkeypatch.setenv("FEDERATION_CODE", GUANGZHOU.code)
    monkeypatch.setenv("FEDERATION_NAME", GUANGZHOU.name)
    monkeypatch.setenv("FEDERATION_PRIVATE_KEY", GUANGZHOU.private_key)
    monkeypatch.setenv("FEDERATION_PEERS", json.dumps([{
        "code": SHAOGUAN.code, "name": SHAOGUAN.name, "url": f"http://127.0.0.1:{port}",
        "public_key": SHAOGUAN.public_key()}]))
    return peer
