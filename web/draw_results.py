"""The printable result of a draw (抽取结果): the confirmed experts with their verification
codes, supplementary ones marked *, behind a personal signed link, sealed until 30 minutes
before the evaluation starts."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from models.draws import (
    Condition,
    DrawActivity,
    Invitation,
    InvitationStatus,
    Notice,
    Project,
)
from models.experts import ExpertProfile
from models.people import Person
from services.catalogue import catalogue
from services.clock import china_time
from services.draw_engine import CHECKIN_LINK, RESULT_LINK, SEAL_BEFORE
from services.draw_followups import family
from services.links import LinkError
from web.context import DOMAIN
from web.pages import bad_link, render


async def page(request: web.Request) -> web.Response:
    domain = request.app[DOMAIN]
    activity_id = request.match_info["activity_id"]
    try:
        domain.links.verify(RESULT_LINK, activity_id, request.query.get("t", ""))
    except LinkError:
        return bad_link(request, "请在小程序的抽取活动中重新打开结果页。")
    activity = await DrawActivity.get_or_none(id=int(activity_id))
    if activity is None:
        return bad_link(request, "请在小程序的抽取活动中重新打开结果页。")
    now = datetime.now(UTC)
    if domain.draws.sealed(activity, now):
        return render(request, "message.html", status=403, title="结果尚未解封",
                      message=f"抽取结果将于 {china_time(activity.eval_start - SEAL_BEFORE)}"
                              "（评标开始前30分钟）解封，届时可查看和打印。")
    project = await Project.get(id=activity.project_id)  # type: ignore[attr-defined]
    rows = await Invitation.filter(activity_id__in=await family(activity),
                                   status=InvitationStatus.CONFIRMED).order_by("id")
    people = {p.id: p for p in await Person.filter(id__in=[r.person_id for r in rows])}
    profiles = {p.id: p for p in await ExpertProfile.filter(id__in=[r.expert_id for r in rows])}
    conditions = {c.id: c for c in await Condition.filter(
        activity_id__in=await family(activity))}
    tree = catalogue()
    experts = [{"name": people[r.person_id].name + ("*" if r.supplementary else ""),
                "number": profiles[r.expert_id].expert_number,
                "unit": profiles[r.expert_id].work_unit,
                "specialty": tree.path_name(
                    conditions[r.condition_id].main_specialty),  # type: ignore[attr-defined]
                "code": r.code} for r in rows]
    return render(request, "draw_result.html", project=project, activity=activity,
                  experts=experts, eval_start=china_time(activity.eval_start),
                  printed=china_time(now))




async def checkin_page(request: web.Request) -> web.Response:
    """The venue's check-in QR code as a page to print and post at the gathering place."""
    domain = request.app[DOMAIN]
    activity_id = request.match_info["activity_id"]
    image = request.query.get("img", "")
    try:  # the image address is signed with the activity: no other picture can be shown
        domain.links.verify(CHECKIN_LINK, f"{activity_id}|{image}", request.query.get("t", ""))
    except LinkError:
        return bad_link(request, "请在小程序的抽取活动中重新打开签到码。")
    activity = await DrawActivity.get_or_none(id=int(activity_id))
    notice = await Notice.filter(activity_id=activity.id).order_by("gather_at").first() \
        if activity else None
    if activity is None or notice is None:
        return bad_link(request, "请在小程序的抽取活动中重新打开签到码。")
    project = await Project.get(id=activity.project_id)  # type: ignore[attr-defined]
    opens, closes = await domain.attendance.window(activity)
    return render(request, "checkin_qr.html", project=project, image=image,
                  venue=f"{notice.venue} {notice.room}", gather_at=china_time(notice.gather_at),
                  valid_from=china_time(opens), valid_until=china_time(closes))


def setup_draw_results(app: web.Application) -> None:
    app.router.add_get("/draws/{activity_id}/result", page)
    app.router.add_get("/draws/{activity_id}/checkin", checkin_page)
