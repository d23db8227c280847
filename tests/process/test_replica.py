"""A read replica for reads that can lag (statistics, exports and verification decide nothing): a
PostgreSQL primary and a streaming replica made with pg_basebackup on loopback
(tests/support/pg_streaming.py); the service started with DATABASE_REPLICA_URL.
Shown: the register's
listing and the audit trail's verification read the replica (its replay paused, they see the
replica's older rows while the primary, which every decision reads, already has the new ones); with
a lag limit the paused replica exceeds, and with the replica stopped, the same reads come from the
primary; replay resumed, the replica is used again. Skips where PostgreSQL's server binaries are
missing."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import asyncpg
import pytest
from aiohttp.test_utils import TestClient
from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.context import TortoiseContext

from config import doctor
from config.app import create_app
from config.db.database import replica_database
from config.db.tortoise import MIGRATION_STATEMENT_TIMEOUT, connection_config, tortoise_config
from config.settings import Settings, SettingsError
from config.settings.replica import DatabaseReplicaSettings, lagging_reads
from models.audit import AuditHead
from models.experts import ExpertProfile
from sandbox.app import sync_followers
from sandbox.platform import Platform
from services.common.runtime.replica import PRIMARY, REPLICA, LaggingReads
from services.demo import DEMO_PEOPLE, load_demo
from tests.support.api import Api
from tests.support.helpers import eventually
from tests.support.metrics import scrape, total
from tests.support.pg_streaming import StreamingPair, copy_schema, streaming_pair
from tests.support.settings import make_settings
from web.context import DOMAIN


async def test_the_replica_is_a_connection_of_its_own_only_when_set(
        infra: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(infra)
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    async with replica_database(settings) as none:
        assert none is None and not lagging_reads(settings, none).configured
    pg = make_settings(infra, DATABASE_URL="postgres://p@10.0.0.1/eb", DB_TIMEOUT=0.3)
    primary = connection_config(pg)["credentials"]
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://p@127.0.0.1:9/eb")
    async with replica_database(pg) as replica:  # opened at its first read, not here
        assert replica is not None and replica.connection_name == REPLICA
        assert replica.port == 9 and replica.host == "127.0.0.1"  # type: ignore[attr-defined]
        assert primary["command_timeout"] == pg.db_statement_timeout
        reads = lagging_reads(pg, replica)
        state = await reads.check()  # nothing listens there: not used, and why
        assert not state.usable and state.why
    with pytest.raises(SettingsError, match="DATABASE_REPLICA_URL"):
        DatabaseReplicaSettings(DATABASE_REPLICA_URL="postgres://r/eb"  # type: ignore[call-arg]
                                ).checked_against("sqlite:///tmp/x.sqlite3")


async def test_without_a_replica_reads_that_can_lag_use_the_primary(client: TestClient
                                                                    ) -> None:
    reads = client.app[DOMAIN].reads
    assert not reads.configured
    before = dict(reads.served)  # the service may have served earlier tests of the worker
    assert await reads.db() is connections.get(PRIMARY)
    assert reads.served == {PRIMARY: before[PRIMARY] + 1, REPLICA: before[REPLICA]}


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamingPair]:
    try:
        cm = streaming_pair()
        started = cm.__enter__()
    except RuntimeError as exc:
        pytest.skip(f"no streaming replica on this machine: {exc}")
    try:
        asyncio.run(_create_database(started))
        yield started
    finally:
        cm.__exit__(None, None, None)


async def _create_database(pair: StreamingPair) -> None:
    assert pair.primary is not None
    conn = await asyncpg.connect(pair.primary.url("postgres").replace("postgres://",
                                                                      "postgresql://"))
    try:
        await conn.execute("CREATE DATABASE expertbot")
    finally:
        await conn.close()


async def _has_tables(pair: StreamingPair) -> bool:
    assert pair.primary is not None
    conn = await asyncpg.connect(pair.primary.url().replace("postgres://", "postgresql://"))
    try:
        return bool(await conn.fetchval("SELECT count(*) FROM information_schema.tables "
                                        "WHERE table_schema = 'public'"))
    finally:
        await conn.close()


async def _tables_of_the_models(settings: Settings) -> None:
    """The models' tables on the new primary, made from the models at once: on the SQLite
    run no PostgreSQL database of the run is migrated yet, and the migrations from scratch
    cost this test ~17 s of CPU for what it does not test (the replica's reads). The
    migrations' schema is held to the models elsewhere (the PostgreSQL run migrates its
    template from scratch and copies it here; tests/house/test_sqlite_migrations.py)."""
    async with TortoiseContext():
        await Tortoise.init(config=tortoise_config(settings, MIGRATION_STATEMENT_TIMEOUT))
        try:
            await Tortoise.generate_schemas(safe=False)
        finally:
            await Tortoise.close_connections()


async def _replica_sql(pair: StreamingPair, sql: str) -> Any:
    assert pair.replica is not None
    conn = await asyncpg.connect(pair.replica.url().replace("postgres://", "postgresql://"),
                                 timeout=5)
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


@pytest.fixture
async def served(pair: StreamingPair, infra: dict[str, str], aiohttp_client: Any,
                 wechat: Any, platform: Platform, monkeypatch: pytest.MonkeyPatch
                 ) -> AsyncIterator[TestClient]:
    assert pair.primary is not None and pair.replica is not None
    settings = make_settings(infra, DATABASE_URL=pair.primary.url(),
                             WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"))
    template = os.environ.get("DATABASE_URL", "")
    if template.startswith("postgres") and not await _has_tables(pair):
        # on PostgreSQL the run's template is migrated already: copied, not migrated again
        copy_schema(template, pair.primary.url(), pair.bin)
    elif not await _has_tables(pair):
        await _tables_of_the_models(settings)
    monkeypatch.setenv("DATABASE_REPLICA_URL", pair.replica.url())
    monkeypatch.setenv("DATABASE_REPLICA_MAX_LAG", "3600")  # the paused replica is still fit
    monkeypatch.setenv("DATABASE_REPLICA_CHECK_EVERY", "0")  # every read checks again
    # tortoise keeps each model's INSERT per connection name, in the dialect it first met:
    # the suite's other tests may have run on SQLite in this process
    EXECUTOR_CACHE.clear()
    try:
        client = await aiohttp_client(create_app(settings))
        await load_demo(client.app[DOMAIN].people, client.app[DOMAIN].files)
        await sync_followers(platform)
        yield client
    finally:
        EXECUTOR_CACHE.clear()


async def _listed(api: Api, token: str) -> dict[str, dict[str, Any]]:
    got = await api.call("GET", "/admin/experts?limit=100", token)
    assert got.status == 200, got.data
    return {e["expert_number"]: e for e in got.data["experts"]}


async def _doctor(settings: Any) -> str:
    """`expertbot doctor`'s line for the replica: its detail, or FAIL and why."""
    async with aiohttp.ClientSession() as http:
        try:
            return await doctor.replica(settings, http)
        except doctor.Problem as exc:
            return f"FAIL {exc}"


