"""What an operator sees: /metrics moving after a conversation, a push and a
payment; who may read it; one JSON access line a request and one a job, the job under the
request id of the request that queued it; openids hashed, phone numbers masked."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from config.app import create_app
from config.observability.logging_setup import JsonFormatter, install_pii_masking, logger_levels
from models.money.payments import OrderStatus, Payable, PayOrder
from models.notifications import Notification
from sandbox.pay.gateway import PayGateway
from sandbox.platform import Platform
from sandbox.wechat_push import text_fields
from services.common.runtime.trace import hashed_openid
from tests.support.api import Api
from tests.support.draw_world import drawn, make_experts
from tests.support.helpers import eventually, redis_of
from tests.support.metrics import scrape, total
from tests.support.payments import course_fee
from tests.support.settings import make_settings
from tests.support.wechat import Chat


async def test_metrics_move_with_a_conversation_a_push_and_a_payment(
        chat: Chat, client: TestClient, api: Api, demo: dict, platform: Platform,
        pay_gateway: PayGateway) -> None:
    before = await scrape(client)
    await course_fee(api, demo)
    openid = demo["expert"].openid
    platform.interact(openid)
    answer = await chat.say(openid, "缴费")  # the reply, then the QR image as a push
    assert "课程费" in answer.text
    await eventually(lambda: platform.sent_to(openid, "custom_image"), timeout=15)
    refused = await client.post("/wechat/callback", params={"signature": "0" * 40,
                                                            "timestamp": "1", "nonce": "n"},
                                data=b"<xml/>")
    assert refused.status == 403
    order = await PayOrder.get(status=OrderStatus.OPEN)
    await pay_gateway.scan_and_pay(order.code_url)
    await eventually(lambda: Payable.exists(paid_at__not_isnull=True))
    await eventually(lambda: platform.sent_to(openid, "custom_text"))  # the receipt
    # a notification that died on the template channel: the depth read at the scrape
    await Notification.create(kind="system.test", status="dead", channel="template",
                              next_attempt_at=datetime.now(UTC), client_msg_id="dead-1")
    after = await scrape(client)

    def grew(name: str, by: float = 1, **labels: str) -> bool:
        return total(after, name, **labels) - total(before, name, **labels) >= by

    assert grew("expertbot_callback_seconds_count", handler="pay", outcome="answered")
    assert grew("expertbot_callback_seconds_count", outcome="refused")
    assert not any(openid in str(key) for key in after)  # handlers' names, never openids
    assert grew("expertbot_sends_total", 2, channel="cs")  # the QR image and the receipt
    assert grew("expertbot_pay_notifications_total", result="paid")
    assert grew("expertbot_http_request_seconds_count", route="/pay/notify", status="204")
    assert grew("expertbot_http_request_seconds_count",
                route="/miniapp/v1/education/courses/{course_id}/enroll", method="POST")
    assert grew("expertbot_job_seconds_count", job="relay_outbox", result="ok")
    assert after[("expertbot_outbox_notifications",
                  frozenset({("status", "dead"), ("channel", "template")}))] == 1
    assert after[("expertbot_outbox_notifications",
                  frozenset({("status", "queued"), ("channel", "none")}))] == 0


async def test_a_draw_is_counted_operation_by_operation(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """GD-DRAW's steps as an agency and a trading centre take them: submitted, verified,
    started; the experts' answers end it."""
    await make_experts(client, 3)
    before = await scrape(client)
    await drawn(api, chat, demo)
    after = await scrape(client)
    for action in ("submit", "verify", "start"):
        key = ("expertbot_draw_events_total", frozenset({("action", action)}))
        assert after.get(key, 0) - before.get(key, 0) == 1, action


@pytest.mark.parametrize(("allow", "token", "headers", "status"), [
    ("127.0.0.1,::1", "", {}, 200),
    # through a proxy on the same machine (nginx) the client it names must be allowed too
    ("127.0.0.1,::1", "", {"X-Forwarded-For": "203.0.113.9"}, 404),
    ("10.1.2.0/24", "", {}, 404),  # the scraper's network only
    ("127.0.0.0/8", "scrape-token-0123456789", {}, 404),
    ("127.0.0.0/8", "scrape-token-0123456789", {"Authorization": "Bearer wrong"}, 404),
    ("127.0.0.0/8", "scrape-token-0123456789",
     {"Authorization": "Bearer scrape-token-0123456789"}, 200),
])
async def test_metrics_are_not_for_the_outside(aiohttp_client, infra: dict[str, str],
                                               allow: str, token: str,
                                               headers: dict[str, str], status: int) -> None:
    # no in-process worker: who may scrape is the question here, and in a full PostgreSQL run
    # two of these waited about 10 s at teardown (the worker's stop grace, STOP_GRACE)
    app = create_app(make_settings(infra, METRICS_ALLOW=allow, METRICS_TOKEN=token,
                                   EXPERTBOT_INPROCESS_WORKER=False))
    resp = await (await aiohttp_client(app)).get("/metrics", headers=headers)
    assert resp.status == status
    if status == 200:
        assert "expertbot_callback_seconds" in await resp.text()


