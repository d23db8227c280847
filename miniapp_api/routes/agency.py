"""Agencies: a legal person links handlers for a validity period and sees them; a handler
sees which legal person it acts for (seed 004)."""

from __future__ import annotations

from datetime import UTC

from miniapp_api.errors import domain_errors
from miniapp_api.framework import Api, Call, bad_request, conflict, not_found
from miniapp_api.schemas import (
    AgencyOut,
    HandlerLinkIn,
    MemberOut,
    MembershipOut,
    MembersOut,
    Ok,
)
from models.people import Agency, Role, RoleGrant

api = Api()
TAG = "代理机构"
LEGAL = {Role.AGENCY_LEGAL}
MEMBERS = {Role.AGENCY_LEGAL, Role.AGENCY_HANDLER}


def _agency_out(agency: Agency) -> AgencyOut:
    return AgencyOut(name=agency.name, credit_code=agency.credit_code, kind=agency.kind)


async def _own_agency(call: Call, *roles: Role) -> tuple[Agency, RoleGrant]:
    for role in roles:
        grant = call.caller.grant(role)
        if grant is not None and grant.agency_id is not None:
            return await Agency.get(id=grant.agency_id), grant
    raise bad_request("您的账户没有关联代理机构，请联系管理员。", "no_agency")


@api.route("GET", "/agency/membership", access=MEMBERS, response=MembershipOut,
           summary="我所属的代理机构及身份（法人或经办人）", tag=TAG)
async def membership(call: Call) -> MembershipOut:
    agency, grant = await _own_agency(call, Role.AGENCY_LEGAL, Role.AGENCY_HANDLER)
    return MembershipOut(agency=_agency_out(agency), role=grant.role,
                         valid_until=grant.valid_until)


@api.route("GET", "/agency/handlers", access=LEGAL, response=MembersOut,
           summary="法人查看本机构的经办人", tag=TAG)
async def list_handlers(call: Call) -> MembersOut:
    agency, _ = await _own_agency(call, Role.AGENCY_LEGAL)
    grants = await RoleGrant.filter(agency_id=agency.id, role=Role.AGENCY_HANDLER,
                                    revoked_at=None).prefetch_related("person")
    return MembersOut(agency=_agency_out(agency), members=[
        MemberOut(id=g.id, name=g.person.name, role=g.role, valid_until=g.valid_until)
        for g in grants if g.active(call.now)])


@api.route("POST", "/agency/handlers", access=LEGAL, body=HandlerLinkIn, response=MemberOut,
           summary="法人关联经办人（须已注册），并设置有效期", tag=TAG)
async def link_handler(call: Call, body: HandlerLinkIn) -> MemberOut:
    agency, _ = await _own_agency(call, Role.AGENCY_LEGAL)
    until = body.valid_until if body.valid_until.tzinfo else body.valid_until.replace(tzinfo=UTC)
    if until <= call.now:
        raise bad_request("有效期必须晚于当前时间。", "rule_violated")
    with domain_errors():
        person = await call.domain.people.by_phone(body.phone)
    if person is None:
        raise not_found("没有找到使用该手机号注册的个人账户，请让经办人先注册。")
    current = await RoleGrant.filter(person_id=person.id, agency_id=agency.id,
                                     role=Role.AGENCY_HANDLER, revoked_at=None).first()
    if current is not None and current.active(call.now):
        raise conflict("该人员已是本机构的经办人。")
    grant = await RoleGrant.create(person=person, role=Role.AGENCY_HANDLER, agency=agency,
                                   valid_from=call.now, valid_until=until)
    return MemberOut(id=grant.id, name=person.name, role=grant.role,
                     valid_until=grant.valid_until)


@api.route("DELETE", "/agency/handlers/{grant_id}", access=LEGAL, response=Ok,
           summary="法人解除经办人关联", tag=TAG)
async def unlink_handler(call: Call) -> Ok:
    agency, _ = await _own_agency(call, Role.AGENCY_LEGAL)
    updated = await RoleGrant.filter(id=call.path_int("grant_id"), agency_id=agency.id,
                                      role=Role.AGENCY_HANDLER, revoked_at=None
                                      ).update(revoked_at=call.now)
    if not updated:
        raise not_found("没有找到该经办人关联。")
    return Ok(message="已解除关联。")


