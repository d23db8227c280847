"""The service without its in-process worker, over real HTTP: the test runs the relay (and
any job) itself, when it chooses."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.relay.channels import CHANNELS
from config.app import create_app
from sandbox.app import register_templates
from sandbox.platform import Platform
from services.common.clock import SYSTEM_CLOCK, Clock
from tests.support.settings import make_settings
from tests.support.world import reset_state


async def driven_app(aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
                     platform: Platform, clock: Clock = SYSTEM_CLOCK, **overrides: object
                     ) -> tuple[web.Application, TestClient]:
    """The service on an empty database and Redis, its templates known to the fake platform;
    `overrides`: settings."""
    settings = make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                             EXPERTBOT_INPROCESS_WORKER=False, **overrides)
    app = create_app(settings, clock=clock)
    client = await aiohttp_client(app)
    await reset_state(app)
    register_templates(platform, app[CHANNELS].notify_texts)
    return app, client