class Lines(logging.Handler):
    """The JSON lines a collector would read from the service's stderr."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def lines() -> Iterator[Lines]:
    install_pii_masking()
    handler = Lines()
    levels = logger_levels("json")  # as `expertbot serve` sets them in production
    saved = {name: logging.getLogger(name).level for name in levels}
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


async def test_a_request_id_follows_a_push_into_the_job_that_answers_it(
        client: TestClient, chat: Chat, platform: Platform, lines: Lines) -> None:
    openid = "o_observed_user"
    platform.interact(openid)
    lock_key = "t:lock:{" + openid + "}"  # the user's previous message still runs
    await redis_of(client.app).set(lock_key, "held-by-a-long-handler", px=1500)
    push = chat.pusher.build(text_fields(openid, "帮助"))
    resp = await client.post("/wechat/callback", params=push.query, data=push.body,
                             headers={"X-Request-Id": "edge-7f3a9c21d4"})
    assert resp.status == 200 and resp.headers["X-Request-Id"] == "edge-7f3a9c21d4"
    await redis_of(client.app).delete(lock_key)
    await eventually(lambda: len(platform.sent_to(openid, "custom_text")) == 1)

    def jobs_of(rid: str) -> list[dict]:
        return [line for line in lines.lines
                if line.get("job") == "process_message" and line.get("request_id") == rid]

    await eventually(lambda: jobs_of("edge-7f3a9c21d4"))
    access = [line for line in lines.lines if line["logger"] == "expertbot.access"
              and line.get("request_id") == "edge-7f3a9c21d4"]
    assert len(access) == 1
    line = access[0]
    assert line["route"] == "/wechat/callback" and line["status"] == 200
    assert line["outcome"] == "late" and line["user"] == hashed_openid(openid)
    assert isinstance(line["ms"], float) and line["ts"].endswith("+00:00")
    job = jobs_of("edge-7f3a9c21d4")[0]
    assert job["result"] == "ok" and job["level"] == "INFO" and job["ms"] >= 0
    assert not [line for line in lines.lines if openid in json.dumps(line)]
    # a request without a proxy's id gets one of its own, different each time
    ids = set()
    for _ in range(2):
        resp = await client.get("/healthz")
        ids.add(resp.headers["X-Request-Id"])
    assert len(ids) == 2 and all(len(i) == 16 for i in ids)
    # a made-up id that could break a log line is replaced
    resp = await client.get("/healthz", headers={"X-Request-Id": 'x", "level": "ok'})
    assert resp.headers["X-Request-Id"] != 'x", "level": "ok'


async def test_log_lines_mask_phone_numbers_and_keep_no_path(
        client: TestClient, lines: Lines) -> None:
    logging.getLogger("tests").warning("could not reach 13800000002 at %s", time.time())
    resp = await client.get("/miniapp/v1/no/such/13800000002?phone=13800000002")
    assert resp.status == 404
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines.lines)
    assert "13800000002" not in text and "138****0002" in text
    access = [line for line in lines.lines if line["logger"] == "expertbot.access"]
    assert access[-1]["route"] == "unmatched" and access[-1]["status"] == 404


@pytest.mark.process  # a process of its own (tests/README.md, "Tiers")
def test_processes_sharing_a_metrics_directory_write_files_of_their_own(tmp_path) -> None:
    """Containers sharing PROMETHEUS_MULTIPROC_DIR may all run their process as pid 7: each
    process's files are named after its host and pid (config/observability/metrics_dir.py)."""
    script = ("import os, socket\n"
              "from config.observability.metrics_dir import use_metrics_dir\n"
              "use_metrics_dir()\n"
              "from services.common.metrics import SENDS\n"
              "SENDS.labels('cs', 'sent').inc()\n"
              "print(socket.gethostname().replace('_', '-'), os.getpid())\n")
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=60, cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stderr
    host, pid = done.stdout.split()
    # the counters' file stays; the gauges of the live modes went with the process
    assert os.listdir(tmp_path / "metrics") == [f"counter_{host}-{pid}.db"]


@pytest.mark.process  # a process of its own (tests/README.md, "Tiers")
def test_the_command_writes_its_metrics_to_the_shared_directory(tmp_path) -> None:
    """`expertbot` chooses the shared directory before any metric exists, although its
    subcommands' modules import the contexts' front doors, which create metrics: with
    PROMETHEUS_MULTIPROC_DIR set, `expertbot migrate` once failed at start-up."""
    script = "from config.cli import main\nmain(['route', '帮助'])\n"
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=60, cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stderr
    assert "on_help" in done.stdout and (tmp_path / "metrics").is_dir()
