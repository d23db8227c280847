"""Agencies (GD-DRAW): a legal person (法人) links the handlers (经办人) who act for it, each
for a validity period, and can unlink them; a handler sees which legal person it acts for."""

from __future__ import annotations

from datetime import UTC, datetime

from models.people import Agency, Role, RoleGrant
from services.common.errors import BadInput, Conflict, NotFound
from services.people.persons import People


class Agencies:
    def __init__(self, people: People) -> None:
        self.people = people

    @staticmethod
    async def membership(grants: list[RoleGrant], *roles: Role) -> tuple[Agency, RoleGrant]:
        """The agency one of these roles (tried in order) acts for, with that grant."""
        for role in roles:
            grant = next((g for g in grants if g.role == role and g.agency_id is not None),
                         None)
            if grant is not None:
                return await Agency.get(id=grant.agency_id), grant
        raise BadInput("agency.none")

    @staticmethod
    async def handlers(agency: Agency, now: datetime) -> list[RoleGrant]:
        """The handlers linked now, with their persons."""
        grants = await RoleGrant.filter(agency_id=agency.id, role=Role.AGENCY_HANDLER,
                                        revoked_at=None).prefetch_related("person")
        return [g for g in grants if g.active(now)]

    async def link_handler(self, agency: Agency, phone: str, valid_until: datetime,
                           now: datetime) -> RoleGrant:
        """Link a registered person, found by phone, as a handler until `valid_until`."""
        until = valid_until if valid_until.tzinfo else valid_until.replace(tzinfo=UTC)
        if until <= now:
            raise BadInput("agency.validity_past")
        person = await self.people.by_phone(phone)
        if person is None:
            raise NotFound("agency.no_such_person")
        current = await RoleGrant.filter(person_id=person.id, agency_id=agency.id,
                                         role=Role.AGENCY_HANDLER, revoked_at=None).first()
        if current is not None and current.active(now):
            raise Conflict("agency.already_handler")
        grant = await RoleGrant.create(person=person, role=Role.AGENCY_HANDLER, agency=agency,
                                       valid_from=now, valid_until=until)
        grant.person = person
        return grant

    @staticmethod
    async def unlink_handler(agency: Agency, grant_id: int, now: datetime) -> None:
        updated = await RoleGrant.filter(id=grant_id, agency_id=agency.id,
                                          role=Role.AGENCY_HANDLER, revoked_at=None
                                          ).update(revoked_at=now)
        if not updated:
            raise NotFound("agency.no_such_link")
