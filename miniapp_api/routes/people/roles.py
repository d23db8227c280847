"""What each role sees of its own standing: the expert's card, a reviewer's and a verifier's
scope."""

from __future__ import annotations

from miniapp_api.framework import Api, Call
from miniapp_api.schemas import ExpertCardOut, ScopeOut
from models.people import Role
from services.common.pii import mask_phone

api = Api()


@api.route("GET", "/expert/card", access={Role.EXPERT}, response=ExpertCardOut,
           summary="专家证：姓名、专家编号、是否愿意成为应急专家", tag="专家")
async def expert_card(call: Call) -> ExpertCardOut:
    person = call.caller.need_person()
    grant = call.caller.grant(Role.EXPERT)
    assert grant is not None
    return ExpertCardOut(name=person.name, expert_number=grant.expert_number or "",
                         phone=mask_phone(person.phone),
                         emergency_ok=await call.domain.experts.emergency_of(person.id))


def _scope(call: Call, role: Role) -> ScopeOut:
    grant = call.caller.grant(role)
    assert grant is not None
    return ScopeOut(role=grant.role, level=grant.level, region=grant.region,
                    industry=grant.industry)


@api.route("GET", "/reviewer/scope", access={Role.REVIEWER}, response=ScopeOut,
           summary="审核人的审核范围（层级、地区、行业）", tag="审核")
async def reviewer_scope(call: Call) -> ScopeOut:
    return _scope(call, Role.REVIEWER)


@api.route("GET", "/verifier/scope", access={Role.VERIFIER}, response=ScopeOut,
           summary="交易中心核验员的范围", tag="核验")
async def verifier_scope(call: Call) -> ScopeOut:
    return _scope(call, Role.VERIFIER)
