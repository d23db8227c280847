"""Sanctions (招标投标法实施条例 Art. 71–72) decided by the system administrator, the expert's
appeal and its ruling; the library's draw caps and its weighting by credit level. An expert
reads their own and appeals from the mini-program."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.paging import PageOut, PageQuery
from miniapp_api.schemas import Model
from models.people import Role
from models.sanctions import SanctionKind
from services.common.clock import china_today
from services.draws.randomness import WEIGHT_MAX, WEIGHT_MIN
from services.standing import KIND_WORDS, OUTCOME_WORDS, NewSanction, SanctionView

api = Api()
TAG = "处分与抽取规则"
ADMIN = {Role.ADMIN}
EXPERT = {Role.EXPERT}
class SanctionOut(Model):
    id: int
    expert_id: int
    expert_name: str
    expert_number: str
    kind: str
    kind_title: str
    conduct: list[str] = Field(description="违规行为（实施条例第七十一、七十二条所列）的代码")
    conduct_names: list[str] = Field(description="违规行为（文字）")
    reason: str
    decided_on: date
    starts_on: date
    ends_on: date | None
    period: str = Field(description="期限（文字）")
    in_force: bool = Field(description="今天是否使该专家不能被抽取")
    appeal: str
    appealed_at: datetime | None
    outcome: str
    outcome_title: str
    ruling: str
    ruled_at: datetime | None


class SanctionsOut(PageOut):
    items: list[SanctionOut]


class SanctionIn(Model):
    expert_number: str = Field(min_length=1, max_length=32, description="专家编号")
    kind: Literal["warning", "suspension", "removal", "ban"]
    reason: str = Field(min_length=1, max_length=300)
    starts_on: date
    ends_on: date | None = Field(default=None, description="暂停评标资格的截止日期（含）")
    conduct: list[str] = Field(default_factory=list, max_length=10)


class SanctionsQuery(PageQuery):
    view: Literal["in_force", "appealed", "all"] = "all"
    expert_number: str | None = Field(default=None, max_length=32)


class AppealIn(Model):
    appeal: str = Field(min_length=1, max_length=500)


class RulingIn(Model):
    outcome: Literal["upheld", "revoked"]
    ruling: str = Field(min_length=1, max_length=300)


class PolicyBody(Model):
    expert_cap: int | None = Field(default=None, ge=1, le=366,
                                   description="每名专家在期间内最多参加的评标次数（空：不限）")
    expert_months: int = Field(default=12, ge=1, le=60)
    tenderer_cap: int | None = Field(
        default=None, ge=1, le=366,
        description="每名专家在期间内为同一招标人最多参加的评标次数（空：不限）")
    tenderer_months: int = Field(default=12, ge=1, le=60)
    weighted: bool = Field(default=False, description=(
        "按信用等级加权抽取（阶梯抽取概率，默认关闭）：此后核验的抽取，候选池按各专家当时的信用等级"
        "加权，权重随候选池一并公布摘要，可审计"))
    weight_a: int = Field(default=4, ge=WEIGHT_MIN, le=WEIGHT_MAX, description="A 级专家的权重")
    weight_b: int = Field(default=3, ge=WEIGHT_MIN, le=WEIGHT_MAX, description="B 级专家的权重")
    weight_c: int = Field(default=2, ge=WEIGHT_MIN, le=WEIGHT_MAX, description="C 级专家的权重")
    weight_d: int = Field(default=1, ge=WEIGHT_MIN, le=WEIGHT_MAX, description="D 级专家的权重")
    past_unit_years: int = Field(default=3, ge=1, le=10, description=(
        "曾任职单位的回避期（年）：评标前这些年内曾在须回避的单位工作的专家不抽取"
        "（政府采购法实施条例第九条：3年）"))


def _outs(call: Call, views: list[SanctionView]) -> list[SanctionOut]:
    today = china_today(call.now)
    out = []
    for v in views:
        s = v.sanction
        out.append(SanctionOut(
            id=s.id, expert_id=s.expert_id, expert_name=v.expert_name,
            expert_number=v.expert_number, kind=s.kind,
            kind_title=KIND_WORDS[SanctionKind(s.kind)], conduct=list(s.conduct),
            conduct_names=v.conduct_names, reason=s.reason,
            decided_on=s.decided_on, starts_on=s.starts_on, ends_on=s.ends_on,
            period=call.domain.sanctions.period_words(s), in_force=s.excludes_on(today, today),
            appeal=s.appeal,
            appealed_at=s.appealed_at, outcome=s.outcome,
            outcome_title=OUTCOME_WORDS.get(s.outcome, s.outcome), ruling=s.ruling,
            ruled_at=s.ruled_at))
    return out


@api.route("GET", "/admin/sanctions", access=ADMIN, query=SanctionsQuery,
           response=SanctionsOut, tag=TAG, summary="处分记录（生效中、待复核申诉或全部）")
async def sanction_list(call: Call, query: SanctionsQuery) -> SanctionsOut:
    found = await call.domain.sanctions.sanction_page(
        china_today(call.now), query.view == "in_force", query.view == "appealed",
        query.expert_number, query.limit, query.after)
    return SanctionsOut(items=_outs(call, found.rows), next=found.next)


@api.route("POST", "/admin/sanctions", access=ADMIN, body=SanctionIn, response=SanctionOut,
           tag=TAG, summary="作出处分（专家会收到通知，可申诉一次）")
async def decide(call: Call, body: SanctionIn) -> SanctionOut:
    expert = await call.domain.credit.experts.expert_by_number(body.expert_number)
    call.noted["expert"] = expert.id  # the trail names whom the sanction is on
    made = await call.domain.sanctions.decide(NewSanction(
        expert_id=expert.id, kind=body.kind, reason=body.reason, starts_on=body.starts_on,
        ends_on=body.ends_on, conduct=tuple(body.conduct)), call.caller.need_person().id,
        call.now)
    return _outs(call, await call.domain.sanctions.sanction_views([made]))[0]


@api.route("POST", "/admin/sanctions/{sanction_id}/ruling", access=ADMIN, body=RulingIn,
           response=SanctionOut, tag=TAG, summary="复核专家的申诉：维持或撤销（专家会收到通知）")
async def rule(call: Call, body: RulingIn) -> SanctionOut:
    item = await call.domain.sanctions.rule(call.path_int("sanction_id"), body.outcome,
                                            body.ruling, call.caller.need_person().id,
                                            call.now)
    return _outs(call, await call.domain.sanctions.sanction_views([item]))[0]


@api.route("GET", "/expert/sanctions", access=EXPERT, response=SanctionsOut, tag="专家",
           summary="我的处分记录")
async def mine(call: Call) -> SanctionsOut:
    items = await call.domain.sanctions.mine(call.caller.need_person().id)
    return SanctionsOut(items=_outs(call, await call.domain.sanctions.sanction_views(items)))


@api.route("POST", "/expert/sanctions/{sanction_id}/appeal", access=EXPERT, body=AppealIn,
           response=SanctionOut, tag="专家", summary="对处分提出申诉（一次）")
async def appeal(call: Call, body: AppealIn) -> SanctionOut:
    item = await call.domain.sanctions.appeal(call.caller.need_person().id,
                                              call.path_int("sanction_id"), body.appeal,
                                              call.now)
    return _outs(call, await call.domain.sanctions.sanction_views([item]))[0]


@api.route("GET", "/admin/draw-policy", access=ADMIN, response=PolicyBody, tag=TAG,
           summary="抽取次数限制")
async def policy(call: Call) -> PolicyBody:
    row = await call.domain.draws.randomness.weighting.draw_policy()
    if row is None:
        return PolicyBody()
    return PolicyBody(expert_cap=row.expert_cap, expert_months=row.expert_months,
                      tenderer_cap=row.tenderer_cap, tenderer_months=row.tenderer_months,
                      weighted=row.weighted, weight_a=row.weight_a, weight_b=row.weight_b,
                      weight_c=row.weight_c, weight_d=row.weight_d,
                      past_unit_years=row.past_unit_years)


@api.route("PUT", "/admin/draw-policy", access=ADMIN, body=PolicyBody, response=PolicyBody,
           tag=TAG, summary="设置抽取次数限制（此后的每次邀请按新限制检查）和按信用等级加权抽取"
                            "（此后固定的候选池按新设置加权）")
async def set_policy(call: Call, body: PolicyBody) -> PolicyBody:
    await call.domain.draws.randomness.weighting.set_draw_policy(body.model_dump(),
                                                                 call.caller.need_person().id)
    return body
