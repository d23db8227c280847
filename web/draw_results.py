"""The printable result of a draw (抽取结果): the confirmed experts with their verification
codes, supplementary ones marked *, behind a personal signed link, sealed until 30 minutes
before the evaluation starts."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from models.draws import DrawStatus
from services.common.clock import china_time
from services.common.links import LinkError
from services.draws.facts import CHECKIN_LINK, RESULT_LINK
from services.draws.setup import PARTS
from web.context import DOMAIN, TEXTS
from web.pages import add_page, bad_link, render


async def page(request: web.Request) -> web.Response:
    domain = request.app[DOMAIN]
    activity_id = request.match_info["activity_id"]
    try:
        domain.links.verify(RESULT_LINK, activity_id, request.query.get("t", ""))
    except LinkError:
        return bad_link(request, "result")
    now = datetime.now(UTC)
    texts = request.app[TEXTS]
    shown = await request.app[DOMAIN].draws.record.results.result_sheet(int(activity_id), texts,
                                                                        now)
    if shown is None:
        return bad_link(request, "result")
    activity, head = shown.activity, shown.head
    tree = request.app[DOMAIN].reference.catalogue()
    experts = [{"name": r.name, "number": r.expert_number, "unit": r.work_unit,
                "specialty": tree.path_name(r.specialty), "code": r.shown_code,
                "situation": r.said(texts), "venue": r.venue} for r in shown.rows]
    # the record around the names: what was asked and how the order was fixed (GD-DRAW)
    return render(request, "draw_result.html", project=shown.project, activity=activity,
                  experts=experts, eval_start=china_time(activity.eval_start),
                  printed=china_time(now), asked=shown.asked,
                  parts={p: request.app[DOMAIN].draws.setup.request_record.part_title(texts, p)
                         for p in PARTS},
                  region=head["project_region"], agency=head["agency"], head=head,
                  sections="；".join(head["sections"]), weighted=shown.weighted,
                  # the committee the law allows, as recorded (GPL-87 Art. 47, TBL-37)
                  committee=await request.app[DOMAIN].draws.facts.committee.words(
                      texts, activity, shown.project),
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
    venue_id = request.query.get("notice", "")  # one venue's poster (a 副场's, FG-807)
    poster = await domain.draws.venue.attendance.poster(
        int(activity_id), int(venue_id) if venue_id.isdigit() else None)
    if poster is None:
        return bad_link(request, "checkin")
    notice = poster.notice
    return render(request, "checkin_qr.html", project=poster.project, image=image,
                  venue=f"{request.app[DOMAIN].draws.facts.venue_roles.venue_label(notice)} "
                        f"{notice.room}",
                  gather_at=china_time(notice.gather_at),
                  valid_from=china_time(poster.opens), valid_until=china_time(poster.closes))


def setup_draw_results(app: web.Application) -> None:
    add_page(app, "GET", "/draws/{activity_id}/result", page)
    add_page(app, "GET", "/draws/{activity_id}/checkin", checkin_page)
