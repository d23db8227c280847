"""What the web pages run on: the domain and the texts, handed over by the composition root,
and the pages' own jinja2 environment."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network

from aiohttp import web
from jinja2 import Environment
from redis.asyncio import Redis

from services.common.clock import SYSTEM_CLOCK, Clock
from services.common.redis_keys import RedisKeys
from services.common.texts import Texts
from services.domain import Domain

DOMAIN = web.AppKey("web_domain", Domain)
TEXTS = web.AppKey("web_texts", Texts)  # refusals and the pages' own words (texts/web/)
PAGES = web.AppKey("pages_env", Environment)


@dataclass(frozen=True)
class PageRedis:
    """Redis for the pages' own counters (how often an address opens a page), and the
    proxies whose X-Forwarded-For names the client (TRUSTED_PROXIES; web/rate.py)."""

    redis: Redis
    keys: RedisKeys
    proxies: tuple[IPv4Network | IPv6Network, ...] = ()
    clock: Clock = SYSTEM_CLOCK  # the minutes the counters count in


PAGE_REDIS = web.AppKey("page_redis", PageRedis)
