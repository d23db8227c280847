"""Agencies: a legal person asks people to be its handlers for a validity period and sees
the links and their answers; the person accepts or refuses in 账户管理 (GD-DRAW:
"个人账户进入账户管理处理关联申请"); a handler sees which legal person it acts for."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Access, Api, Call
from miniapp_api.schemas import (
    AgencyOut,
    HandlerLinkIn,
    MemberOut,
    MembershipOut,
    MembersOut,
    Model,
    Ok,
)
from models.people import Agency, Role, RoleGrant

api = Api()
TAG = "代理机构"
LEGAL = {Role.AGENCY_LEGAL}
MEMBERS = {Role.AGENCY_LEGAL, Role.AGENCY_HANDLER}


def _agency_out(agency: Agency) -> AgencyOut:
    return AgencyOut(name=agency.name, credit_code=agency.credit_code, kind=agency.kind)


def _member_out(call: Call, grant: RoleGrant) -> MemberOut:
    return MemberOut(id=grant.id, name=grant.person.name, role=grant.role,
                     valid_until=grant.valid_until, state=grant.link_state,
                     state_title=call.services.texts.word("link_state", grant.link_state))


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
        _member_out(call, g) for g in await call.domain.agencies.handlers(agency, call.now)])


@api.route("POST", "/agency/handlers", access=LEGAL, body=HandlerLinkIn, response=MemberOut,
           summary="法人向个人账户（须已注册）发出经办人关联申请，并设置有效期；对方接受后生效",
           tag=TAG)
async def link_handler(call: Call, body: HandlerLinkIn) -> MemberOut:
    agencies = call.domain.agencies
    agency, _ = await agencies.membership(call.caller.grants, Role.AGENCY_LEGAL)
    grant = await agencies.link_handler(agency, body.phone, body.valid_until, call.now)
    return _member_out(call, grant)


@api.route("DELETE", "/agency/handlers/{grant_id}", access=LEGAL, response=Ok,
           summary="法人解除经办人关联（或撤回未处理的申请、移除已拒绝的申请）", tag=TAG)
async def unlink_handler(call: Call) -> Ok:
    agency, _ = await call.domain.agencies.membership(call.caller.grants, Role.AGENCY_LEGAL)
    await call.domain.agencies.unlink_handler(agency, call.path_int("grant_id"), call.now)
    return Ok(message=call.said("unlinked"))


class LinkRequestOut(Model):
    id: int
    agency: AgencyOut
    valid_until: datetime | None = Field(description="关联有效期至")
    asked_at: datetime = Field(description="申请时间")
    state: str = Field(description="pending 待处理 / accepted 已接受 / refused 已拒绝")
    state_title: str


class LinkRequestsOut(Model):
    requests: list[LinkRequestOut]


def _request_out(call: Call, grant: RoleGrant) -> LinkRequestOut:
    assert grant.agency is not None  # a handler's link is to an agency
    return LinkRequestOut(id=grant.id, agency=_agency_out(grant.agency),
                          valid_until=grant.valid_until, asked_at=grant.granted_at,
                          state=grant.link_state,
                          state_title=call.services.texts.word("link_state", grant.link_state))


@api.route("GET", "/agency/link-requests", access=Access.BOUND, response=LinkRequestsOut,
           summary="账户管理：法人发给我的经办人关联申请（待处理）", tag=TAG)
async def link_requests(call: Call) -> LinkRequestsOut:
    person = call.caller.need_person()
    return LinkRequestsOut(requests=[_request_out(call, g) for g in
                                     await call.domain.agencies.link_requests(person.id,
                                                                              call.now)])


@api.route("POST", "/agency/link-requests/{grant_id}/accept", access=Access.BOUND,
           response=LinkRequestOut, summary="接受关联申请，成为该机构的经办人", tag=TAG)
async def accept_link(call: Call) -> LinkRequestOut:
    grant = await call.domain.agencies.answer_link(
        call.caller.need_person().id, call.path_int("grant_id"), True, call.now)
    return _request_out(call, grant)


@api.route("POST", "/agency/link-requests/{grant_id}/refuse", access=Access.BOUND,
           response=LinkRequestOut, summary="拒绝关联申请", tag=TAG)
async def refuse_link(call: Call) -> LinkRequestOut:
    grant = await call.domain.agencies.answer_link(
        call.caller.need_person().id, call.path_int("grant_id"), False, call.now)
    return _request_out(call, grant)


class ChoiceOut(Model):
    agency_id: int
    agency: AgencyOut
    role: str
    role_title: str = Field(description="法人 / 经办人")
    valid_until: datetime | None


class ChoicesOut(Model):
    choices: list[ChoiceOut] = Field(description="我可以其身份办理的机构（法人在前）")
    acting: int | None = Field(description="本次登录选择的机构（agency_id），未选择为 null")
    must_choose: bool = Field(description="是多个机构的法人或经办人且尚未选择：办理抽取前须先选择")


class ActingIn(Model):
    agency_id: int = Field(ge=1, description="以哪个机构的身份办理（见 GET /agency/choices）")


async def _choices(call: Call, acting: int | None) -> ChoicesOut:
    texts = call.services.texts
    found = await call.domain.agencies.choices(call.caller.held)
    held = {a.id for a, _ in found}
    chosen = acting if acting in held else (next(iter(held)) if len(held) == 1 else None)
    return ChoicesOut(choices=[ChoiceOut(
        agency_id=a.id, agency=_agency_out(a), role=g.role,
        role_title=texts.word("role", g.role), valid_until=g.valid_until) for a, g in found],
        acting=chosen, must_choose=len(held) > 1 and chosen is None)


@api.route("GET", "/agency/choices", access=Access.BOUND, response=ChoicesOut,
           summary="选择以哪个机构的身份办理：我是其法人或经办人的机构，及本次登录的选择", tag=TAG)
async def agency_choices(call: Call) -> ChoicesOut:
    return await _choices(call, call.caller.acting_agency)


@api.route("PUT", "/agency/acting", access=Access.BOUND, body=ActingIn, response=ChoicesOut,
           summary="本次登录以该机构的身份办理（GD-DRAW：登录后选择以经办企业的身份进入系统）",
           tag=TAG)
async def choose_agency(call: Call, body: ActingIn) -> ChoicesOut:
    call.domain.agencies.require_choice(call.caller.held, body.agency_id)
    if call.caller.token:  # the mini-program's session (the console keeps its own)
        await call.services.sessions.set_acting(call.caller.token, body.agency_id)
    return await _choices(call, body.agency_id)
