"""The trading centre's verification of draw activities (核验): only a verified activity
starts; the agency may withdraw its request until then."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draw_common import actor
from miniapp_api.schemas import Model
from models.people import Role
from services.draw_scope import verifiable_activity, waiting_verification

api = Api()
TAG = "交易中心核验"
VERIFIER = {Role.VERIFIER}


class PendingOut(Model):
    id: int
    project: str
    project_number: str
    tenderer: str
    eval_start: datetime
    total: int


class PendingListOut(Model):
    activities: list[PendingOut]


class DecisionIn(Model):
    approve: bool
    reason: str = Field(default="", max_length=200, description="不通过时必填")


class DecisionOut(Model):
    id: int
    status: str


@api.route("GET", "/verify/activities", access=VERIFIER, response=PendingListOut,
           summary="待核验的抽取活动（本交易中心辖区）", tag=TAG)
async def pending(call: Call) -> PendingListOut:
    return PendingListOut(activities=[PendingOut(
        id=a.id, project=a.project.name, project_number=a.project.number,
        tenderer=a.project.tenderer_name, eval_start=a.eval_start, total=a.total)
        for a in await waiting_verification(call.caller.grants)])


@api.route("POST", "/verify/activities/{activity_id}", access=VERIFIER, body=DecisionIn,
           response=DecisionOut, summary="核验：通过或不通过（附原因）", tag=TAG)
async def decide(call: Call, body: DecisionIn) -> DecisionOut:
    activity = await verifiable_activity(call.caller.grants, call.path_int("activity_id"))
    activity = await call.domain.draw_setup.verify(
        activity, actor(call, "verifier"), body.approve, body.reason, call.now)
    return DecisionOut(id=activity.id, status=activity.status)


@api.route("POST", "/verify/activities/{activity_id}/withdrawal", access=VERIFIER,
           response=DecisionOut, summary="核验退选申请：通过后取消评标并通知全部专家", tag=TAG)
async def approve_withdrawal(call: Call) -> DecisionOut:
    activity = await verifiable_activity(call.caller.grants, call.path_int("activity_id"))
    activity = await call.domain.draw_followups.approve_withdrawal(
        activity.id, actor(call, "verifier"), call.now)
    return DecisionOut(id=activity.id, status=activity.status)
