"""应急 (the reasons: docs/rules-that-are-ours.md, EMR-LAW, GPL-85): the agency asks that an
activity be drawn as urgent, with a reason from the list, while it may still change the
activity, or takes the request back; the trading centre decides it when it verifies the
activity (verify.py)."""

from __future__ import annotations

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import (
    AGENCY,
    TAG,
    ActivityOut,
    activity_in_path,
    activity_out,
    actor,
)
from miniapp_api.schemas import Model

api = Api()


class UrgencyIn(Model):
    reason: str = Field(max_length=24, description=(
        "原因（见 GET /draws/urgency-reasons）：natural_disaster 自然灾害抢险救灾 / accident "
        "事故灾难处置 / public_health 公共卫生事件应对 / social_safety 社会安全事件处置 / "
        "force_majeure 其他不可抗力事件"))
    note: str = Field(default="", max_length=100, description="补充说明（可不填）")


class ReasonOut(Model):
    reason: str
    title: str


class ReasonsOut(Model):
    reasons: list[ReasonOut]


@api.route("GET", "/draws/urgency-reasons", access=AGENCY, response=ReasonsOut,
           summary="申请应急抽取可选的原因", tag=TAG)
async def reasons(call: Call) -> ReasonsOut:
    return ReasonsOut(reasons=[ReasonOut(reason=r, title=t)
                               for r, t in call.domain.draws.setup.urgency.reasons()])


@api.route("PUT", "/draws/activities/{activity_id}/urgency", access=AGENCY, body=UrgencyIn,
           response=ActivityOut, tag=TAG,
           summary="申请按应急抽取（提交核验前；交易中心核验时决定是否同意）")
async def ask(call: Call, body: UrgencyIn) -> ActivityOut:
    activity = await activity_in_path(call)
    await call.domain.draws.setup.urgency.ask(activity, body.reason, body.note, actor(call),
                                              call.now)
    return await activity_out(call, activity)


@api.route("DELETE", "/draws/activities/{activity_id}/urgency", access=AGENCY,
           response=ActivityOut, summary="撤回应急抽取申请（提交核验前）", tag=TAG)
async def drop(call: Call) -> ActivityOut:
    activity = await activity_in_path(call)
    await call.domain.draws.setup.urgency.drop(activity, actor(call), call.now)
    return await activity_out(call, activity)
