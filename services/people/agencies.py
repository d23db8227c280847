"""Agencies (GD-DRAW): a legal person (法人) links the handlers (经办人) who act for it, each
for a validity period — "点击“我的经办人”添加个人账户并设置有效期" — and the person answers
— "个人账户进入账户管理处理关联申请, 即可成为该企业经办人": a link acts only once accepted. The
legal person sees its links (waiting, accepted, refused) and can end any; a handler sees
which legal persons it acts for, and one linked to several chooses, for a sign-in, whom it
acts for ("登录后选择以经办企业的身份进入系统")."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.expressions import Q

from models.people import KEEPS_RECORDS, Agency, LinkState, Role, RoleGrant
from services.common.clock import china_time
from services.common.errors import BadInput, Conflict, NotAllowed, NotFound
from services.people.persons import People

AGENCY_ROLES = frozenset({Role.AGENCY_LEGAL, Role.AGENCY_HANDLER})


def waiting(grant: RoleGrant, now: datetime) -> bool:
    """A link asked and not yet answered, still inside its validity period."""
    return grant.link_state == LinkState.PENDING and grant.revoked_at is None and (
        grant.valid_until is None or now < grant.valid_until)


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
        """The agency's links, with their persons: the handlers acting now, the links
        waiting for an answer, and those refused (until the legal person removes them)."""
        grants = await RoleGrant.filter(agency_id=agency.id, role=Role.AGENCY_HANDLER,
                                        revoked_at=None).prefetch_related("person")
        return [g for g in grants if g.active(now) or waiting(g, now)
                or g.link_state == LinkState.REFUSED]

    async def link_handler(self, agency: Agency, phone: str, valid_until: datetime,
                           now: datetime) -> RoleGrant:
        """Ask a registered person, found by phone, to be a handler until `valid_until`;
        the person is told, and acts for the agency once they accept. A handler whose link
        runs may be asked for a later end (a renewal): the running link stays until the new
        one is accepted, then gives way to it, so the agency has no day without its handler
        (docs/rules-that-are-ours.md)."""
        until = valid_until if valid_until.tzinfo else valid_until.replace(tzinfo=UTC)
        if until <= now:
            raise BadInput("agency.validity_past")
        person = await self.people.by_phone(phone)
        if person is None:
            raise NotFound("agency.no_such_person")
        current = await RoleGrant.filter(person_id=person.id, agency_id=agency.id,
                                         role=Role.AGENCY_HANDLER, revoked_at=None)
        if any(g.active(now) and (g.valid_until is None or g.valid_until >= until)
               for g in current):
            raise Conflict("agency.already_handler")  # nothing to renew: it runs as long
        if any(waiting(g, now) for g in current):
            raise Conflict("agency.link_waiting", name=person.name)
        # 管用分离: who keeps experts' records does not draw them (services/admin/actions.py)
        if any(g.valid_until is None or g.valid_until > now for g in await RoleGrant.filter(
                person_id=person.id, revoked_at=None, role__in=KEEPS_RECORDS)):
            raise NotAllowed("agency.records_apart", name=person.name)
        async with self.people.outbox.change(now) as change:
            replaced = [g.id for g in current if not g.active(now)]
            if replaced:  # a refusal or a lapsed link, replaced by the new request
                await RoleGrant.filter(id__in=replaced).update(revoked_at=now)
            grant = await RoleGrant.create(person=person, role=Role.AGENCY_HANDLER,
                                           agency=agency, valid_from=now, valid_until=until,
                                           link_state=LinkState.PENDING)
            await change.notify("agency.link_request", {
                "agency": agency.name, "until": china_time(until), "at": china_time(now)},
                person_id=person.id)
        grant.person = person
        return grant

    @staticmethod
    async def unlink_handler(agency: Agency, grant_id: int, now: datetime) -> None:
        """End a link, whatever its answer: a handler stops acting, a request is taken
        back, a refusal leaves the list."""
        updated = await RoleGrant.filter(id=grant_id, agency_id=agency.id,
                                          role=Role.AGENCY_HANDLER, revoked_at=None
                                          ).update(revoked_at=now)
        if not updated:
            raise NotFound("agency.no_such_link")

    @staticmethod
    async def choices(grants: list[RoleGrant]) -> list[tuple[Agency, RoleGrant]]:
        """The agencies a person may act for now (legal person first), with the grant."""
        ranked = sorted((g for g in grants if g.role in AGENCY_ROLES and g.agency_id),
                        key=lambda g: (g.role != Role.AGENCY_LEGAL, g.id))
        by_id = {a.id: a for a in await Agency.filter(id__in=[g.agency_id for g in ranked])}
        seen: dict[int, tuple[Agency, RoleGrant]] = {}
        for grant in ranked:
            seen.setdefault(int(grant.agency_id or 0), (by_id[grant.agency_id], grant))
        return list(seen.values())

    @staticmethod
    def require_choice(grants: list[RoleGrant], agency_id: int) -> None:
        """NotAllowed unless the person acts for this agency now."""
        if agency_id not in Agencies.agencies_held(grants):
            raise NotAllowed("agency.not_yours")

    # -- the person's side: 账户管理 → 关联申请 ----------------------------------------------
    @staticmethod
    async def link_requests(person_id: int, now: datetime) -> list[RoleGrant]:
        """The links legal persons asked of this person, not yet answered, with their
        agencies, oldest first."""
        grants = await RoleGrant.filter(
            person_id=person_id, role=Role.AGENCY_HANDLER, revoked_at=None,
            link_state=LinkState.PENDING).prefetch_related("agency").order_by("id")
        return [g for g in grants if waiting(g, now)]

    async def answer_link(self, person_id: int, grant_id: int, accept: bool,
                          now: datetime) -> RoleGrant:
        """Accept (the person acts for the agency from now until the link's end) or
        refuse; the agency's legal persons are told either way."""
        grant = await RoleGrant.get_or_none(id=grant_id, person_id=person_id,
                                            role=Role.AGENCY_HANDLER, revoked_at=None)
        if grant is None or grant.link_state != LinkState.PENDING:
            raise NotFound("agency.no_such_request")
        if not waiting(grant, now):
            raise Conflict("agency.request_lapsed")
        state = LinkState.ACCEPTED if accept else LinkState.REFUSED
        agency = await Agency.get(id=grant.agency_id)
        person = await self.people.by_id(person_id)
        async with self.people.outbox.change(now) as change:
            # only while it still waits: a second answer (another tab) finds nothing to do
            answered = await RoleGrant.filter(id=grant.id, link_state=LinkState.PENDING,
                                              revoked_at=None).update(
                link_state=state, answered_at=now)
            if not answered:
                raise NotFound("agency.no_such_request")
            if accept:  # a renewal: the link that ran until now gives way to it
                await RoleGrant.filter(
                    person_id=person_id, agency_id=grant.agency_id, role=Role.AGENCY_HANDLER,
                    revoked_at=None, link_state=LinkState.ACCEPTED).exclude(
                    id=grant.id).update(revoked_at=now)
            legal = [g.person_id for g in await RoleGrant.filter(
                Q(valid_until=None) | Q(valid_until__gt=now), agency_id=agency.id,
                role=Role.AGENCY_LEGAL, revoked_at=None)]
            await change.notify_each("agency.link_answered", {
                "name": person.name if person else "", "agency": agency.name,
                "accepted": accept, "at": china_time(now)}, legal)
        await grant.refresh_from_db()
        grant.agency = agency
        return grant

    @staticmethod
    def agencies_held(grants: list[RoleGrant]) -> list[int]:
        """The agencies these (active) grants act for, in the order granted."""
        return list(dict.fromkeys(int(g.agency_id) for g in grants
                                  if g.role in AGENCY_ROLES and g.agency_id is not None))

    @staticmethod
    def acting_grants(grants: list[RoleGrant], chosen: int | None) -> list[RoleGrant]:
        """The grants a sign-in acts with: a person of one agency, all of them; a person of
        several, the other roles and those of the agency chosen for this sign-in (none of any
        agency until one is chosen: the seed's 选择以经办企业的身份进入系统)."""
        held = Agencies.agencies_held(grants)
        if len(held) <= 1:
            return grants
        return [g for g in grants if g.role not in AGENCY_ROLES or g.agency_id == chosen]
