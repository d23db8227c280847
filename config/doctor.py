"""`expertbot doctor`: is this machine ready to run the service? One line per part, `ok` or
what to fix, and an exit status for scripts (0 when nothing failed). It reads the same
environment `serve` reads, changes nothing and sends nothing: the WeChat token is asked for
without forcing a refresh, WeChat Pay is asked about an order that does not exist, and the
SMS provider is given a send without a phone number."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

import aiohttp
from redis.asyncio import Redis
from redis.exceptions import RedisError

from config.doctor_calendar import Warning_, holiday_calendar
from config.doctor_keys import key_dates
from config.redis_client import RedisTarget, make_redis
from config.settings import Settings, SettingsError, load_settings
from config.settings.redis import redis_target

Status = Literal["ok", "FAIL", "skip", "warn"]


@dataclass(frozen=True)
class Finding:
    part: str
    status: Status
    detail: str


class Problem(Exception):
    """A part is not ready; the message says what to fix."""


Check = Callable[[Settings, aiohttp.ClientSession], Awaitable[str]]


def configuration() -> tuple[Settings | None, Finding]:
    """The settings load for this environment (production names every missing variable)."""
    try:
        # in production nothing is filled in (a missing secret is named); in development
        # the secrets `serve` would generate are (var/dev-secrets.json)
        settings, _ = load_settings(fill_dev_secrets=True)
    except SettingsError as exc:
        return None, Finding("configuration", "FAIL", str(exc))
    from config.clients import message_crypto
    from config.observability.metrics import MetricsAccess
    from web.rate import proxy_networks

    try:
        proxy_networks(settings.trusted_proxies)
        MetricsAccess.parse(settings.metrics_allow, settings.metrics_token)
        if settings.wechat_mode != "plain" and message_crypto(settings) is None:
            raise ValueError(f"WECHAT_MESSAGE_MODE={settings.wechat_mode} needs WECHAT_AES_KEY")
    except ValueError as exc:
        return None, Finding("configuration", "FAIL", str(exc))
    mode = "sandbox" if settings.sandbox else "live WeChat"
    return settings, Finding("configuration", "ok", f"{settings.env}, {mode}")


async def database(settings: Settings, http: aiohttp.ClientSession) -> str:
    from tortoise import Tortoise, connections
    from tortoise.context import TortoiseContext
    from tortoise.migrations.executor import MigrationExecutor

    from config.db.database import _prepare
    from config.db.tortoise import tortoise_config

    _prepare(settings)
    config = tortoise_config(settings)
    async with TortoiseContext():
        try:
            async with asyncio.timeout(settings.db_timeout + 5):
                await Tortoise.init(config=config)
                conn = connections.get("default")
                await conn.execute_query("SELECT 1")
                pending = []
                for label, app in config["apps"].items():
                    steps = await MigrationExecutor(conn, {label: app}).plan(None)
                    pending += [f"{s.migration.app_label}.{s.migration.name}"
                                for s in steps if not s.backward]
        except TimeoutError:
            raise Problem("no answer: check DATABASE_URL's host and port, and the firewall"
                          ) from None
        finally:
            await Tortoise.close_connections()
    if pending:
        raise Problem(f"{len(pending)} migration(s) not applied ({pending[0]} ...): run "
                      "`expertbot migrate`")
    return "reachable, migrations applied"


async def _sentinel_says(target: RedisTarget, host: str, port: int,
                         timeout: float) -> tuple[str, str] | str:
    """The master one sentinel names for the service, or why it names none."""
    client = Redis(host=host, port=port, password=target.sentinel_password or None,
                   socket_timeout=timeout, socket_connect_timeout=timeout,
                   decode_responses=True)
    try:
        master = await client.sentinel_get_master_addr_by_name(  # type: ignore[no-untyped-call]
            target.service)
    except (RedisError, OSError) as exc:
        return f"{host}:{port} {_short(exc)}"
    finally:
        await client.aclose()
    if not master:
        return f"{host}:{port} does not monitor {target.service!r} (REDIS_SENTINEL_SERVICE)"
    return str(master[0]), str(master[1])


async def _through_sentinels(settings: Settings, target: RedisTarget) -> str:
    """Every sentinel asked for the master; a majority must answer and agree, and the master
    they name must answer as a master."""
    timeout = settings.redis_timeout + 1
    said = await asyncio.gather(*(_sentinel_says(target, host, port, timeout)
                                  for host, port in target.sentinels))
    masters = {f"{s[0]}:{s[1]}" for s in said if isinstance(s, tuple)}
    silent = [s for s in said if isinstance(s, str)]
    sentinels = ", ".join(f"{host}:{port}" for host, port in target.sentinels)
    if len(masters) > 1:
        raise Problem(f"the sentinels disagree on the master of {target.service!r}: "
                      f"{sorted(masters)} (a failover under way?)")
    if len(said) - len(silent) <= len(said) // 2:  # no majority: no failover either
        raise Problem(f"{len(said) - len(silent)} of {len(said)} sentinels answer (a failover "
                      f"needs a majority): {'; '.join(silent)}")
    client = make_redis(target, settings.model_copy(update={"redis_timeout": timeout}))
    try:
        role = (await client.info("replication")).get("role")
        version = (await client.info("server")).get("redis_version", "?")
    finally:
        await client.aclose()
    master = masters.pop()
    if role != "master":
        raise Problem(f"{master} answers as {role}, not as the master")
    unanswered = f"; not answering: {'; '.join(silent)}" if silent else ""
    return (f"master {master} (Redis {version}) of {target.service!r}, named by "
            f"sentinels {sentinels}{unanswered}")


async def redis(settings: Settings, http: aiohttp.ClientSession) -> str:
    try:
        target = redis_target(settings.redis_url)
    except SettingsError as exc:
        raise Problem(str(exc)) from None
    if target.through_sentinel:
        return await _through_sentinels(settings, target)
    if not settings.redis_url:
        if settings.is_production:
            raise Problem("set REDIS_URL")
        return "embedded (started by `expertbot serve`)"
    client = Redis.from_url(settings.redis_url, socket_timeout=settings.redis_timeout + 1,
                            socket_connect_timeout=settings.redis_timeout + 1)
    try:
        await client.ping()
        info = await client.info("server")
    finally:
        await client.aclose()
    return f"reachable, Redis {info.get('redis_version', '?')}"


async def _stable_token(http: aiohttp.ClientSession, base: str, appid: str,
                        secret: str) -> None:
    async with http.post(f"{base}/cgi-bin/stable_token", json={
            "grant_type": "client_credential", "appid": appid, "secret": secret,
            "force_refresh": False}) as resp:
        body = await resp.json(content_type=None)
    if not isinstance(body, dict) or not body.get("access_token"):
        code = body.get("errcode") if isinstance(body, dict) else None
        hint = {40013: "the appid is wrong", 40125: "the secret is wrong",
                40001: "the secret is wrong", 40164: "this machine's IP address is not on the "
                "account's IP whitelist (WeChat console: 开发 → 基本配置)",
                89503: "this machine's IP address needs the administrator's confirmation"}
        raise Problem(f"errcode {code}: {hint.get(code or 0, body)}")


def _short(exc: BaseException) -> str:
    """An error in one line: its kind and its message."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


