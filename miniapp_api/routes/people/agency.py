"""Agencies: a legal person links handlers for a validity period and sees them; a handler
sees which legal person it acts for (GD-DRAW)."""

from __future__ import annotations

from miniapp_api.framework import Api, Call
from miniapp_api.schemas import (
    AgencyOut,
    HandlerLinkIn,
    MemberOut,
    MembershipOut,
    MembersOut,
    Ok,
)
from models.people import Agency, Role

api = Api()
TAG = "代理机构"
LEGAL = {Role.AGENCY_LEGAL}
MEMBERS = {Role.AGENCY_LEGAL, Role.AGENCY_HANDLER}


def _agency_out(agency: Agency) -> AgencyOut:
    return AgencyOut(name=agency.name, credit_code=agency.credit_code, kind=agency.kind)


@api.route("GET", "/agency/membership", access=MEMBERS, response=MembershipOut,
           summary="我所属的代理机构及身份（法人或经办人）", tag=TAG)
async def membership(call: Call) -> MembershipOut:
    agency, grant = await call.domain.agencies.membership(
        call.caller.grants, Role.AGENCY_LEGAL, Role.AGENCY_HANDLER)
    return MembershipOut(agency=_agency_out(agency), role=grant.role,
                         valid_until=grant.valid_until)


@api.route("GET", "/agency/handlers", access=LEGAL, response=MembersOut,
           summary="法人查看本机构的经办人", tag=TAG)
async def list_handlers(call: Call) -> MembersOut:
    agency, _ = await call.domain.agencies.membership(call.caller.grants, Role.AGENCY_LEGAL)
    return MembersOut(agency=_agency_out(agency), members=[
        MemberOut(id=g.id, name=g.person.name, role=g.role, valid_until=g.valid_until)
        for g in await call.domain.agencies.handlers(agency, call.now)])


@api.route("POST", "/agency/handlers", access=LEGAL, body=HandlerLinkIn, response=MemberOut,
           summary="法人关联经办人（须已注册），并设置有效期", tag=TAG)
async def link_handler(call: Call, body: HandlerLinkIn) -> MemberOut:
    agencies = call.domain.agencies
    agency, _ = await agencies.membership(call.caller.grants, Role.AGENCY_LEGAL)
    grant = await agencies.link_handler(agency, body.phone, body.valid_until, call.now)
    return MemberOut(id=grant.id, name=grant.person.name, role=grant.role,
                     valid_until=grant.valid_until)


@api.route("DELETE", "/agency/handlers/{grant_id}", access=LEGAL, response=Ok,
           summary="法人解除经办人关联", tag=TAG)
async def unlink_handler(call: Call) -> Ok:
    agency, _ = await call.domain.agencies.membership(call.caller.grants, Role.AGENCY_LEGAL)
    await call.domain.agencies.unlink_handler(agency, call.path_int("grant_id"), call.now)
    return Ok(message="已解除关联。")
