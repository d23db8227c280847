"""Small helpers shared by the tests: the words of a refusal, waiting for work, a
subprocess's environment, China time typed into a form, a customer-service window."""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web
from redis.asyncio import Redis

from bot.relay.channels import CHANNELS
from bot.wechat.windows import MESSAGE, Grant
from config.observability.health import READINESS
from config.settings import ROOT, Settings
from services.common.errors import DomainError
from services.common.texts import Texts

TEXTS = Texts(ROOT / "texts")  # the service's texts, to say what a reply should say


def said(exc: DomainError) -> str:
    """The words a refusal is answered with."""
    return TEXTS.error(exc)


async def open_window(app: web.Application, openid: str, platform: Any = None,
                      grant: Grant = MESSAGE, at: float | None = None) -> None:
    """The user did what opens `grant`'s customer-service window (by default, wrote to the
    account) at `at` (now): the service counts it, and so does the fake WeChat `platform`
    when one is given (without it, the two disagree, as after a lost push)."""
    when = time.time() if at is None else at
    await app[CHANNELS].relay.sender.windows.open(openid, grant, when)
    if platform is not None:
        platform.interact(openid, (grant.messages, grant.seconds))


def redis_of(app: web.Application) -> Redis:
    """The service's own Redis client (the one /readyz pings)."""
    return app[READINESS].redis


async def eventually(check: Callable[[], Awaitable[bool] | bool], timeout: float = 5.0,
                     interval: float = 0.05) -> None:
    """Wait until `check()` holds (work done by the worker or a background task), looking
    every `interval` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(interval)


def process_env(settings: Settings) -> dict[str, str]:
    """The environment that gives an `expertbot` subprocess these settings."""
    env = dict(os.environ)
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        if value is None or field.validation_alias is None:
            continue
        if isinstance(value, dict | list):
            value = json.dumps(value)
        elif isinstance(value, bool):
            value = "1" if value else "0"
        env[str(field.validation_alias)] = str(value)
    return env


def china_input(moment: datetime) -> str:
    """A moment as a person types it into a datetime-local field: China time, minutes."""
    from services.common.clock import CHINA

    return f"{moment.astimezone(CHINA):%Y-%m-%dT%H:%M}"
