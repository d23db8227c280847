"""The trading centre's verification of draw activities (核验): only a verified activity
starts; the agency may withdraw its request until then."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.errors import domain_errors
from miniapp_api.framework import Api, Call, bad_request, forbidden, not_found
from miniapp_api.schemas import Model
from models.draws import DrawActivity, DrawStatus, Project
from models.people import Role

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


def _regions(call: Call) -> list[str]:
    grant = call.caller.grant(Role.VERIFIER)
    return [grant.region] if grant is not None and grant.region else []


def _in_scope(call: Call, project: Project) -> bool:
    regions = _regions(call)
    return not regions or any(project.region.startswith(r) for r in regions)


async def _scoped(call: Call) -> DrawActivity:
    """The activity in the path, if its project is in the verifier's region."""
    activity = await DrawActivity.get_or_none(id=call.path_int("activity_id")
                                              ).prefetch_related("project")
    if activity is None:
        raise not_found("没有找到这个抽取活动。")
    if not _in_scope(call, activity.project):
        raise forbidden("该项目不在您所在交易中心的辖区内。", "out_of_scope")
    return activity


@api.route("GET", "/verify/activities", access=VERIFIER, response=PendingListOut,
           summary="待核验的抽取活动（本交易中心辖区）", tag=TAG)
async def pending(call: Call) -> PendingListOut:
    rows = await DrawActivity.filter(status=DrawStatus.SUBMITTED).prefetch_related(
        "project").order_by("eval_start").limit(200)
    return PendingListOut(activities=[PendingOut(
        id=a.id, project=a.project.name, project_number=a.project.number,
        tenderer=a.project.tenderer_name, eval_start=a.eval_start, total=a.total)
        for a in rows if _in_scope(call, a.project)])


@api.route("POST", "/verify/activities/{activity_id}", access=VERIFIER, body=DecisionIn,
           response=DecisionOut, summary="核验：通过或不通过（附原因）", tag=TAG)
async def decide(call: Call, body: DecisionIn) -> DecisionOut:
    activity = await _scoped(call)
    if not body.approve and not body.reason.strip():
        raise bad_request("核验不通过时请填写原因。", "reason_required")
    with domain_errors():
        activity = await call.domain.draw_setup.verify(
            activity, call.caller.need_person().id, body.approve, body.reason, call.now)
    return DecisionOut(id=activity.id, status=activity.status)


@api.route("POST", "/verify/activities/{activity_id}/withdrawal", access=VERIFIER,
           response=DecisionOut, summary="核验退选申请：通过后取消评标并通知全部专家", tag=TAG)
async def approve_withdrawal(call: Call) -> DecisionOut:
    activity = await _scoped(call)
    with domain_errors():
        activity = await call.domain.draw_followups.approve_withdrawal(
            activity.id, call.caller.need_person().id, call.now)
    return DecisionOut(id=activity.id, status=activity.status)
