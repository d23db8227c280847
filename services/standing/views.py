"""An expert's standing as they read it in chat (我的信用), and as the reviewer of their
next application reads it: their credit and their latest sanctions, the same as the
mini-program's /expert/credit and /expert/sanctions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import services.standing.credit as credit
from models.experts import ExpertProfile
from models.sanctions import Sanction


@dataclass(frozen=True)
class Standing:
    profile: ExpertProfile
    credit: credit.Credit
    sanctions: list[Sanction]  # the latest, newest first


async def standing_of(person_id: int, now: datetime, latest: int) -> Standing | None:
    """The person's credit now and their `latest` sanctions; None: they are no expert."""
    profile = await ExpertProfile.get_or_none(person_id=person_id)
    if profile is None:
        return None
    got = await credit.compute(profile.id, now)
    sanctions = await Sanction.filter(expert_id=profile.id).order_by("-id").limit(latest)
    return Standing(profile, got, list(sanctions))
