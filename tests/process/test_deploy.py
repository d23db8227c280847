"""The deployment of deploy/ runs as documented.

Static checks, always: the systemd units say what docs/running.md says (ExecStart=, Restart=,
TimeoutStopSec=, the metrics directory), the env file example starts a production process
(every variable production requires, none misspelt), the compose file runs the documented
commands.

Then the systemd variant is brought up on this machine's PostgreSQL and Redis (skipped
unless DATABASE_URL and REDIS_URL point at them, as .ci/run's second pass does), with the
command lines and environment read from the unit files themselves: the migrate unit's
ExecStartPre (it empties the metrics directory) and ExecStart, two `serve --reuse-port`
processes on one port and a worker, in production, with every required variable set. A
signed, encrypted (safe mode) `帮助` gets its passive reply; both serve processes listen on
the shared port and answer (one is stopped with SIGTERM: while it drains, /readyz is
"draining" from it and "ready" from the other, then the other answers alone); the worker's
heartbeat is seen, and lost after SIGTERM to it; every process exits 0 on SIGTERM, within
the unit's TimeoutStopSec; nothing calls the WeChat API.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import asyncpg
import pytest
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families
from redis.asyncio import Redis

from config.dev_secrets import generate_secrets
from config.settings import ROOT, SECRET_FIELDS, Settings
from config.settings.invoice import InvoiceSettings
from config.settings.privacy import AliyunPrivacySettings
from config.settings.redis import RedisSentinelSettings
from config.settings.sms import TencentSmsSettings
from config.settings.voice import TencentVoiceSettings
from sandbox.wechat_push import Pusher, text_fields
from services.common.runtime.trace import hashed_openid
from tests.support.ports import free_port

DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
INSTALLED = "/opt/expertbot/venv/bin/expertbot"  # where deploy/README.md installs it
HELP = "您可以回复以下文字"  # the first line of texts/chat/help.j2
BUSY = "系统繁忙"  # texts/chat/busy.j2: WeChat sends the push again, and so does the test
# a manual run may try another installation (a non-editable `pip install`, as the image has)
EXPERTBOT = os.environ.get("DEPLOY_TEST_EXPERTBOT") or str(Path(sys.executable).with_name(
    "expertbot"))


# --- reading the unit files ---------------------------------------------------------------

def unit(name: str) -> dict[str, list[str]]:
    """The settings of a unit file: each key with its values in order (sections merged)."""
    values: dict[str, list[str]] = {}
    text = (UNITS / name).read_text().replace("\\\n", " ")
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, sep, value = line.partition("=")
        assert sep, f"{name}: not a setting: {line!r}"
        values.setdefault(key.strip(), []).append(value.strip())
    return values


def one(settings: dict[str, list[str]], key: str) -> str:
    assert len(settings.get(key, [])) == 1, f"{key}: {settings.get(key)}"
    return settings[key][0]


def command(value: str) -> list[str]:
    """An Exec*= value as argv (without systemd's prefixes such as '-')."""
    argv = shlex.split(value.lstrip("@-:+!"))
    assert argv and "%" not in value, value
    return argv


def environment(settings: dict[str, list[str]]) -> dict[str, str]:
    """What the unit's Environment= lines set."""
    env = {}
    for value in settings.get("Environment", []):
        for assignment in shlex.split(value):
            name, _, val = assignment.partition("=")
            env[name] = val
    return env


def read_env_file(path: Path) -> dict[str, str]:
    """VARIABLE=value lines as systemd and docker compose read them (single-line values;
    quotes removed); comment lines skipped."""
    values = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[A-Z][A-Z0-9_]*", name), f"bad line {line!r}"
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name] = value
    return values


SETTINGS_CLASSES = (Settings, TencentSmsSettings, TencentVoiceSettings, AliyunPrivacySettings,
                    InvoiceSettings, RedisSentinelSettings)


def known_variables() -> set[str]:
    return {str(field.validation_alias) for cls in SETTINGS_CLASSES
            for field in cls.model_fields.values() if field.validation_alias}


# --- static checks ------------------------------------------------------------------------

