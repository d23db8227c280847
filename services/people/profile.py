"""A person's profile as shown to them, in chat and in the mini-program: masked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models import column
from models.people import Person, Role
from models.wechat import WeChatIdentity
from services.common.pii import mask_email, mask_phone
from services.common.texts import Texts
from services.people.persons import People


@dataclass(frozen=True)
class Profile:
    name: str
    gender: str
    birth_year: str  # 1949年: the full date is not shown (see models.people)
    id_masked: str
    phone: str
    email: str | None
    roles: list[str]
    role_codes: list[str]
    expert_number: str | None
    channels: list[str]
    must_change_password: bool

    @property
    def roles_text(self) -> str:
        return "、".join(self.roles) or "（暂无）"


class Profiles:
    """A person's profile as they see it (the Experts' part `profile`)."""

    @staticmethod
    async def profile_of(people: People, texts: Texts, person: Person, now: datetime) -> Profile:
        """The person's profile as they see it: masked, their roles and channels in words."""
        grants = await people.active_roles(person.id, now)
        order = list(Role)
        grants.sort(key=lambda g: order.index(Role(g.role)))
        channels = await column(WeChatIdentity.filter(person_id=person.id), "channel")
        expert = next((g.expert_number for g in grants if g.role == Role.EXPERT), None)
        return Profile(
            name=person.name,
            gender=texts.word("gender", person.gender),
            birth_year=f"{person.birth_year}年",
            id_masked=person.id_masked,
            phone=mask_phone(person.phone),
            email=mask_email(person.email) if person.email else None,
            roles=[texts.word("role", g.role) for g in grants],
            role_codes=sorted({g.role for g in grants}),
            expert_number=expert,
            channels=[texts.word("channel", c) for c in sorted(channels)],
            must_change_password=person.must_change_password,
        )
