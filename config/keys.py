"""Typed keys of the resources that live in the aiohttp application."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from bot.callback import ENGINE, TRANSPORT
from config.settings import Settings

if TYPE_CHECKING:
    from config.runtime import Runtime

SETTINGS = web.AppKey("settings", Settings)
RUNTIME: web.AppKey[Runtime] = web.AppKey("runtime")

__all__ = ["ENGINE", "RUNTIME", "SETTINGS", "TRANSPORT"]