def test_the_units_run_the_documented_commands() -> None:
    """docs/running.md: the command lines and the supervisor's settings."""
    migrate = unit("expertbot-migrate.service")
    serve = unit("expertbot-serve@.service")
    worker = unit("expertbot-worker@.service")
    assert command(one(migrate, "ExecStart")) == [INSTALLED, "migrate"]
    assert one(migrate, "Type") == "oneshot" and one(migrate, "RemainAfterExit") == "yes"
    empty = command(one(migrate, "ExecStartPre"))
    assert "/run/expertbot/metrics" in empty and "-delete" in empty
    assert command(one(serve, "ExecStart")) == [
        INSTALLED, "serve", "--host", "127.0.0.1", "--port", "8080", "--reuse-port"]
    assert command(one(worker, "ExecStart")) == [INSTALLED, "worker"]
    assert one(worker, "Nice") == "10"
    for process in (serve, worker):
        assert (one(process, "Restart"), one(process, "RestartSec"), one(process, "KillSignal"),
                one(process, "TimeoutStopSec")) == ("always", "2", "SIGTERM", "20")
        assert one(process, "PartOf") == "expertbot.target"
        assert "expertbot-migrate.service" in one(process, "Requires")
        assert "expertbot-migrate.service" in one(process, "After")
    for settings in (migrate, serve, worker):
        assert one(settings, "EnvironmentFile") == "/etc/expertbot/expertbot.env"
        env = environment(settings)
        assert env["PROMETHEUS_MULTIPROC_DIR"] == "/run/expertbot/metrics"
        assert env["EXPERTBOT_ENV"] == "production"
        assert one(settings, "User") == "expertbot"
        assert one(settings, "RuntimeDirectory").split()[0] == "expertbot"
        assert one(settings, "RuntimeDirectoryPreserve") == "yes"
        assert one(settings, "ReadWritePaths") == env["EXPERTBOT_VAR_DIR"]
        assert one(settings, "WorkingDirectory") == env["EXPERTBOT_VAR_DIR"]
        for hardening in ("NoNewPrivileges", "PrivateTmp"):
            assert one(settings, hardening) == "yes"
        assert one(settings, "ProtectSystem") == "strict"
    target = unit("expertbot.target")
    assert "expertbot-migrate.service" in one(target, "Wants")


