"""An expert's standing as they read it in chat (我的信用), and as the reviewer of their
next application reads it: their credit and their latest sanctions, the same as the
mini-program's /expert/credit and /expert/sanctions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import services.standing.credit as credit
from models.experts import ExpertProfile
from models.sanctions import Sanction
from services.standing.experts import expert_by_number, expert_of_person


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


class CreditDesk:
    """Experts' credit (信用): the rule, the scores and how each came about, an expert found
    by number or by person, and the standing a person reads of themselves."""

    rule = staticmethod(credit.rule)
    set_rule = staticmethod(credit.set_rule)
    compute_many = staticmethod(credit.compute_many)
    explained = staticmethod(credit.explained)
    recompute = staticmethod(credit.recompute)
    on_absence = staticmethod(credit.on_absence)
    credit_view = staticmethod(credit.credit_view)
    expert_by_number = staticmethod(expert_by_number)
    expert_of_person = staticmethod(expert_of_person)
    standing_of = staticmethod(standing_of)
