"""`expertbot doctor`'s line on the keys and certificates that end (services/admin/
key_dates.py): warn 30 and 7 days before one's last day and once it has passed, in the words
the administrator's home page shows; else when the soonest ends."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import aiohttp

from config.doctor_calendar import Warning_
from config.federation import federation_of
from config.key_dates import key_dates_of
from config.settings import Settings
from services.admin import KeyDate, KeyDates, KeyWarning
from services.common.texts import Texts


async def key_dates(settings: Settings, http: aiohttp.ClientSession) -> str:
    """The dated keys (KEY_ROTATE_BY, FEDERATION_PEERS' ends, the WeChat Pay certificates,
    the evaluation systems' register): a warning for each that ends within 30 days or has
    ended."""
    from tortoise import Tortoise
    from tortoise.context import TortoiseContext

    from config.db.database import _prepare
    from config.db.tortoise import tortoise_config

    dates = KeyDates(key_dates_of(settings, federation_of(settings)),
                     Texts(settings.texts_dir))
    _prepare(settings)
    now, unread = datetime.now(UTC), ""
    due: list[KeyWarning] = await dates.due(now, register=False)
    known: list[KeyDate] = await dates.known(register=False)
    async with TortoiseContext():
        try:
            async with asyncio.timeout(settings.db_timeout + 5):
                await Tortoise.init(config=tortoise_config(settings))
                due, known = await dates.due(now), await dates.known()
        except Exception:  # the database line says why; the settings' dates still count
            unread = " (the evaluation systems' register not read: see the database line)"
        finally:
            await Tortoise.close_connections()
    if due:
        raise Warning_("；".join(dates.words(w) for w in due) + unread)
    if not known:
        return f"none dated (KEY_ROTATE_BY records the raw keys' dates: docs/security.md){unread}"
    return (f"{len(known)} dated, none within 30 days; the soonest ends "
            f"{known[0].last_day:%Y-%m-%d} ({known[0].kind}){unread}")
