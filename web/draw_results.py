"""The printable result of a draw (抽取结果): the confirmed experts with their verification
codes, supplementary ones marked *, behind a personal signed link, sealed until 30 minutes
before the evaluation starts."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from models.draws import (
    DrawActivity,
    DrawStatus,
    Notice,
    Project,
)
from services.common.clock import china_time
from services.common.links import LinkError
from services.draws import (
    CHECKIN_LINK,
    PARTS,
    RESULT_LINK,
    draw_results,
    family,
    in_words,
    part_title,
    project_head,
    request_of,
    weighted_words,
    words_of,
)
from services.reference import catalogue
from web.context import DOMAIN, TEXTS
from web.pages import add_page, bad_link, render


async def page(request: web.Request) -> web.Response:
    domain = request.app[DOMAIN]
    activity_id = request.match_info["activity_id"]
    try:
        domain.links.verify(RESULT_LINK, activity_id, request.query.get("t", ""))
    except LinkError:
        return bad_link(request, "result")
    activity = await DrawActivity.get_or_none(id=int(activity_id))
    if activity is None:
        return bad_link(request, "result")
    now = datetime.now(UTC)
    rows = await draw_results(activity, now)
    project = await Project.get(id=activity.project_id)
    tree = catalogue()
    texts = request.app[TEXTS]
    experts = [{"name": r.name, "number": r.expert_number, "unit": r.work_unit,
                "specialty": tree.path_name(r.specialty), "code": r.shown_code,
                "situation": r.said(texts)} for r in rows]
    # the record around the names: what was asked and how the order was fixed (GD-DRAW)
    asked = in_words(await request_of(activity), words_of(texts))
    head = await project_head(activity)
    weighted = await weighted_words(texts, await family(activity))
    return render(request, "draw_result.html", project=project, activity=activity,
                  experts=experts, eval_start=china_time(activity.eval_start),
                  printed=china_time(now), asked=asked,
                  parts={p: part_title(texts, p) for p in PARTS},
                  region=head["project_region"], agency=head["agency"],
                  sections="；".join(head["sections"]), weighted=weighted,
                  seed=activity.seed if activity.status == DrawStatus.ENDED else None)


async def checkin_page(request: web.Request) -> web.Response:
    """The venue's check-in QR code as a page to print and post at the gathering place."""
    domain = request.app[DOMAIN]
    activity_id = request.match_info["activity_id"]
    image = request.query.get("img", "")
    try:  # the image address is signed with the activity: no other picture can be shown
        domain.links.verify(CHECKIN_LINK, f"{activity_id}|{image}", request.query.get("t", ""))
    except LinkError:
        return bad_link(request, "checkin")
    activity = await DrawActivity.get_or_none(id=int(activity_id))
    notice = await Notice.filter(activity_id=activity.id).order_by("gather_at").first() \
        if activity else None
    if activity is None or notice is None:
        return bad_link(request, "checkin")
    project = await Project.get(id=activity.project_id)
    opens, closes = await domain.attendance.window(activity)
    return render(request, "checkin_qr.html", project=project, image=image,
                  venue=f"{notice.venue} {notice.room}", gather_at=china_time(notice.gather_at),
                  valid_from=china_time(opens), valid_until=china_time(closes))


def setup_draw_results(app: web.Application) -> None:
    add_page(app, "GET", "/draws/{activity_id}/result", page)
    add_page(app, "GET", "/draws/{activity_id}/checkin", checkin_page)
