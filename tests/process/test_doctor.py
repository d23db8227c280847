"""`expertbot doctor`: one line per part, ok or what to fix, against the real
database and Redis of the suite and the fakes of WeChat, WeChat Pay and Tencent Cloud SMS;
each part broken in turn."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from config.dev_secrets import generate_pay_secrets
from config.doctor import Finding, examine
from sandbox.pay.gateway import PayGateway
from services.common.clock import CHINA
from services.reference.holidays import Holidays
from services.reference.national_calendar import package_years
from tests.support.cli import Preloaded
from tests.support.helpers import process_env
from tests.support.settings import make_settings
from tests.support.sms import SECRET_ID, sms_env, sms_fake


def _use(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for key, value in env.items():
        if os.environ.get(key) != value:
            monkeypatch.setenv(key, value)


@pytest.fixture
def healthy(monkeypatch: pytest.MonkeyPatch, infra: dict[str, str], wechat: TestServer,
            pay_gateway: PayGateway, pay_secrets: dict[str, str]) -> dict[str, str]:
    """The environment of a machine where everything is right."""
    pay = {k: v for k, v in pay_secrets.items() if not k.startswith("SANDBOX_")}
    settings = make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                             WECHATPAY_API_BASE=pay_gateway.base_url, **pay)
    env = process_env(settings)
    _use(monkeypatch, env)
    return env


def by_part(findings: list[Finding]) -> dict[str, Finding]:
    return {f.part: f for f in findings}


async def test_a_ready_machine_is_ok_on_every_line(healthy: dict[str, str]) -> None:
    found = by_part(await examine())
    calendar = found.pop("holiday calendar")
    assert [f.status for f in found.values()] == ["ok"] * 8, found
    # from 1 November, next year's calendar asked for until the package or a notice has it
    missing = await Holidays.missing_next(datetime.now(UTC), package_years())
    assert calendar.status == ("warn" if missing else "ok"), calendar
    assert calendar.detail.startswith(f"{missing} not loaded: working days" if missing
                                      else "known for 2004–"), calendar
    assert found["database"].detail == "reachable, migrations applied"
    assert found["read replica"].detail.startswith("none configured")
    assert found["wechat"].detail.startswith("access token obtainable")
    assert found["wechat pay"].detail.startswith("keys consistent")
    assert found["keys and certificates"].detail.startswith("none dated (KEY_ROTATE_BY")


async def test_a_key_near_its_date_warns_with_what_to_do(healthy: dict[str, str],
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    """The SM4 key's rotation recorded for 3 days from now (China): a warning, not a fault,
    in the words the administrator's home page shows; a far one is only counted."""
    soon = (datetime.now(CHINA) + timedelta(days=3)).date()
    _use(monkeypatch, {"KEY_ROTATE_BY": json.dumps({
        "sm4": {"until": soon.isoformat(), "by": "王工", "on": "2026-11-29"},
        "federation": {"until": "2099-12-31", "by": "李工", "on": "2026-11-29"}})})
    found = by_part(await examine())["keys and certificates"]
    assert found.status == "warn", found
    assert found.detail.startswith("个人信息加密密钥（SM4 第1版）将于")
    assert "还有3天" in found.detail
    assert f"请在{soon:%Y年%m月%d日}前在 SM4_KEYS 中加入新版本密钥" in found.detail
    _use(monkeypatch, {"KEY_ROTATE_BY": json.dumps({
        "sm4": {"until": "2099-12-31", "by": "王工", "on": "2026-11-29"}})})
    found = by_part(await examine())["keys and certificates"]
    assert found == Finding("keys and certificates", "ok",
                            "1 dated, none within 30 days; the soonest ends 2099-12-31 (sm4)")


@pytest.mark.parametrize(("part", "env", "says"), [
    ("database", {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}, "Connect"),
    ("redis", {"REDIS_URL": "redis://127.0.0.1:1/0"}, "Connect"),
    ("wechat", {"WECHAT_SECRET": "not-the-secret"}, "errcode 40125: the secret is wrong"),
    ("wechat", {"WECHAT_APPID": "wx0000000000000000"}, "errcode 40013: the appid is wrong"),
    ("wechat", {"WECHAT_API_BASE": "http://127.0.0.1:1"}, "cannot reach http://127.0.0.1:1"),
    ("wechat pay", {"WECHATPAY_MCHID": "1900000000"}, "SIGN_ERROR"),
    ("wechat pay", {"WECHATPAY_PUBLIC_KEY": "-----BEGIN PUBLIC KEY-----\nAAAA\n"
                    "-----END PUBLIC KEY-----"}, "WECHATPAY_PUBLIC_KEY"),
    ("wechat pay", {"WECHATPAY_APIV3_KEY": "too-short"}, "WECHATPAY_APIV3_KEY must be 32"),
])
async def test_each_part_broken_says_what_to_fix(healthy: dict[str, str],
                                                 monkeypatch: pytest.MonkeyPatch, part: str,
                                                 env: dict[str, str], says: str) -> None:
    _use(monkeypatch, env)
    found = by_part(await examine())
    assert found[part].status == "FAIL" and says in found[part].detail, found[part]
    # (the holiday calendar may warn: from 1 November until next year's is loaded)
    others = [f for name, f in found.items() if name not in (part, "holiday calendar")]
    assert all(f.status == "ok" for f in others), others


