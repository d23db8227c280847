"""What the web pages run on: the domain, handed over by the composition root, and the
pages' own jinja2 environment."""

from __future__ import annotations

from aiohttp import web
from jinja2 import Environment

from services.domain import Domain

DOMAIN = web.AppKey("web_domain", Domain)
PAGES = web.AppKey("pages_env", Environment)
