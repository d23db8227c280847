"""The expert a sanction or a credit is about: found by their expert number (the
administrator's desk), by their name (the experts of that name, to choose from by number) or
as the person signed in (the expert's own pages)."""

from __future__ import annotations

from models.experts import ExpertProfile
from models.people import Person
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
    async def experts_named(name: str, most: int = 20) -> list[ExpertProfile]:
        """The experts whose name is exactly `name` (spaces aside), by number; at most
        `most`."""
        wanted = "".join(name.split())
        if not wanted:
            return []
        people = Person.filter(name=wanted).values_list("id", flat=True)
        return list(await ExpertProfile.filter(person_id__in=await people)
                    .order_by("expert_number").limit(most))

    @staticmethod
    async def expert_of_person(person_id: int) -> ExpertProfile:
        """The person's expert profile; NotFound when they are no expert."""
        profile = await ExpertProfile.get_or_none(person_id=person_id)
        if profile is None:
            raise NotFound("sanction.no_expert")
        return profile