async def test_a_merchant_key_that_is_not_the_merchants(healthy: dict[str, str],
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    _use(monkeypatch, {"WECHATPAY_PRIVATE_KEY": generate_pay_secrets()["WECHATPAY_PRIVATE_KEY"]})
    found = by_part(await examine())["wechat pay"]
    assert found.status == "FAIL" and "WECHATPAY_PRIVATE_KEY or WECHATPAY_CERT_SERIAL" in \
        found.detail


async def test_a_database_not_migrated_says_run_migrate(healthy: dict[str, str],
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    if not healthy["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("an empty SQLite file stands for a database not migrated")
    _use(monkeypatch, {"DATABASE_URL": f"sqlite://{tmp_path / 'new.sqlite3'}"})
    found = by_part(await examine())["database"]
    assert found.status == "FAIL" and "run `expertbot migrate`" in found.detail
    assert "models.0001_initial" in found.detail


async def test_production_without_its_variables_is_named_and_nothing_else_runs(
        healthy: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    _use(monkeypatch, {"EXPERTBOT_ENV": "production", "PUBLIC_BASE_URL": ""})
    found = await examine()
    assert found[0].status == "FAIL" and "PUBLIC_BASE_URL" in found[0].detail
    assert [f.status for f in found[1:]] == ["skip"] * 8


async def test_the_sms_provider_and_its_keys(healthy: dict[str, str], wechat: TestServer,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    sms_env(wechat, monkeypatch)
    sms_fake(wechat)
    _use(monkeypatch, {"SMS_PROVIDER": "tencent"})
    assert by_part(await examine())["sms"] == Finding(
        "sms", "ok", "Tencent Cloud SMS reachable, API key accepted")
    _use(monkeypatch, {"TENCENT_SMS_APP_ID": "1400000999"})
    found = by_part(await examine())["sms"]
    assert found.status == "FAIL" and "check TENCENT_SMS_APP_ID" in found.detail
    _use(monkeypatch, {"TENCENT_SMS_APP_ID": "1400000000", "TENCENT_SMS_SIGN_NAME": "某公司"})
    found = by_part(await examine())["sms"]
    assert found.status == "FAIL" and "check TENCENT_SMS_SIGN_NAME" in found.detail
    _use(monkeypatch, {"TENCENT_SMS_SIGN_NAME": "评标专家库",
                       "TENCENTCLOUD_SECRET_KEY": "not-the-key-of-" + SECRET_ID})
    found = by_part(await examine())["sms"]
    assert found.status == "FAIL" and "AuthFailure.SignatureFailure" in found.detail
    _use(monkeypatch, {"TENCENT_SMS_ENDPOINT": "http://127.0.0.1:1/"})
    found = by_part(await examine())["sms"]
    assert found.status == "FAIL" and "cannot reach http://127.0.0.1:1/" in found.detail


async def _doctor(env: dict[str, str], preloaded: Preloaded) -> tuple[int, list[str], str]:
    """`expertbot doctor` in a process of its own (forked from the preloaded process)."""
    status, out, err = await preloaded.run_apart(env, ("doctor",))
    return status, out.splitlines(), err


async def test_the_command_prints_a_line_a_part_and_exits_1_on_a_fault(
        healthy: dict[str, str], preloaded_cli: Preloaded) -> None:
    status, lines, err = await _doctor({**healthy, "REDIS_URL": "redis://127.0.0.1:1/0"},
                                       preloaded_cli)
    assert status == 1, err
    assert [line[6:].split("  ")[0].strip() for line in lines] == [
        "configuration", "database", "read replica", "redis", "wechat", "wechat pay", "sms",
        "holiday calendar", "keys and certificates"]
    assert lines[3].startswith("FAIL  redis")
    status, lines, err = await _doctor(healthy, preloaded_cli)
    assert status == 0, "\n".join(lines) + err  # a warning is no fault
    assert all(line.startswith("ok    ") for line in lines[:-2]) and not err
    assert lines[-2].startswith(("ok    holiday calendar", "warn  holiday calendar"))
    assert lines[-1].startswith("ok    keys and certificates  none dated")
