"""Agencies through the province's unified identity platform (统一身份认证平台, an OpenID Connect
provider). GD-DRAW:
"招标人/代理机构需为法人用户或以法人身份信息办理业务的经办人用户，不允许个人身份登录办理抽取业务"
and
"法人用户需满足统一身份认证平台的四级（原L2）核验后，方可进入系统，四级以下认证的账号不能进入系统"
— "需进入统一身份认证平台完成实名核验提升相应的等级后再进入系统". The platform verifies who
signs in and at which level; here the person is found by the verified ID number, a legal-person
account must name an agency the person is the legal person of, the level is kept with that role
(read again at each sign-in), and a legal person below 四级 is refused in words with the way to
raise the level. Where a deployment has the platform, an agency's legal person signs in only
through it; where it has none, the console's own sign-in stays (docs/rules-that-are-ours.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from models.people import Agency, Person, Role, RoleGrant
from services.common.errors import DomainError, NotAllowed, NotFound
from services.people.agencies import AGENCY_ROLES
from services.people.persons import People, active_roles

REQUIRED = 4  # GD-DRAW: 四级（原L2）


@dataclass(frozen=True)
class Verified:
    """What the platform verified of the person signing in (its ID token's claims)."""

    subject: str
    name: str
    id_number: str
    legal: bool  # a legal-person (法人) account, else a personal one
    credit_code: str  # the legal person's unified social credit code ("" for a person)
    level: int  # 1–4


class PlatformRefused(DomainError):
    """The platform did not verify the sign-in (its error, a bad answer, down)."""


class IdentityPlatform(Protocol):
    """The OpenID Connect provider (bot/providers/identity/oidc.py; the sandbox's fake)."""

    async def prepare(self) -> None: ...

    def authorize_url(self, state: str, nonce: str, challenge: str) -> str: ...

    async def exchange(self, code: str, verifier: str, nonce: str) -> Verified: ...


class UnifiedIdentity:
    def __init__(self, people: People, platform: IdentityPlatform | None,
                 raise_level_url: str = "") -> None:
        self.people = people
        self.platform = platform
        self.raise_level_url = raise_level_url  # where the platform raises an account's level

    @property
    def on(self) -> bool:
        return self.platform is not None

    async def admit(self, verified: Verified, now: datetime) -> Person:
        """The person the platform verified, as the console signs them in; refused in words:
        no account here, no agency role, not this agency's legal person, or below 四级 (the
        level is kept on the role first: the refusal is on record too)."""
        person = await self.people.by_id_number(verified.id_number)
        if person is None or person.deregistered_at is not None:
            raise NotFound("identity.no_account")
        grants = [g for g in await active_roles(person.id, now) if g.role in AGENCY_ROLES]
        if not grants:
            raise NotAllowed("identity.not_agency")
        if not verified.legal:
            # a personal account opens a handler's work only: a legal person (of any agency)
            # comes through the legal-person account, whose level is asked
            if any(g.role == Role.AGENCY_LEGAL for g in grants):
                raise NotAllowed("identity.legal_account_needed")
            return person  # a handler through a personal account: no level is asked of it
        agency = await Agency.get_or_none(credit_code=verified.credit_code)
        legal = [g for g in grants if g.role == Role.AGENCY_LEGAL and agency is not None
                 and g.agency_id == agency.id]
        if not legal:
            raise NotAllowed("identity.not_legal_person")
        await RoleGrant.filter(id__in=[g.id for g in legal]).update(
            identity_level=verified.level, identity_checked_at=now)
        if verified.level < REQUIRED:
            raise NotAllowed("identity.level_too_low", level=verified.level, required=REQUIRED,
                             url=self.raise_level_url)
        # the legal person of other agencies too: each of those verified at 四级 by its own
        # legal-person account before this sign-in opens them all
        others = [g for g in grants if g.role == Role.AGENCY_LEGAL and g not in legal
                  and (g.identity_level or 0) < REQUIRED]
        if others:
            names = [a.name for a in await Agency.filter(id__in=[g.agency_id for g in others])]
            raise NotAllowed("identity.other_legal_unverified", agencies="、".join(names))
        return person

    async def must_use_platform(self, person: Person, now: datetime) -> None:
        """A legal person signing in by password or code where the platform is in use:
        refused, told to use the platform."""
        if self.on and any(g.role == Role.AGENCY_LEGAL
                           for g in await active_roles(person.id, now)):
            raise NotAllowed("identity.use_platform")
