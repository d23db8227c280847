"""The access check every mini-program endpoint goes through: the session token, the person
it is bound to, the forced password change, and the endpoint's roles."""

from __future__ import annotations

from aiohttp import web

from miniapp_api.audit import audit_denied
from miniapp_api.caller import Caller, SignInRequired
from miniapp_api.context import MINIAPP, MiniappServices
from miniapp_api.framework import Access, Endpoint
from models.people import ADMINISTRATORS, NAMED_DUTIES, Role, RoleGrant
from services.common.errors import NotAllowed
from services.people import AGENCY_ROLES


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def authorize(request: web.Request, ep: Endpoint) -> Caller:
    """Resolves the caller and enforces the endpoint's declared access."""
    if ep.access == Access.PUBLIC:
        return Caller()
    services = request.app[MINIAPP]
    token = _bearer(request)
    if token is None:
        raise SignInRequired("auth.sign_in")
    identity_id = await services.sessions.resolve(token)
    now = services.clock.now()  # the service's moment, as the call's (Call.now)
    if identity_id is None:
        raise SignInRequired("auth.session_expired")
    callers = services.domain.callers
    signed = await callers.signed_identity(identity_id, now)
    if signed is None:
        raise SignInRequired("auth.session_expired")
    caller = Caller(token, signed.identity, signed.person)
    if ep.access == Access.SESSION:
        return caller
    if len(services.domain.agencies.agencies_held(signed.grants)) > 1:  # whom this sign-in acts for
        caller.acting_agency = await services.sessions.acting(token)
    try:
        admitted = await admit(caller, ep, services, signed.grants)
    except NotAllowed as exc:
        if exc.code == "auth.role_required":
            await audit_denied(services.domain, signed.person, {g.role for g in caller.grants},
                               f"{ep.method} {ep.path}", now, area=ep.tag)
        raise
    if ep.roles is not None and services.second_factor_roles:
        # a mini-program session has one factor: work that only roles signing in with two
        # may do (administrators, verifiers by default) is the console's
        mine = {g.role for g in admitted.grants} & ep.roles
        if mine and mine <= services.second_factor_roles:
            raise NotAllowed("auth.second_factor_desk")
    if ep.roles is not None and services.domain.unified_identity.on:
        # where the province's identity platform is in use, a legal person's work is done
        # at the console signed in through it (GD-DRAW: 四级); never by a mini-program session
        mine = {g.role for g in admitted.grants} & ep.roles
        if mine and mine <= {Role.AGENCY_LEGAL}:
            raise NotAllowed("identity.console_only")
    return admitted


async def admit(caller: Caller, ep: Endpoint, services: MiniappServices,
                grants: list[RoleGrant] | None = None) -> Caller:
    """The endpoint's roles for a caller bound to a person, the forced password change
    first: the one check the API and the console (console/invoke.py) share. `grants`: the
    person's active grants when already read with the identity; of a person of several
    agencies, those of the agency the sign-in chose act (`caller.acting_agency`)."""
    person = caller.need_person()
    caller.held = (grants if grants is not None
                   else await services.domain.people.active_roles(person.id, services.clock.now()))
    caller.grants = services.domain.agencies.acting_grants(caller.held, caller.acting_agency)
    if person.must_change_password and not ep.allow_initial_password:
        raise NotAllowed("auth.password_change_required")
    if ep.roles is not None and not caller.has(*ep.roles) and ep.roles & AGENCY_ROLES and \
            any(g.role in ep.roles for g in caller.held):
        # an agency's work, by a person of several agencies who has not chosen one yet
        raise NotAllowed("agency.choose_first", count=len(services.domain.agencies.agencies_held(
                           caller.held)))
    if ep.roles is not None and not caller.has(*ep.roles):
        # an administrator at another administrator's work, or at finance's, is told whose
        # it is (三权分立)
        duties = sorted(ep.roles & NAMED_DUTIES) if caller.has(*ADMINISTRATORS) else []
        raise NotAllowed("auth.role_required", **({"duties": duties} if duties else {}))
    return caller