async def test_reads_that_can_lag_go_to_the_replica_and_never_to_a_lagging_one(
        pair: StreamingPair, served: TestClient, platform: Platform,
        monkeypatch: pytest.MonkeyPatch, infra: dict[str, str]) -> None:
    domain = served.app[DOMAIN]
    assert pair.primary is not None
    settings = make_settings(infra, DATABASE_URL=pair.primary.url())
    reads: LaggingReads = domain.reads
    assert reads.configured
    api = Api(served, platform)
    admin = next(d for d in DEMO_PEOPLE if d.key == "admin")
    token = await api.login(admin.mp_openid)
    expert = await ExpertProfile.all().order_by("id").first()
    assert expert is not None
    number = expert.expert_number

    await domain.audit.append("replica_probe", datetime.now(UTC))
    chained = (await AuditHead.get(id=1)).seq or 0

    async def replica_has_it() -> bool:  # the demo data and the entry streamed to it
        try:
            return (await reads.state()).usable and await AuditHead.filter(
                id=1, seq=chained).using_db(reads.replica).exists()
        except Exception:  # its tables not replayed yet
            return False
    await eventually(replica_has_it, timeout=30)
    before, scraped = dict(reads.served), await scrape(served)
    assert number in await _listed(api, token)
    assert reads.served[REPLICA] == before[REPLICA] + 1  # the listing read the replica
    # what an operator sees: the metrics, and the doctor's line
    now = await scrape(served)
    assert total(now, "expertbot_lagging_reads_total", database="replica") == \
        total(scraped, "expertbot_lagging_reads_total", database="replica") + 1
    assert total(now, "expertbot_replica_usable") == 1
    assert (await _doctor(settings)).startswith("a streaming standby")
    assert (await domain.audit.verify()).checked == chained

    # replay paused: the replica lags; within the limit, it is still read ...
    await _replica_sql(pair, "SELECT pg_wal_replay_pause()")
    await eventually(lambda: _paused(pair), timeout=30)
    await ExpertProfile.filter(id=expert.id).update(work_unit="新单位（仅主库）")
    await domain.audit.append("replica_probe", datetime.now(UTC))
    listed = await _listed(api, token)
    assert listed[number]["work_unit"] != "新单位（仅主库）"  # the replica's older row
    assert (await domain.audit.verify()).checked == chained  # the replica's shorter chain
    # ... while a decision reads the primary (the default connection): the new state
    assert (await ExpertProfile.get(id=expert.id)).work_unit == "新单位（仅主库）"
    assert (await AuditHead.get(id=1)).seq == chained + 1

    # a limit the paused replica exceeds: the same reads come from the primary
    reads.max_lag = 0.0
    reads.forget()
    before = dict(reads.served)
    assert (await _listed(api, token))[number]["work_unit"] == "新单位（仅主库）"
    assert (await domain.audit.verify()).checked == chained + 1
    assert reads.served[PRIMARY] == before[PRIMARY] + 2
    assert reads.served[REPLICA] == before[REPLICA]
    state = await reads.state()
    assert not state.usable and "behind" in state.why
    assert total(await scrape(served), "expertbot_replica_usable") == 0
    monkeypatch.setenv("DATABASE_REPLICA_MAX_LAG", "0")
    said = await _doctor(settings)
    assert said.startswith("FAIL not read, reports go to the primary: behind by more"), said
    monkeypatch.setenv("DATABASE_REPLICA_MAX_LAG", "3600")

    # replay resumed: it catches up and is read again
    await _replica_sql(pair, "SELECT pg_wal_replay_resume()")
    reads.max_lag = 3600.0

    async def back() -> bool:
        return (await _listed(api, token))[number]["work_unit"] == "新单位（仅主库）" and \
            (await reads.state()).usable
    await eventually(back, timeout=30)

    # the replica down: skipped, the reads still answered (from the primary)
    assert pair.replica is not None
    pair.stop(pair.replica)
    reads.forget()
    before = dict(reads.served)
    assert number in await _listed(api, token)
    assert reads.served[REPLICA] == before[REPLICA]
    assert not (await reads.state()).usable
    assert (await _doctor(settings)).startswith("FAIL not read, reports go to the primary")


async def _paused(pair: StreamingPair) -> bool:
    return bool(await _replica_sql(pair, "SELECT pg_get_wal_replay_pause_state()") == "paused")