def test_the_env_file_example_starts_production(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every variable production requires is there, and none is misspelt (a commented-out
    one included): the example as it stands, read from the environment as the processes
    read it, passes the start-up checks."""
    path = DEPLOY / "expertbot.env.example"
    values = read_env_file(path)
    named = set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", path.read_text(), re.MULTILINE))
    unknown = named - known_variables() - {"POSTGRES_PASSWORD"}  # the compose database's
    assert unknown == set(), f"not read by the service: {sorted(unknown)}"
    required = {name.upper() for name in SECRET_FIELDS} | {
        "EXPERTBOT_ENV", "DATABASE_URL", "REDIS_URL", "PUBLIC_BASE_URL", "SMS_PROVIDER"}
    assert required - values.keys() == set()
    assert values["EXPERTBOT_ENV"] == "production" and values["WECHAT_SANDBOX"] == "0"
    for name in known_variables() & os.environ.keys():
        monkeypatch.delenv(name)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.is_production and not settings.sandbox
    assert settings.public_base_url.startswith("https://")
    # the providers it names are configured completely
    assert settings.sms_mode == "tencent" and settings.voice_mode == "tencent"
    TencentSmsSettings().config(None)
    TencentVoiceSettings().config()


def test_the_compose_file_runs_the_documented_commands() -> None:
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"] and services[name]["volumes"]
    migrate = services["migrate"]
    assert migrate["command"] == ["migrate"]  # after emptying the metrics of an earlier start
    assert "find /run/metrics -mindepth 1 -delete && exec expertbot" in migrate["entrypoint"][2]
    serve, worker = services["serve"], services["worker"]
    assert serve["command"] == ["serve", "--host", "0.0.0.0", "--port", "8080"]
    assert serve["deploy"]["replicas"] == "${SERVE_REPLICAS:-3}"
    assert worker["command"] == ["worker"] and worker["deploy"]["replicas"] == 2
    for process in (serve, worker):
        assert process["env_file"] == "expertbot.env"
        assert process["environment"]["EXPERTBOT_ENV"] == "production"
        assert process["depends_on"]["migrate"]["condition"] == \
            "service_completed_successfully"
    for process in (serve, worker):  # one picture: any serve replica answers for all
        assert process["environment"]["PROMETHEUS_MULTIPROC_DIR"] == "/run/metrics"
        assert "metrics:/run/metrics" in process["volumes"]
        assert process["logging"]["driver"] == "journald"  # kept as journald keeps it
    assert compose["volumes"]["metrics"]["driver_opts"]["type"] == "tmpfs"
    nginx = (DEPLOY / "nginx" / "expertbot.conf").read_text()
    assert re.search(r"location /metrics \{\s*deny all;\s*\}", nginx)
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx


# --- the systemd variant on this machine -------------------------------------------------

@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])



def _start(name: str, argv: list[str], env: dict[str, str], cwd: Path, logs: Path) -> Process:
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL)
    return Process(name, popen, log)


async def _stop(proc: Process, within: float) -> tuple[int, float]:
    """SIGTERM, as systemd's KillSignal=; the exit code and how long it took."""
    start = time.monotonic()
    proc.popen.send_signal(signal.SIGTERM)
    try:
        code = await asyncio.to_thread(proc.popen.wait, within)
    except subprocess.TimeoutExpired:
        proc.popen.kill()
        await asyncio.to_thread(proc.popen.wait, 10)
        raise AssertionError(f"{proc.name} still running {within} s after SIGTERM "
                             "(systemd would kill it: TimeoutStopSec)") from None
    return code, time.monotonic() - start


def _listening(port: int, pids: list[int]) -> set[int]:
    """Which of `pids` hold a socket listening on `port` (from /proc: each `--reuse-port`
    process has a listening socket of its own)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    found = set()
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                    found.add(pid)
                    break
            except OSError:
                continue
    return found


async def _admin(url: str) -> asyncpg.Connection:
    """A connection to the server's maintenance database."""
    base = url.rpartition("/")[0].replace("postgres://", "postgresql://", 1)
    return await asyncpg.connect(f"{base}/postgres", timeout=10)


async def _own_redis(url: str) -> str:
    """A Redis database beyond those of the suite's pytest-xdist workers (conftest gives
    worker N the given one + N): theirs are flushed at will, and arq's heartbeat key,
    which /healthz/worker reads, has no prefix."""
    base, _, db = url.partition("?")[0].rpartition("/")
    if not db.isdigit() or base.endswith(":/"):
        base, db = url.partition("?")[0].rstrip("/"), "0"
    own = int(db) + int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    probe = Redis.from_url(f"{base}/0")
    try:
        try:
            count = int((await probe.config_get("databases"))["databases"])
        except Exception:  # CONFIG may be disabled: Redis's default
            count = 16
    finally:
        await probe.aclose()
    if own >= count:
        pytest.skip(f"no free Redis database for the deployment test (needs {own}, the server "
                    f"has {count})")
    return f"{base}/{own}"


def _re_rooted(value: str, roots: dict[str, str]) -> str:
    """A path of the units moved to where this test keeps it."""
    for installed, here in roots.items():
        value = value.replace(installed, here)
    return value


async def _say(http: aiohttp.ClientSession, base: str, pusher: Pusher, openid: str,
               text: str, retried: list[str] | None = None) -> str:
    """A signed, encrypted push as WeChat sends it; the passive reply's text. A busy reply
    (a stalled statement on a loaded machine) is sent again, as WeChat does; so is a push
    whose connection was reset, when `retried` collects them."""
    push = pusher.build(text_fields(openid, text))
    for _ in range(4):
        try:
            async with http.post(f"{base}/wechat/callback", params=push.query,
                                 data=push.body) as resp:
                body = await resp.text()
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as exc:
            # a connection queued on a process that stopped listening is reset (docs/running.md:
            # net.ipv4.tcp_migrate_req=1 moves it to a sibling instead)
            if retried is None:
                raise
            retried.append(repr(exc))
            continue
        assert resp.status == 200, (resp.status, body)
        fields = pusher.read_reply(body, push)
        assert fields is not None, f"no passive reply: {body!r}"
        if BUSY not in fields.get("Content", ""):
            return fields.get("Content", "")
        await asyncio.sleep(0.5)
    raise AssertionError(f"no answer but busy or reset four times ({retried})")


async def _status(http: aiohttp.ClientSession, base: str) -> str:
    """What /readyz says, on a connection of its own."""
    try:
        async with http.get(f"{base}/readyz") as resp:
            return str((await resp.json()).get("status"))
    except (aiohttp.ClientError, TimeoutError, ValueError):
        return "refused"  # a process between its stopping to listen and its exit


def _count(exposed: str, name: str, **labels: str) -> float:
    return sum(s.value for family in text_string_to_metric_families(exposed)
               for s in family.samples
               if s.name == name and labels.items() <= s.labels.items())


async def _one_picture(http: aiohttp.ClientSession, base: str, answered: int) -> None:
    """Whichever serve process answers /metrics counts the pushes both answered and the
    worker's jobs: the units share PROMETHEUS_MULTIPROC_DIR (one picture)."""
    deadline = time.monotonic() + 20
    for _ in range(4):  # a new connection each: either process
        while True:
            async with http.get(f"{base}/metrics") as resp:
                assert resp.status == 200, resp.status
                exposed = await resp.text()
            pushes = _count(exposed, "expertbot_callback_seconds_count", outcome="answered")
            jobs = _count(exposed, "expertbot_job_seconds_count", job="relay_outbox")
            if pushes >= answered and jobs > 0:
                break
            assert time.monotonic() < deadline, f"pushes {pushes}, relay runs {jobs}"
            await asyncio.sleep(0.5)
        assert _count(exposed, "expertbot_outbox_notifications") == 0  # nothing waiting


async def _logged_as_json(http: aiohttp.ClientSession, base: str, pusher: Pusher,
                          serving: list[Process]) -> None:
    """One JSON line a request, under the proxy's X-Request-Id, the openid hashed."""
    push = pusher.build(text_fields("o_deploy_logged", "帮助"))
    async with http.post(f"{base}/wechat/callback", params=push.query, data=push.body,
                         headers={"X-Request-Id": "nginx-0f1e2d3c4b5a6978"}) as resp:
        assert resp.status == 200 and resp.headers["X-Request-Id"] == "nginx-0f1e2d3c4b5a6978"
        await resp.read()
    deadline = time.monotonic() + 10
    while True:
        # whole lines only: a process writes its log in blocks, which may end mid-line
        text = "".join(whole[:whole.rfind("\n") + 1] for whole in (
            p.log.read_text(errors="replace") for p in serving))
        lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
        mine = [line for line in lines if line.get("request_id") == "nginx-0f1e2d3c4b5a6978"]
        # each process writes its buffer within half a second: wait for both, not only the
        # one that answered the proxied request
        if mine and len(lines) > 6:
            break
        assert time.monotonic() < deadline, text[-2000:]
        await asyncio.sleep(0.2)
    assert len(lines) > 6 and all({"ts", "level", "logger", "msg"} <= set(line)
                                  for line in lines)
    assert mine[0]["logger"] == "expertbot.access" and mine[0]["route"] == "/wechat/callback"
    assert mine[0]["user"] == hashed_openid("o_deploy_logged")
    assert "o_deploy_logged" not in text


def _enabled() -> tuple[str, str]:
    database, redis = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database.startswith(("postgres://", "postgresql://")) or not redis:
        pytest.skip("brings the systemd variant up on PostgreSQL and a Redis server: run with "
                    "DATABASE_URL=postgres://postgres@127.0.0.1:5432/test "
                    "REDIS_URL=redis://127.0.0.1:6379/1 (as .ci/run's second pass does)")
    return database, redis


async def test_the_systemd_variant_serves_a_signed_message(tmp_path: Path, aiohttp_server,
                                                           infra: dict[str, str]) -> None:
    database, redis = _enabled()
    migrate, serve, worker = (unit("expertbot-migrate.service"), unit("expertbot-serve@.service"),
                              unit("expertbot-worker@.service"))
    port = free_port()
    run, var, logs = tmp_path / "run" / "expertbot", tmp_path / "var", tmp_path / "logs"
    for folder in (run / "metrics", var, logs):
        folder.mkdir(parents=True)
    roots = {"/run/expertbot": str(run), "/var/lib/expertbot": str(var),
             "/opt/expertbot/src": str(ROOT)}

    def argv(value: str) -> list[str]:
        args = command(value)
        if args[0] == INSTALLED:
            args[0] = EXPERTBOT
        elif not Path(args[0]).exists():  # /usr/bin/find elsewhere on another system
            args[0] = shutil.which(Path(args[0]).name) or args[0]
        args = [_re_rooted(a, roots) for a in args]
        if "--port" in args:
            args[args.index("--port") + 1] = str(port)
        return args

    # Nothing may reach WeChat (the sandbox is off in production): API calls would come here.
    calls: list[str] = []

    async def wechat(request: web.Request) -> web.Response:
        calls.append(f"{request.method} {request.path}")
        return web.json_response({"errcode": 40001, "errmsg": "not in this test"})

    fake = web.Application()
    fake.router.add_route("*", "/{path:.*}", wechat)
    wechat_api = await aiohttp_server(fake)

    # a database and a Redis database of its own, beside those of the suite's workers; the
    # database a copy of the run's migrated template (`infra` waits for it): migrating from
    # scratch is what every run does to make that template, and here took 20 s of one worker
    redis_url = await _own_redis(redis)
    name = f"test_deploy_{os.getpid()}"
    began = time.monotonic()
    admin = await _admin(database)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{database.rpartition("/")[2]}"')
    finally:
        await admin.close()
    own_redis = Redis.from_url(redis_url)

    keys = generate_secrets()  # real-looking: the formats WeChat uses
    env_file = {  # /etc/expertbot/expertbot.env
        "EXPERTBOT_ENV": "production", "WECHAT_SANDBOX": "0",
        "DATABASE_URL": f"{database.rpartition('/')[0]}/{name}", "REDIS_URL": redis_url,
        "REDIS_PREFIX": f"deploy{os.getpid()}:", "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        **keys, "WECHAT_MESSAGE_MODE": "safe", "SMS_PROVIDER": "log",
        "TRUSTED_PROXIES": "127.0.0.1,::1", "LOG_LEVEL": "INFO",
        "WECHAT_API_BASE": str(wechat_api.make_url("")).rstrip("/"),
    }
    # none of this process's own settings leaks in; EnvironmentFile= overrides Environment=
    inherited = known_variables() | {"PROMETHEUS_MULTIPROC_DIR"}
    base_env = {k: v for k, v in os.environ.items() if k not in inherited}

    def env_of(settings: dict[str, list[str]]) -> dict[str, str]:
        own = {k: _re_rooted(v, roots) for k, v in environment(settings).items()}
        return {**base_env, **own, **env_file}

    def cwd_of(settings: dict[str, list[str]]) -> Path:
        return Path(_re_rooted(one(settings, "WorkingDirectory"), roots))

    stop_within = float(one(serve, "TimeoutStopSec"))
    processes: list[Process] = []
    base = f"http://127.0.0.1:{port}"
    pusher = Pusher(keys["WECHAT_TOKEN"], keys["WECHAT_APPID"], keys["WECHAT_AES_KEY"], "safe")
    connector = aiohttp.TCPConnector(force_close=True)  # a new connection (and process) each
    http = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=15))
    try:
        await own_redis.flushdb()
        # the migrate unit: its ExecStartPre empties the metrics of an earlier start
        timings = {"created": time.monotonic() - began}
        stale = run / "metrics" / "counter_99999.db"
        stale.write_bytes(b"left by a process of the previous start")
        emptied = await asyncio.to_thread(subprocess.run, argv(one(migrate, "ExecStartPre")),
                                          capture_output=True, timeout=30)
        assert emptied.returncode == 0, emptied.stderr
        assert list((run / "metrics").iterdir()) == []
        migrated = await asyncio.to_thread(
            subprocess.run, argv(one(migrate, "ExecStart")), env=env_of(migrate),
            cwd=cwd_of(migrate), capture_output=True, text=True, timeout=120)
        assert migrated.returncode == 0, migrated.stdout + migrated.stderr
        assert "database is up to date" in migrated.stdout
        timings["migrated"] = time.monotonic() - began

        began = time.monotonic()
        jobs = _start("worker", argv(one(worker, "ExecStart")), env_of(worker), cwd_of(worker),
                      logs)
        first = _start("serve-1", argv(one(serve, "ExecStart")), env_of(serve), cwd_of(serve),
                       logs)
        second = _start("serve-2", argv(one(serve, "ExecStart")), env_of(serve), cwd_of(serve),
                        logs)
        processes += [jobs, first, second]

        # up: both serve processes listen on the one port, and /readyz sees the worker
        deadline = time.monotonic() + 60
        while True:
            for proc in processes:
                assert proc.popen.poll() is None, f"{proc.name} exited {proc.popen.returncode}"
            if _listening(port, [first.pid, second.pid]) == {first.pid, second.pid}:
                try:
                    async with http.get(f"{base}/readyz") as resp:
                        ready = await resp.json() if resp.status == 200 else {}
                    if ready.get("checks", {}).get("worker") == "ok":
                        break
                except (aiohttp.ClientError, TimeoutError, ValueError):
                    pass
            assert time.monotonic() < deadline, "not ready in 60 s"
            await asyncio.sleep(0.2)
        assert ready["checks"] == {"database": "ok", "redis": "ok", "worker": "ok"}

        timings["ready"] = time.monotonic() - began
        for n in range(6):
            text = await _say(http, base, pusher, f"o_deploy_{n % 3}", "帮助")
            assert HELP in text, text
        async with http.get(f"{base}/healthz/worker") as resp:
            assert resp.status == 200 and (await resp.json())["worker"] == "ok"
        await _one_picture(http, base, answered=6)
        await _logged_as_json(http, base, pusher, [first, second])

        # SIGTERM to one: while it drains (SHUTDOWN_DRAIN s), the kernel still hands it
        # some of the new connections, which it answers as "draining"; the other is ready
        first.popen.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        seen: set[str] = set()
        resets: list[str] = []
        while first.popen.poll() is None and time.monotonic() - signalled < stop_within:
            seen.update(await asyncio.gather(*(_status(http, base) for _ in range(10))))
            text = await _say(http, base, pusher, "o_deploy_drain", "帮助", resets)
            assert HELP in text, text  # answered, by either, while one drains
        code = await asyncio.to_thread(first.popen.wait, max(
            1.0, stop_within - (time.monotonic() - signalled)))
        assert code == 0, f"serve-1 exited {code}"
        timings["serve-1 stop"] = time.monotonic() - signalled
        assert {"draining", "ready"} <= seen, f"/readyz during the drain: {seen}"
        if resets:
            print(f"pushes sent again after a reset during the drain: {resets}")
        for n in range(4):  # the other one answers alone
            text = await _say(http, base, pusher, f"o_deploy_{n}", "帮助")
            assert HELP in text, text

        # the worker: SIGTERM, and /healthz/worker says so within seconds (docs/running.md: 503
        # within about 6 s of the last worker stopping)
        signalled = time.monotonic()
        code, timings["worker stop"] = await _stop(jobs, stop_within)
        assert code == 0, f"worker exited {code}"
        while True:
            async with http.get(f"{base}/healthz/worker") as resp:
                if resp.status == 503:
                    break
            assert time.monotonic() - signalled < 15, "/healthz/worker still 200 15 s later"
            await asyncio.sleep(0.25)
        timings["worker seen gone"] = time.monotonic() - signalled

        code, timings["serve-2 stop"] = await _stop(second, stop_within)
        assert code == 0, f"serve-2 exited {code}"
        print("seconds:", {k: round(v, 1) for k, v in timings.items()}, "/readyz seen:", seen)
        assert calls == [], f"called the WeChat API: {calls}"
    except BaseException:
        for proc in processes:
            print(f"--- {proc.name} (pid {proc.pid}, exit {proc.popen.poll()}): last lines")
            print(proc.tail())
        raise
    finally:
        await http.close()
        for proc in processes:
            if proc.popen.poll() is None:
                proc.popen.kill()
                await asyncio.to_thread(proc.popen.wait, 10)
        await own_redis.flushdb()
        await own_redis.aclose()
        admin = await _admin(database)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
