"""What the web pages run on: the domain and the texts, handed over by the composition root,
and the pages' own jinja2 environment."""

from __future__ import annotations

from aiohttp import web
from jinja2 import Environment

from services.domain import Domain
from services.texts import Texts

DOMAIN = web.AppKey("web_domain", Domain)
TEXTS = web.AppKey("web_texts", Texts)  # refusals and the pages' own words (texts/web/)
PAGES = web.AppKey("pages_env", Environment)
