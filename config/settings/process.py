"""The process's settings: its files, the database and Redis, its address, logs and metrics, its
event loop, its time budgets and its stop. One concept of the service's settings, composed by
config/settings/core.py; each description is what docs/configuration.md says of the field."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings

ROOT = Path(__file__).resolve().parent.parent.parent


class ProcessSettings(BaseSettings):
    """The process: what it runs on and how it stops.

    Where it keeps its files and texts, the database and Redis it connects to, its address
    and the proxies in front, how it logs and lets itself be measured, its event loop, its
    time budgets and how it stops."""

    env: Literal["development", "production", "test"] = Field(
        "development", validation_alias="EXPERTBOT_ENV",
        description="`production` makes a missing secret, `DATABASE_URL`, `REDIS_URL`, "
                    "`PUBLIC_BASE_URL` or `SMS_PROVIDER` a start-up error that names the "
                    "variable; `development` generates the secrets once "
                    "(`var/dev-secrets.json`)")
    var_dir: Path = Field(
        ROOT / "var", validation_alias="EXPERTBOT_VAR_DIR",
        description="the SQLite file, the embedded Redis, uploaded attachments and the "
                    "development secrets; shared between machines when there are several")
    texts_dir: Path = Field(ROOT / "texts", validation_alias="EXPERTBOT_TEXTS_DIR",
                            description="the folder of every user-facing text")
    database_url: str = Field(
        "", validation_alias="DATABASE_URL",
        description="e.g. `postgres://user:pw@host:5432/expertbot`. Empty: the SQLite file "
                    "`var/expertbot.sqlite3`")
    redis_url: str = Field(
        "", validation_alias="REDIS_URL",
        description="e.g. `redis://host:6379/0`; with `REDIS_SENTINELS` it gives only the "
                    "database number and the master's password. Empty: the embedded Redis "
                    "under `var/redis`")
    redis_prefix: str = Field("eb:", validation_alias="REDIS_PREFIX",
                              description="prefix of every Redis key")
    db_pool_max: int = Field(10, validation_alias="DB_POOL_MAX",
                             description="PostgreSQL connections per process")
    public_base_url: str = Field(
        "", validation_alias="PUBLIC_BASE_URL",
        description="the service's public address (HTTPS in production: WeChat Pay's "
                    "notification address is made from it). Empty: `http://<host>:<port>`")
    trusted_proxies: str = Field(
        "", validation_alias="TRUSTED_PROXIES",
        description="the reverse proxies in front (addresses or networks, comma-separated, "
                    "e.g. `127.0.0.1,::1`): a request from one of them is counted for the "
                    "client its `X-Forwarded-For` names (the answer page's limits); with none "
                    "set that header is ignored")
    run_worker: bool | None = Field(
        None, validation_alias="EXPERTBOT_INPROCESS_WORKER",
        description="run the arq worker inside `serve`. Unset: on in development")
    event_loop: Literal["uvloop", "asyncio"] = Field(
        "uvloop", validation_alias="EVENT_LOOP",
        description="`serve`'s event loop: `uvloop` (libuv's, in C: an expert's chat reply "
                    "about a tenth less of the web process's CPU side by side, `帮助` +45 % a "
                    "second; bench/README.md, \"uvloop in the web process\") or `asyncio` "
                    "(the standard library's)")
    log_level: str = Field("INFO", validation_alias="LOG_LEVEL",
                           description="the lowest level logged")
    log_format: Literal["", "json", "text"] = Field(
        "", validation_alias="LOG_FORMAT",
        description="`json`: one object a line (ts, level, logger, msg, request_id, and a "
                    "request's or a job's fields) for a collector; `text`: a line for people "
                    "(no per-request or per-job lines). Empty: `json` in production, else "
                    "`text`")
    metrics_allow: str = Field(
        "127.0.0.1,::1", validation_alias="METRICS_ALLOW",
        description="who may read `GET /metrics`: the scraper's addresses or networks; a "
                    "request a proxy forwards must name an allowed client too (anyone else: "
                    "404)")
    metrics_token: str = Field(
        "", validation_alias="METRICS_TOKEN",
        description="when set, `/metrics` also needs `Authorization: Bearer <it>` "
                    "(Prometheus: `authorization: {credentials: ...}`)")
    # Time budgets, in seconds. WeChat drops a callback after 5 s; library defaults exceed that.
    reply_budget: float = Field(
        3.0, validation_alias="REPLY_BUDGET",
        description="seconds before a slow handler's answer is sent later instead")
    lock_wait: float = Field(
        1.0, validation_alias="USER_LOCK_WAIT",
        description="seconds a push waits for the same user's previous one, then goes to "
                    "the worker")
    redis_timeout: float = Field(
        0.5, validation_alias="REDIS_TIMEOUT",
        description="seconds per Redis call (library defaults exceed WeChat's 5 s)")
    db_timeout: float = Field(
        1.0, validation_alias="DB_TIMEOUT",
        description="seconds to connect to the database (on SQLite a writer waits up to 5 s "
                    "for another process's write, or `DB_TIMEOUT` if longer)")
    # asyncpg's command_timeout: asyncpg spends up to this long again sending the cancel
    db_statement_timeout: float = Field(
        0.6, gt=0, validation_alias="DB_STATEMENT_TIMEOUT",
        description="one PostgreSQL statement in the web process: a database that hangs on a "
                    "pooled connection still gives a busy reply within 1.5 s (asyncpg spends "
                    "as long again cancelling)")
    worker_statement_timeout: float = Field(
        30.0, gt=0, validation_alias="WORKER_STATEMENT_TIMEOUT",
        description="one statement in `expertbot worker`, `demo` and `audit`, which answer "
                    "nobody in real time (migrations: 600 s)")
    shutdown_drain: float = Field(
        2.0, ge=0, validation_alias="SHUTDOWN_DRAIN",
        description="on SIGTERM, seconds `serve` keeps accepting while `/readyz` says "
                    "`draining`")
    shutdown_grace: float = Field(
        3.0, gt=0, validation_alias="SHUTDOWN_GRACE",
        description="on SIGTERM, after the drain, the most seconds `serve` waits for the "
                    "requests it has received")
