"""`expertbot doctor`'s line on the keys and certificates that end (services/admin/
key_dates.py): warn 30 and 7 days before one's last day and once it has passed, in the words
the administrator's home page shows; else when the soonest ends."""

from __future__ import annotations

from datetime import UTC, datetime

import aiohttp

from config.doctor_calendar import Warning_
from config.federation import federation_of
from config.key_dates import key_dates_of
from config.settings import Settings
from services.admin import KeyDates
from services.common.texts import Texts


async def key_dates(settings: Settings, http: aiohttp.ClientSession) -> str:
    """The dated keys (KEY_ROTATE_BY, FEDERATION_PEERS' ends, the WeChat Pay certificates):
    a warning for each that ends within 30 days or has ended."""
    dates = KeyDates(key_dates_of(settings, federation_of(settings)),
                     Texts(settings.texts_dir))
    now = datetime.now(UTC)
    due = await dates.due(now)
    if due:
        raise Warning_("；".join(dates.words(w) for w in due))
    known = await dates.known()
    if not known:
        return "none dated (KEY_ROTATE_BY records the raw keys' dates: docs/security.md)"
    return (f"{len(known)} dated, none within 30 days; the soonest ends "
            f"{known[0].last_day:%Y-%m-%d} ({known[0].kind})")
