"""How predictable a draw is, before it starts (中国招标 2024-01-02 "名单泄露风险"): each
condition drawn here with its candidates now and the largest chance one of them has; a pool
under three times its places is small, and the verifier approves it only when she says so
(services/draws/randomness/pool_size.py)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import AGENCY, TAG, activity_in_path
from miniapp_api.schemas import Model
from models.draws import DrawActivity, DrawStatus
from models.people import Role

api = Api()
BEFORE_START = (DrawStatus.DRAFT, DrawStatus.REFUSED, DrawStatus.SUBMITTED,
                DrawStatus.VERIFIED)


class PassedOverOut(Model):
    reason: str = Field(description="跳过的原因（文字）")
    count: int = Field(description="人数")


class PoolSizeOut(Model):
    condition_id: int
    number: int = Field(description="条件序号（条件1、条件2……）")
    planned: int = Field(description="名额")
    candidates: int = Field(description=(
        "首选专业的候选人数：抽取时会被跳过的不计（核验通过后为固定的候选池中现在能邀请的）"))
    alternate: int | None = Field(description="备选专业另有的候选人数（无备选专业为空）")
    largest_chance: Decimal | None = Field(description=(
        "任何一名候选人被抽中的最大可能（%）：名额÷候选人数；按信用等级加权时按权重最大者估计"))
    small: bool = Field(description="候选人少于名额的3倍：抽取结果容易被预料")
    willing: int = Field(default=0, description=(
        "首选专业候选人中愿意成为应急专家的人数（按应急抽取时先从他们中抽取）"))
    passed_over: list[PassedOverOut] = Field(default_factory=list, description=(
        "符合条件但抽取时会被跳过的人数，按原因（曾在须回避单位任职、近亲属、同一时间已有评标、"
        "已申报不能参加、监督部门工作人员、处分期间等）；已不计入候选人数"))


class PoolSizesOut(Model):
    conditions: list[PoolSizeOut] = Field(
        description="抽取开始前才有内容；外库抽取和复评的条件不列")


async def sizes_out(call: Call, activity: DrawActivity) -> PoolSizesOut:
    if activity.status not in BEFORE_START:
        return PoolSizesOut(conditions=[])
    return PoolSizesOut(conditions=[PoolSizeOut(
        condition_id=s.condition_id, number=s.number, planned=s.planned, candidates=s.size,
        alternate=s.alternate, largest_chance=s.chance, small=s.small, willing=s.willing,
        passed_over=passed_over(call, s.passed_over))
        for s in await call.domain.draws.randomness.pool_size.pool_sizes(activity, call.now)])


def passed_over(call: Call, reasons: tuple[str, ...]) -> list[PassedOverOut]:
    """Who the draw would pass over, counted by the reason in words, the most first."""
    said = Counter(call.domain.draws.candidates.skip_reasons.said(r, call.services.texts)
                   for r in reasons)
    return [PassedOverOut(reason=words, count=n) for words, n in said.most_common()]


@api.route("GET", "/draws/activities/{activity_id}/pool-sizes", access=AGENCY,
           response=PoolSizesOut, tag=TAG,
           summary="抽取开始前：各条件的候选人数和任一候选人被抽中的最大可能")
async def agency_sizes(call: Call) -> PoolSizesOut:
    return await sizes_out(call, await activity_in_path(call))


@api.route("GET", "/verify/activities/{activity_id}/pool-sizes", access={Role.VERIFIER},
           response=PoolSizesOut, tag="交易中心核验",
           summary="核验前：各条件的候选人数和任一候选人被抽中的最大可能（少于名额3倍须确认）")
async def verifier_sizes(call: Call) -> PoolSizesOut:
    return await sizes_out(call, await call.domain.draws.facts.scope.verifiable_activity(
        call.caller.grants, call.path_int("activity_id")))