async def wechat(settings: Settings, http: aiohttp.ClientSession) -> str:
    base = settings.api_base(settings.own_url)
    try:
        await _stable_token(http, base, settings.wechat_appid, settings.wechat_secret)
        if settings.miniapp_appid:
            await _stable_token(http, base, settings.miniapp_appid, settings.miniapp_secret)
    except (aiohttp.ClientError, TimeoutError) as exc:
        where = " (sandbox mode: the fake WeChat is served by `expertbot serve`: is it " \
                "running?)" if settings.sandbox else ""
        raise Problem(f"cannot reach {base}: {_short(exc)}{where}") from None
    return "access token obtainable" + (" (mini-program too)" if settings.miniapp_appid else "")


async def wechat_pay(settings: Settings, http: aiohttp.ClientSession) -> str:
    if not settings.payments_on:
        return "off (WECHATPAY_MCHID not set)"
    from config.clients import pay_client
    from services.payments import PayError

    own = settings.own_url
    try:
        async with pay_client(settings, own, own) as client:
            trade = await client.query(f"DOCTOR{int(time.time())}")
    except PayError as exc:
        hint = {"SIGN_ERROR": "WECHATPAY_PRIVATE_KEY or WECHATPAY_CERT_SERIAL is not the "
                "merchant's", "SIGNATURE_ERROR": "WECHATPAY_PRIVATE_KEY or "
                "WECHATPAY_CERT_SERIAL is not the merchant's", "MCH_NOT_EXISTS":
                "WECHATPAY_MCHID is wrong"}.get(exc.code, "")
        raise Problem(f"{exc}{': ' + hint if hint else ''}") from None
    except Exception as exc:  # a key that does not load, an answer that does not verify
        raise Problem(f"{exc!r}: check WECHATPAY_PRIVATE_KEY, WECHATPAY_PUBLIC_KEY and "
                      "WECHATPAY_PUBLIC_KEY_ID") from None
    if trade.trade_state != "NOTEXIST":
        raise Problem(f"unexpected answer {trade.trade_state}")
    if len(settings.wechatpay_apiv3_key.encode()) != 32:
        raise Problem("WECHATPAY_APIV3_KEY must be 32 characters (商户平台 → API安全)")
    return "keys consistent: the merchant's signature accepted, the APIv3 key and the " \
        "WeChat Pay public key load"


