"""From 1 November, the system administrators are told once a day that next year's holiday
calendar is missing (the State Council's notice usually comes out in November: the package
`chinesecalendar` is released after it), until the package or an entered notice has it."""

from __future__ import annotations

from datetime import datetime

from models.people import Role, RoleGrant
from services.common.clock import china_time, china_today
from services.notifications import Outbox
from services.reference.holidays import Holidays


class HolidayReminder:
    """The daily notice of a missing next year."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    async def remind(self, now: datetime) -> int:
        """Each active system administrator told, once a China day: how many were told."""
        missing = await Holidays.missing_next(now)
        if missing is None:
            return 0
        admins = await RoleGrant.holders(Role.ADMIN, now)
        day = f"{china_today(now):%Y%m%d}"
        async with self.outbox.change(now) as change:
            for person_id in admins:
                await change.notify("holiday.missing", {
                    "year": missing, "at": china_time(now)}, person_id=person_id,
                    dedupe_key=f"holiday-missing:{person_id}:{day}")
        return len(admins)
