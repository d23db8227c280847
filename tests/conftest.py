"""Test harness: the suite runs on the embedded defaults (SQLite file + embedded Redis), or
on PostgreSQL and a Redis server when DATABASE_URL / REDIS_URL point at them (CI does both)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import shutil
import signal
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from tortoise.signals import post_save

from bot.channels import CHANNELS
from config.app import create_app
from config.database import run_migrations
from config.logging_setup import install_pii_masking
from config.settings import Settings
from models import sealing
from models.calls import VirtualCall
from models.draws import Notice
from models.people import Person
from sandbox.app import register_templates, sync_followers
from sandbox.events import CallbackClient
from sandbox.fake_api import fake_api_app
from sandbox.pay_app import pay_gateway_app
from sandbox.pay_gateway import PayGateway
from sandbox.platform import Platform
from sandbox.wechat_push import Pusher
from services.common.pii import Vault
from services.reference.snapshots import forget
from tests.helpers import (
    AES_KEY,
    APPID,
    KNOWN_IDS,
    KNOWN_PHONES,
    LEAKS,
    MINI_APPID,
    MINI_SECRET,
    OUTPUTS,
    SECRET,
    TOKEN,
    VENUE_PHONES,
    Api,
    Chat,
    known_leak_finder,
    personal,
    reset_state,
    scan,
)
from tests.notification_check import check_made
from web.context import DOMAIN

ID_ENCRYPTION_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
# The fake platforms of the current test: what they delivered is scanned at its end.
PLATFORMS: list[Platform] = []


def _pg(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def _migrate_postgres(url: str, settings: Settings) -> None:
    """Empty the given database and migrate it: the template every worker copies."""
    import asyncpg

    from config.database import run_migrations

    async def run() -> None:
        conn = await asyncpg.connect(_pg(url), timeout=5)
        try:
            # a test database: end whatever else is connected (a run cut off earlier) so the
            # drop cannot wait on its locks
            await conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                               " WHERE datname = current_database() AND pid <> pg_backend_pid()")
            await conn.execute("SET lock_timeout = '10s'")
            await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        finally:
            await conn.close()
        await run_migrations(settings, echo=False)

    asyncio.run(run())


def _copy_postgres(template_url: str, worker: int) -> str:
    """A database of this worker's own beside the template (`test` → `test_w1`), made anew
    from it: tests empty their tables at will."""
    import asyncpg

    base, _, name = template_url.rpartition("/")
    own = f"{name}_w{worker}"

    async def run() -> None:
        # through the maintenance database: nobody may be connected to the template
        conn = await asyncpg.connect(_pg(f"{base}/postgres"), timeout=5)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{own}" TEMPLATE "{name}"')
        finally:
            await conn.close()

    asyncio.run(run())
    return f"{base}/{own}"


def _own_redis_db(url: str, worker: int) -> str:
    """Under pytest-xdist worker N uses Redis database (given + N): tests flush theirs."""
    if worker == 0:
        return url
    base, _, db = url.rpartition("/")
    if not db.isdigit() or base.endswith(":/"):
        base, db = url.rstrip("/"), "0"
    return f"{base}/{int(db) + worker}"


def _worker_index() -> int:
    """0 without pytest-xdist, else the index of this worker (gw0, gw1, …)."""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)


@contextlib.contextmanager
def _run_lock(shared: Path) -> Iterator[None]:
    """Held by one worker of the run at a time (a file lock in the run's shared folder)."""
    import fcntl

    with open(shared / "migrate.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def infra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Database and Redis for the whole session, one of each per pytest-xdist worker. The
    real migrations run once per run, into a template that every worker copies (a SQLite
    file, or a PostgreSQL `CREATE DATABASE … TEMPLATE`)."""
    from config.embedded_redis import start_server, stop_server, wait_ready

    base: Path = tmp_path_factory.mktemp("infra")
    worker = _worker_index()
    # the run's folder, shared by its workers (each worker's basetemp is inside it)
    shared = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        shared = shared.parent
    proc = None
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        redis_url = _own_redis_db(redis_url, worker)
    else:
        proc, redis_url = start_server(base / "redis", persist=False)
        wait_ready(proc, redis_url)
    given = os.environ.get("DATABASE_URL", "")
    template = given or f"sqlite://{shared / 'template.sqlite3'}"
    infra = {"DATABASE_URL": template, "REDIS_URL": redis_url, "VAR": str(base / "var"),
             "TEMPLATE_URL": template}
    with _run_lock(shared):
        if not (shared / "migrated").exists():
            if given:
                _migrate_postgres(given, make_settings(infra))
            else:
                asyncio.run(run_migrations(make_settings(infra), echo=False))
            (shared / "migrated").touch()
        if given:
            infra["DATABASE_URL"] = _copy_postgres(given, worker)
        else:
            own = base / "test.sqlite3"
            shutil.copyfile(shared / "template.sqlite3", own)
            infra["DATABASE_URL"] = f"sqlite://{own}"
    yield infra
    stop_server(proc)


def make_settings(infra: dict[str, str], **overrides: object) -> Settings:
    values: dict[str, object] = {
        "EXPERTBOT_ENV": "test",
        "EXPERTBOT_VAR_DIR": infra["VAR"],
        "DATABASE_URL": infra["DATABASE_URL"],
        "REDIS_URL": infra["REDIS_URL"],
        "REDIS_PREFIX": "t:",
        "WECHAT_TOKEN": TOKEN,
        "WECHAT_APPID": APPID,
        "WECHAT_SECRET": SECRET,
        "WECHAT_AES_KEY": AES_KEY,
        "MINIAPP_APPID": MINI_APPID,
        "MINIAPP_SECRET": MINI_SECRET,
        "SECRET_KEY": "test-secret-key",
        "ID_ENCRYPTION_KEY": ID_ENCRYPTION_KEY,
        "WECHAT_API_BASE": "http://127.0.0.1:9/unused",  # tests with a client get the fake
        "WECHAT_SANDBOX": False,
        # most tests push in plaintext as the Chat helper does; tests of compatible and
        # safe mode set it (the deployments' default is safe)
        "WECHAT_MESSAGE_MODE": "plain",
        "SMS_PROVIDER": "sandbox",
        "EXPERTBOT_INPROCESS_WORKER": True,
        # desks sign in with the password alone here; tests/test_second_factor.py asks more
        "DESK_2FA_ROLES": "",
        # a loaded 2-core CI machine stalls PostgreSQL now and then for longer than the web
        # default (0.6 s); the hung-database test sets the default back explicitly
        "DB_STATEMENT_TIMEOUT": 10.0,
        # a test-only password cost (the default is for attackers, not for demo worlds)
        "PASSWORD_SCRYPT_LOG_N": 4,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def platform() -> Platform:
    """The fake WeChat platform's state (followers, tokens, what was sent)."""
    platform = Platform(APPID, SECRET, MINI_APPID, MINI_SECRET)
    PLATFORMS.append(platform)
    return platform


@pytest.fixture
async def wechat(aiohttp_server, platform: Platform) -> TestServer:
    """The fake WeChat API, served on loopback like the real one."""
    return await aiohttp_server(fake_api_app(platform))


@pytest.fixture(scope="session")
def pay_secrets() -> dict[str, str]:
    """A merchant and a fake gateway key pair, made once (RSA key generation is slow)."""
    from config.dev_secrets import generate_pay_secrets

    return generate_pay_secrets()


@pytest.fixture
async def pay_gateway(aiohttp_server, pay_secrets: dict[str, str]) -> PayGateway:
    """The fake WeChat Pay gateway, served on loopback like api.mch.weixin.qq.com."""
    gateway = PayGateway(mchid=pay_secrets["WECHATPAY_MCHID"],
                         apiv3_key=pay_secrets["WECHATPAY_APIV3_KEY"],
                         merchant_private_key=pay_secrets["WECHATPAY_PRIVATE_KEY"],
                         gateway_private_key=pay_secrets["SANDBOX_WECHATPAY_PRIVATE_KEY"],
                         public_key_id=pay_secrets["WECHATPAY_PUBLIC_KEY_ID"])
    server = await aiohttp_server(pay_gateway_app(gateway))
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
async def client(request: pytest.FixtureRequest, aiohttp_client, settings: Settings,
                 platform: Platform) -> AsyncIterator[TestClient]:
    """The service over real HTTP on loopback, with an empty database and Redis; the fake
    platform pushes its events (TEMPLATESENDJOBFINISH) to it."""
    app = create_app(settings)
    app.on_response_prepare.append(_keep_response)
    test_client = await aiohttp_client(app)
    if "pay_gateway" in request.fixturenames:
        request.getfixturevalue("pay_gateway").notify_to = str(
            test_client.make_url("/pay/notify"))
    await reset_state(app)
    register_templates(platform, app[CHANNELS].notify_texts)
    async with aiohttp.ClientSession() as session:
        callback = CallbackClient(session, str(test_client.make_url("/wechat/callback")),
                                  Pusher(TOKEN, APPID), platform)
        platform.on_template_sent = callback.template_finished
        yield test_client
        await test_client.close()  # the app stops while its callbacks can still reach it


@pytest.fixture
def chat(client: TestClient) -> Chat:
    """Talk to the service as WeChat does (plaintext mode)."""
    return Chat(client)


@pytest.fixture
def api(client: TestClient, platform: Platform) -> Api:
    """Call the mini-program API as the mini-program does."""
    return Api(client, platform)


@pytest.fixture
async def demo(client: TestClient, platform: Platform) -> dict[str, object]:
    """The documented demo data set, loaded as `expertbot demo` does; the demo people follow
    the official account on the (fake) platform."""
    from services.demo import DEMO_PEOPLE, load_demo

    await load_demo(client.app[DOMAIN].people, client.app[DOMAIN].files)
    await sync_followers(platform)
    return {d.key: d for d in DEMO_PEOPLE}


_TEXT_TYPES = ("text/", "application/json", "application/xml", "image/svg+xml")


async def _keep_response(request: web.Request, response: web.StreamResponse) -> None:
    """Every body the service answers with (API, chat replies, pages), for the scan at the end
    of the test; the sandbox's own pages (a stand-in for WeChat, not the service) excepted."""
    if request.path.startswith("/sandbox/") or not isinstance(response, web.Response):
        return
    if request.path == "/miniapp/v1/admin/experts" and response.status == 200 and \
            request.query.get("unmasked", "").lower() in ("true", "1"):
        return  # the register in full, for the office that keeps it: each read recorded
    if not (response.content_type or "").startswith(_TEXT_TYPES):
        return
    body = response.body
    if isinstance(body, bytes | bytearray):
        text = bytes(body).decode(response.charset or "utf-8", "replace")
        scan(f"response {request.method} {request.path} {response.status}", text)


_vault = Vault(ID_ENCRYPTION_KEY)
sealing.install(_vault)  # the same keys as every app the tests make


@post_save(Person)
async def _remember_personal_data(sender: type[Person], instance: Person, created: bool,
                                  using_db: object, update_fields: object) -> None:
    """The real phone and ID number of every person a test creates (or gives a new phone)."""
    KNOWN_PHONES.add(instance.phone)
    # made with another key (or a placeholder): no number to look for
    with contextlib.suppress(Exception):
        KNOWN_IDS.add(_vault.decrypt(instance.id_number_enc))


@post_save(Notice)
async def _remember_venue_phone(sender: type[Notice], instance: Notice, created: bool,
                               using_db: object, update_fields: object) -> None:
    VENUE_PHONES.add(re.sub(r"[^0-9]", "", instance.contact_phone)[-11:])


@post_save(VirtualCall)
async def _remember_middle_number(sender: type[VirtualCall], instance: VirtualCall,
                                  created: bool, using_db: object,
                                  update_fields: object) -> None:
    """A provider's middle number (虚拟号码) is nobody's phone: shown to the staff as it is."""
    if instance.middle_number:
        VENUE_PHONES.add(instance.middle_number)


class _LogScanner(logging.Handler):
    """Sees each record as it leaves through a handler: the log-record factory masked it
    when it was created (config.logging_setup), so this is the text that reaches the logs."""

    def emit(self, record: logging.LogRecord) -> None:
        scan(f"log {record.name}", self.format(record))


def _delivered(platform: Platform) -> list[tuple[str, str]]:
    """What the fake platform delivered: customer-service, template and subscribe messages
    and SMS texts. The recipient (openid, or the phone an SMS goes to) is not part of it."""
    return [(f"{sent.kind} to {sent.openid}", json.dumps(sent.payload, ensure_ascii=False))
            for sent in platform.sent]


@pytest.fixture(autouse=True)
def no_unmasked_personal_data() -> Iterator[None]:
    """Fails any test during which something the service sent carried a phone or an ID number
    in clear: a chat reply, an API response, a web page, a log record, a message or SMS the
    fake platform delivered. Two checks: the masking regex finds nothing unmasked, and none
    of the real phones and ID numbers of the persons the test created appears, however
    written (so a gap in the regex fails the test too)."""
    install_pii_masking()
    handler = _LogScanner(level=logging.DEBUG)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO)  # what production logs
    root.addHandler(handler)
    for kept in (LEAKS, OUTPUTS, KNOWN_PHONES, KNOWN_IDS, VENUE_PHONES, PLATFORMS):
        kept.clear()
    yield
    root.removeHandler(handler)
    root.setLevel(level)
    delivered = [item for platform in PLATFORMS for item in _delivered(platform)]
    for where, text in delivered:
        LEAKS.extend(f"{where}: {found}" for found in personal(text))
    outputs = OUTPUTS + delivered
    find = known_leak_finder(KNOWN_PHONES, KNOWN_IDS)
    known = [f"{where}: {found}" for where, text in outputs for found in find(text)]
    leaks = list(LEAKS) + known
    for kept in (LEAKS, OUTPUTS, KNOWN_PHONES, KNOWN_IDS, VENUE_PHONES, PLATFORMS):
        kept.clear()
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
    within the channel's rules (tests/notification_check.py)."""
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


@pytest.fixture(autouse=True)
def hung_test_watchdog() -> Iterator[None]:
    """A test still running after WATCHDOG_SECONDS gets its asyncio tasks dumped to stderr,
    so a hang in CI shows where it waits instead of only that it timed out."""
    timer = threading.Timer(WATCHDOG_SECONDS, os.kill, (os.getpid(), signal.SIGUSR2))
    timer.daemon = True
    timer.start()
    yield
    timer.cancel()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A SQLite connection reopened after its app closed (a task touching the database too
    late) keeps a non-daemon thread that would hang the interpreter's exit, and CI with it:
    stop such threads, and say so."""
    import gc
    import sys

    import aiosqlite.core

    leaked = [obj for obj in gc.get_objects()
              if isinstance(obj, aiosqlite.core.Connection) and obj._running]
    for conn in leaked:
        conn.stop()
    if leaked:
        print(f"\nwarning: {len(leaked)} SQLite connection(s) were left open by the suite",
              file=sys.stderr)