async def sms(settings: Settings, http: aiohttp.ClientSession) -> str:
    mode = settings.sms_mode
    if mode == "log":
        return "SMS_PROVIDER=log: messages are written to the log, nobody receives them"
    if mode == "sandbox":
        return "sandbox: messages stay in the simulator"
    if mode != "tencent":
        return f"{mode}: a provider class of yours (not checked)"
    from bot.providers.sms.tencent import (
        ACTION,
        SERVICE,
        VERSION,
        Api3NoAnswer,
        Api3Unreachable,
        api3_headers,
        api3_post,
        host_of,
    )
    from config.settings.sms import TencentSmsSettings

    try:
        tencent = TencentSmsSettings().config(sandbox_base=None)
    except SettingsError as exc:
        raise Problem(str(exc)) from None
    body = json.dumps({"PhoneNumberSet": [], "SmsSdkAppId": tencent.app_id,
                       "SignName": tencent.sign_name, "TemplateId": ""}).encode()
    headers = api3_headers(tencent.secret_id, tencent.secret_key, host_of(tencent.endpoint),
                           body, service=SERVICE, action=ACTION, version=VERSION,
                           timestamp=int(time.time()), region=tencent.region)
    try:
        answer = await api3_post(http, tencent.endpoint, body, headers, 5.0)
    except (Api3Unreachable, Api3NoAnswer) as exc:
        raise Problem(f"cannot reach {tencent.endpoint}: {exc}") from None
    code = str((answer.get("Error") or {}).get("Code", ""))
    if code.startswith("AuthFailure"):
        raise Problem(f"{code}: check TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY")
    if "SdkAppId" in code:
        raise Problem(f"{code}: check TENCENT_SMS_APP_ID (the SMS application's SdkAppId)")
    if "Signature" in code or "Sign" in code.rpartition(".")[2]:
        raise Problem(f"{code}: check TENCENT_SMS_SIGN_NAME (the approved 签名内容)")
    # anything else is about the empty send itself (no phone number, no template): the
    # provider took the key, the application and the signature
    return "Tencent Cloud SMS reachable, API key accepted"


async def replica(settings: Settings, http: aiohttp.ClientSession) -> str:
    """The read replica (DATABASE_REPLICA_URL) measured against the primary as the service
    measures it (services/common/runtime/replica.py): read, or why not."""
    from config.db.database import open_client, replica_database
    from config.settings.replica import lagging_reads, replica_settings

    if not replica_settings(settings.db_url).url:
        return "none configured (DATABASE_REPLICA_URL): reports read the primary"
    primary = open_client(settings, settings.db_url, "doctor-primary")
    try:
        async with replica_database(settings) as client:
            reads = lagging_reads(settings, client)
            reads.primary = primary
            state = await reads.check()
    finally:
        with contextlib.suppress(Exception):
            await primary.close()
    if not state.usable:
        raise Problem(f"not read, reports go to the primary: {state.why} (limit "
                      f"DATABASE_REPLICA_MAX_LAG={reads.max_lag:g} s)")
    return (f"a streaming standby, {state.behind or 0:.1f} s behind: statistics, exports "
            "and verification read it")


CHECKS: list[tuple[str, Check]] = [("database", database), ("read replica", replica),
                                   ("redis", redis), ("wechat", wechat),
                                   ("wechat pay", wechat_pay), ("sms", sms),
                                   ("holiday calendar", holiday_calendar),
                                   ("keys and certificates", key_dates)]


@contextlib.asynccontextmanager
async def _session(settings: Settings) -> AsyncIterator[aiohttp.ClientSession]:
    timeout = aiohttp.ClientTimeout(total=max(settings.wechat_api_timeout, 3.0) + 2)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        yield http


async def examine() -> list[Finding]:
    """Every part, in order; a part that cannot be checked without the configuration is
    skipped."""
    settings, first = configuration()
    findings = [first]
    if settings is None:
        return findings + [Finding(part, "skip", "needs the configuration") for part, _ in CHECKS]
    async with _session(settings) as http:
        for part, check in CHECKS:
            try:
                findings.append(Finding(part, "ok", await check(settings, http)))
            except Problem as exc:
                findings.append(Finding(part, "FAIL", str(exc)))
            except Warning_ as exc:
                findings.append(Finding(part, "warn", str(exc)))
            except Exception as exc:
                findings.append(Finding(part, "FAIL", _short(exc)))
    return findings


def report(findings: list[Finding]) -> str:
    width = max(len(f.part) for f in findings)
    return "\n".join(f"{f.status:<4}  {f.part:<{width}}  {f.detail}" for f in findings)
