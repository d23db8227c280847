"""`expertbot doctor`'s line on the holiday calendar: the years the national calendar is known
for, and from 1 November whether next year's is there (services/reference/holidays.py)."""

from __future__ import annotations

import asyncio

import aiohttp

from config.settings import Settings


class Warning_(Exception):
    """A part works but wants an operator soon (the exit status stays 0)."""


async def holiday_calendar(settings: Settings, http: aiohttp.ClientSession) -> str:
    """The national calendar's years (services/reference/national_calendar.py); from 1
    November, whether next year's is there."""
    from datetime import UTC, datetime

    from tortoise import Tortoise
    from tortoise.context import TortoiseContext

    from config.db.database import _prepare
    from config.db.tortoise import tortoise_config
    from services.reference import Holidays

    _prepare(settings)
    async with TortoiseContext():
        try:
            async with asyncio.timeout(settings.db_timeout + 5):
                await Tortoise.init(config=tortoise_config(settings))
                years = await Holidays.years()
                missing = await Holidays.missing_next(datetime.now(UTC))
        finally:
            await Tortoise.close_connections()
    if missing is not None:
        raise Warning_(f"{missing} not loaded: working days of {missing} cannot be counted "
                       "(a 政府采购 draw cannot start); upgrade chinesecalendar or enter the "
                       "State Council's notice on the console's 节假日 page")
    return f"known for {years[0]}–{years[-1]}" if years else "no year known"
