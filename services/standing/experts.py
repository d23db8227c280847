"""The expert a sanction or a credit is about: found by their expert number (the
administrator's desk) or as the person signed in (the expert's own pages)."""

from __future__ import annotations

from models.experts import ExpertProfile
from services.common.errors import NotFound


class ExpertLookup:
    """The expert a sanction or a credit is about (the part `experts` of CreditDesk)."""

    @staticmethod
    async def expert_by_number(number: str) -> ExpertProfile:
        """The expert with this number; NotFound otherwise."""
        profile = await ExpertProfile.get_or_none(expert_number=number.strip())
        if profile is None:
            raise NotFound("sanction.no_expert")
        return profile

    @staticmethod
    async def expert_of_person(person_id: int) -> ExpertProfile:
        """The person's expert profile; NotFound when they are no expert."""
        profile = await ExpertProfile.get_or_none(person_id=person_id)
        if profile is None:
            raise NotFound("sanction.no_expert")
        return profile
