"""亲属回避确认: a relation declared between experts confirmed for one evaluation waits for
the library's administrator (GD-CG-1 Art. 21: "其中一方应当主动提出回避。如无法协商一致，
则双方均需回避"; services/draws/candidates/kin_release.py). Until confirmed nobody loses a
place."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import actor
from miniapp_api.schemas import Model
from models.people import Role
from services.draws.candidates import KinCase

api = Api()
TAG = "亲属回避确认"
ADMIN = {Role.ADMIN}
STATE_TITLES = {"pending": "待确认", "confirmed": "已确认", "dismissed": "不予确认"}


class KinExpertOut(Model):
    invitation_id: int = Field(description="该专家本次评标的邀请（选择留任的一方时提交）")
    name: str
    expert_number: str


class KinCaseOut(Model):
    id: int
    state: str = Field(description="pending 待确认 / confirmed 已确认 / dismissed 不予确认")
    state_title: str
    eval_start: datetime = Field(description="评标开始时间（不显示项目：评标委员会名单保密）")
    declared_by: str = Field(description="申报亲属关系的专家")
    declared_at: datetime
    experts: list[KinExpertOut] = Field(description="同一评标委员会中有亲属关系的专家")
    decided_at: datetime | None


class KinCasesOut(Model):
    cases: list[KinCaseOut]


class KinCasesQuery(Model):
    state: Literal["pending", "confirmed", "dismissed"] = "pending"


class KinDecisionIn(Model):
    related: bool = Field(description=(
        "true：确认亲属关系，专家回避（席位取消、另行补抽）；false：不予确认，席位保留"))
    stays_invitation_id: int | None = Field(default=None, description=(
        "确认时可选：协商一致由另一方主动回避时，留任专家的邀请；不填：无法协商一致，双方均回避"))


def case_out(case: KinCase) -> KinCaseOut:
    row = case.release
    return KinCaseOut(
        id=row.id, state=row.state, state_title=STATE_TITLES[row.state],
        eval_start=case.eval_start, declared_by=case.declared_by, declared_at=row.declared_at,
        experts=[KinExpertOut(invitation_id=i, name=n, expert_number=x)
                 for i, n, x in case.experts], decided_at=row.decided_at)


@api.route("GET", "/admin/kin-releases", access=ADMIN, query=KinCasesQuery,
           response=KinCasesOut, summary="亲属回避确认：同一评标委员会的专家申报了亲属关系",
           tag=TAG)
async def kin_cases(call: Call, query: KinCasesQuery) -> KinCasesOut:
    found = await call.domain.draws.candidates.kin_releases.cases(query.state)
    return KinCasesOut(cases=[case_out(c) for c in found])


@api.route("POST", "/admin/kin-releases/{release_id}", access=ADMIN, body=KinDecisionIn,
           response=KinCaseOut, tag=TAG,
           summary="确认亲属回避（双方回避，或协商一致由一方回避）或不予确认；两位专家都会收到通知")
async def decide_kin(call: Call, body: KinDecisionIn) -> KinCaseOut:
    case = await call.domain.draws.candidates.kin_releases.decide(
        call.path_int("release_id"), actor(call, "admin"), body.related,
        body.stays_invitation_id, call.now)
    call.decided["decision"] = "related" if body.related else "not_related"
    return case_out(case)
