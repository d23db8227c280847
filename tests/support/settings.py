"""The settings every service under test starts from, and the keys its data is sealed with."""

from __future__ import annotations

import os

from config.settings import Settings
from services.common.pii import Vault
from tests.support.accounts import (
    AES_KEY,
    APPID,
    MINI_AES_KEY,
    MINI_APPID,
    MINI_SECRET,
    MINI_TOKEN,
    SECRET,
    TOKEN,
)

ID_ENCRYPTION_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
TEST_VAULT = Vault(ID_ENCRYPTION_KEY)  # the same keys as every app the tests make


def make_settings(infra: dict[str, str], **overrides: object) -> Settings:
    """The settings of a service under test on this worker's database and Redis."""
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
        "MINIAPP_TOKEN": MINI_TOKEN,
        "MINIAPP_AES_KEY": MINI_AES_KEY,
        "SECRET_KEY": "test-secret-key",
        "ID_ENCRYPTION_KEY": ID_ENCRYPTION_KEY,
        "WECHAT_API_BASE": "http://127.0.0.1:9/unused",  # tests with a client get the fake
        "WECHAT_SANDBOX": False,
        # most tests push in plaintext as the Chat helper does; tests of compatible and
        # safe mode set it (the deployments' default is safe)
        "WECHAT_MESSAGE_MODE": "plain",
        "SMS_PROVIDER": "sandbox",
        "EXPERTBOT_INPROCESS_WORKER": True,
        # desks sign in with the password alone here; tests/people/test_second_factor.py asks more
        "DESK_2FA_ROLES": "",
        # a loaded 2-core CI machine stalls PostgreSQL now and then for longer than the web
        # default (0.6 s); the hung-database test sets the default back explicitly
        "DB_STATEMENT_TIMEOUT": 10.0,
        # a test-only password cost (the default is for attackers, not for demo worlds)
        "PASSWORD_SCRYPT_LOG_N": 4,
        # the 智能客服 by words: the model costs seconds a worker to load and embed the
        # entries (tests/help/test_ranker.py runs it)
        "HELP_RANKER": "lexical",
        # a relay claims at its nudge: each test waits for its own notices, and a linger
        # would add its wait to every one of them (tests/notifications/test_relay_gathers.py
        # lingers on purpose)
        "OUTBOX_LINGER": 0.0,
    }
    values.update(overrides)
    # the same values and environment give the same settings: built once (reading them
    # costs some 10 ms, and nothing changes a Settings once made)
    key = repr((sorted(values.items()), environment()))
    made = _MADE.get(key)
    if made is None:
        made = _MADE[key] = Settings(**values)  # type: ignore[arg-type]
    return made


_MADE: dict[str, Settings] = {}


def environment() -> list[tuple[str, str]]:
    """What the process's environment gives a service beyond its Settings (the invoicing,
    the replica, the providers read their own): pytest's own variables left out, which
    name the test running."""
    return sorted((k, v) for k, v in os.environ.items() if not k.startswith("PYTEST_"))
