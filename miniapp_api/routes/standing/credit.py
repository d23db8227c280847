"""Experts' credit (招标投标法实施条例 Art. 78): the expert reads their own score, level and
its history; the system administrator reads any expert's and sets the rule."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.schemas import Model
from models.people import Role
from services.standing import CreditView

api = Api()
TAG = "处分与抽取规则"
ADMIN = {Role.ADMIN}
EXPERT = {Role.EXPERT}
CAUSES = {"performance": "履职记录", "review": "履职记录复核", "dispute": "履职记录有异议待复核",
          "sanction": "处分", "appeal": "申诉复核", "rule": "信用规则调整",
          "absence": "缺席登记或撤销"}


class ChangeOut(Model):
    score: int
    level: str
    cause: str = Field(description="变化原因（文字）")
    at: datetime


class CreditOut(Model):
    expert_name: str
    expert_number: str
    score: int = Field(description="信用分（0–100）")
    level: str = Field(description="信用等级 A / B / C / D")
    records: int = Field(description="计入的履职记录数")
    sanctions: int = Field(description="计入的处分数")
    absences: int = Field(description="计入的缺席、请假登记数")
    explanation: list[str] = Field(
        description="信用分的由来：起算分、各项扣分，最后一行为等级规则")
    history: list[ChangeOut]


class CreditQuery(Model):
    expert_number: str = Field(min_length=1, max_length=32)


class RuleBody(Model):
    window_months: int = Field(default=36, ge=1, le=120, description="计入最近几个月的记录")
    conduct_points: int = Field(default=10, ge=0, le=100, description="每项履职问题扣分")
    attendance_points: int = Field(default=2, ge=0, le=100, description="每次迟到或早退扣分")
    warning_points: int = Field(default=10, ge=0, le=100, description="每次警告扣分")
    suspension_points: int = Field(default=30, ge=0, le=100, description="每次暂停评标资格扣分")
    absence_points: int = Field(default=20, ge=0, le=100, description="每次登记缺席扣分")
    leave_points: int = Field(default=0, ge=0, le=100, description="每次登记请假扣分")
    level_a: int = Field(default=90, ge=0, le=100, description="A 级最低分")
    level_b: int = Field(default=75, ge=0, le=100, description="B 级最低分")
    level_c: int = Field(default=60, ge=0, le=100, description="C 级最低分")


async def credit_out(call: Call, view: CreditView) -> CreditOut:
    got = view.credit
    words = call.services.texts.render("performance/credit_explained.j2",
                                       **await call.domain.credit.explained(got))
    return CreditOut(
        expert_name=view.expert_name, expert_number=view.expert_number, score=got.score,
        level=got.level, records=got.records, sanctions=got.sanctions,
        absences=got.absences,
        explanation=[line.strip() for line in words.splitlines() if line.strip()],
        history=[ChangeOut(score=h.score, level=h.level, cause=CAUSES.get(h.cause, h.cause),
                           at=h.at) for h in view.history])


@api.route("GET", "/expert/credit", access=EXPERT, response=CreditOut, tag="专家",
           summary="我的信用分、等级及其变化")
async def mine(call: Call) -> CreditOut:
    profile = await call.domain.credit.experts.expert_of_person(call.caller.need_person().id)
    return await credit_out(call, await call.domain.credit.credit_view(profile, call.now))


@api.route("GET", "/admin/credit", access=ADMIN, query=CreditQuery, response=CreditOut,
           tag=TAG, summary="专家的信用分、等级及其变化")
async def expert_credit(call: Call, query: CreditQuery) -> CreditOut:
    profile = await call.domain.credit.experts.expert_by_number(query.expert_number)
    return await credit_out(call, await call.domain.credit.credit_view(profile, call.now))


@api.route("GET", "/admin/credit-rule", access=ADMIN, response=RuleBody, tag=TAG,
           summary="信用规则")
async def credit_rule(call: Call) -> RuleBody:
    r = await call.domain.credit.rule()
    return RuleBody(**{k: getattr(r, k) for k in RuleBody.model_fields})


@api.route("PUT", "/admin/credit-rule", access=ADMIN, body=RuleBody, response=RuleBody,
           tag=TAG, summary="设置信用规则（所有有记录的专家随即重新计算）")
async def set_credit_rule(call: Call, body: RuleBody) -> RuleBody:
    await call.domain.credit.set_rule(body.model_dump(), call.caller.need_person().id, call.now)
    return body
