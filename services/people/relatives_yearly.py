"""The close relatives asked again at the year's turn (ours: docs/rules-that-are-ours.md; the
sources ask an expert to declare them — CK-198 Art. 16 (二), GPL-REG Art. 9 (四) — and to
withdraw when one is concerned, but date no renewal of the list). Relatives change: a
marriage, a relative's new post. From 1 January (China time) every active expert whose list
was last declared or confirmed before that year is asked once to confirm it unchanged or
correct it (`expert.relatives_yearly`, by the channels the expert has); confirming or
declaring anew is recorded with its moment. An expert who has not answered is not kept out
of any draw: no source says so, and the list already on record still binds the draw."""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import Q

from models import column
from models.experts import ExpertProfile
from models.notifications import Notification
from services.common.clock import CHINA, china_time
from services.notifications import Outbox

BATCH = 500  # experts told in one transaction


def year_began(now: datetime) -> datetime:
    """1 January, 00:00 China time, of now's China year."""
    return now.astimezone(CHINA).replace(month=1, day=1, hour=0, minute=0, second=0,
                                         microsecond=0)


class RelativesYearly:
    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    @staticmethod
    def due(confirmed_at: datetime | None, now: datetime) -> bool:
        """Whether the list waits for this year's confirmation."""
        return confirmed_at is None or confirmed_at < year_began(now)

    @staticmethod
    async def confirm(expert: ExpertProfile, now: datetime) -> None:
        """The list confirmed unchanged."""
        await ExpertProfile.filter(id=expert.id).update(relatives_confirmed_at=now)

    async def ask(self, now: datetime) -> int:
        """This year's question to each active expert whose list waits for it and who was
        not asked it yet (once a year: the notice's dedupe key), in January only; how many
        were asked now."""
        local = now.astimezone(CHINA)
        if local.month != 1:
            return 0
        began = year_began(now)
        waiting = [int(p) for p in await column(ExpertProfile.filter(
            Q(relatives_confirmed_at=None) | Q(relatives_confirmed_at__lt=began),
            active=True).order_by("id"), "person_id")]
        asked = 0
        for start in range(0, len(waiting), BATCH):
            chunk = waiting[start:start + BATCH]
            keys = {p: f"relatives:{local.year}:{p}" for p in chunk}
            told = {str(k) for k in await column(Notification.filter(
                dedupe_key__in=list(keys.values())), "dedupe_key")}
            fresh = [p for p in chunk if keys[p] not in told]
            if not fresh:
                continue
            # the mass notices' lane: a whole list asked never waits ahead of one person's
            # invitation
            async with self.outbox.change(now) as change:
                asked += await change.notify_all("expert.relatives_yearly", {
                    "year": str(local.year), "at": china_time(now)}, fresh,
                    dedupe_prefix=f"relatives:{local.year}")
        return asked
