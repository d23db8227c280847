"""An exam-less batch (JL-GP, Jilin: "通过市/县财政监管一道审核和省级财政监管两道
审核后，并经财政公示无异议后进入政府采购评审专家库。评审专家会收到成为政府采购评审专家的短信
通知"): the last review opens a public notice; an objection is recorded and ruled on; at the
end, with no objection standing, the applicant becomes a formal expert and is told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.applications import Application, AppStatus
from models.experts import ExpertProfile
from models.notifications import Notification
from models.people import Role, RoleGrant
from tests.support.api import Api
from tests.support.applications import in_notice
from tests.support.console import Desk
from web.context import DOMAIN


async def test_the_last_review_opens_a_notice_and_its_end_makes_a_formal_expert(
        api: Api, demo: dict) -> None:
    app = await in_notice(api, demo)
    assert app.status == AppStatus.IN_NOTICE and app.notice_until is not None
    assert timedelta(days=4, hours=23) < app.notice_until - datetime.now(UTC) <= timedelta(days=5)
    told = await Notification.get(kind="application.in_notice", person_id=app.person_id)
    assert told.params["days"] == "5"
    status = await api.call("GET", f"/applications/{app.id}",
                            await api.login(demo["applicant"].mp_openid))
    assert status.data["status_title"] == "公示中"
    notices = api.client.app[DOMAIN].public_notice
    assert await notices.close_due(app.notice_until - timedelta(minutes=1)) == 0
    assert not await ExpertProfile.exists(person_id=app.person_id)
    assert await notices.close_due(app.notice_until + timedelta(minutes=1)) == 1
    profile = await ExpertProfile.get(person_id=app.person_id)
    assert profile.active and profile.expert_number
    assert await RoleGrant.exists(person_id=app.person_id, role=Role.EXPERT, revoked_at=None)
    formal = await Notification.get(kind="application.formal", person_id=app.person_id)
    assert formal.params["expert_number"] == profile.expert_number
    assert (await Application.get(id=app.id)).status == AppStatus.APPROVED
    # the sweep again: nothing twice
    assert await notices.close_due(app.notice_until + timedelta(days=1)) == 0


async def test_objections_sustained_dismissed_and_pending(api: Api, demo: dict) -> None:
    app = await in_notice(api, demo)
    admin = await api.login(demo["admin"].mp_openid)
    base = f"/admin/applications/{app.id}/objection"
    # no ruling without an objection; an objection needs its content
    assert (await api.call("POST", f"{base}/ruling", admin, {"sustained": False})).status == 409
    raised = await api.call("POST", base, admin, {"reason": "群众反映其与投标人存在利害关系"})
    assert raised.status == 200 and raised.data["objection"]
    # pending at the end of the notice: held, not admitted
    notices = api.client.app[DOMAIN].public_notice
    assert app.notice_until is not None
    assert await notices.close_due(app.notice_until + timedelta(minutes=1)) == 0
    # dismissed: the notice ends as usual
    assert (await api.call("POST", f"{base}/ruling", admin, {"sustained": False})
            ).data["objection_ruling"] == "dismissed"
    assert await notices.close_due(app.notice_until + timedelta(minutes=1)) == 1
    # another applicant: an objection sustained, with its reason told, never admitted
    await ExpertProfile.filter(person_id=app.person_id).delete()
    await RoleGrant.filter(person_id=app.person_id, role=Role.EXPERT).delete()
    second = await in_notice(api, demo)
    base = f"/admin/applications/{second.id}/objection"
    await api.call("POST", base, admin, {"reason": "提供的职称证书系伪造"})
    no_note = await api.call("POST", f"{base}/ruling", admin, {"sustained": True})
    assert no_note.status == 400 and "理由" in no_note.message
    ruled = await api.call("POST", f"{base}/ruling", admin,
                           {"sustained": True, "note": "经核实，职称证书与发证机关记录不符"})
    assert ruled.status == 200 and ruled.data["status"] == "rejected"
    told = await Notification.filter(kind="application.rejected",
                                     person_id=second.person_id).order_by("-id").first()
    assert told is not None and "发证机关记录不符" in told.params["reason"]
    assert second.notice_until is not None
    assert await notices.close_due(second.notice_until + timedelta(minutes=1)) == 0
    assert not await ExpertProfile.exists(person_id=second.person_id)
    # only an administrator records objections
    applicant_token = await api.login(demo["applicant"].mp_openid)
    assert (await api.call("POST", base, applicant_token, {"reason": "我反对"})).status == 403
    # the objection and its ruling are in the review log, with who recorded them
    log = (await api.call("GET", f"/applications/{second.id}", applicant_token)).data["log"]
    noted = [(e["stage"], e["action"], e["reason"]) for e in log if e["stage"] == "公示"]
    assert noted == [("公示", "objection", "提供的职称证书系伪造"),
                     ("公示", "sustained", "经核实，职称证书与发证机关记录不符")]
    assert {e["actor"] for e in log if e["stage"] == "公示"} == {demo["admin"].name}


async def test_the_administrator_rules_on_an_objection_at_the_desk(
        api: Api, client: TestClient, demo: dict) -> None:
    """The same 公示 in the console: recorded as received, no ruling chosen for the
    administrator, sustained with its reason told to the applicant."""
    app = await in_notice(api, demo)
    desk = Desk(client)
    assert (await desk.sign_in(demo["admin"].phone)).status == 303
    _, shown = await desk.get("/console/public-notice")
    assert f'data-testid="notice-{app.id}"' in shown and "吉林省政府采购评审专家征集" in shown
    await desk.post(f"/console/public-notice/{app.id}/objection",
                    {"reason": "群众反映其与投标人存在利害关系"})
    assert "异议已登记" in await desk.flash("/console/public-notice")
    unchosen, _ = await desk.post(f"/console/public-notice/{app.id}/ruling", {"note": "核实"})
    assert "请选择处理结论" in await desk.flash(unchosen.headers["Location"])
    await desk.post(f"/console/public-notice/{app.id}/ruling",
                    {"ruling": "sustained", "note": "经核实存在利害关系"})
    assert "不予入库" in await desk.flash("/console/public-notice")
    assert (await Application.get(id=app.id)).status == AppStatus.REJECTED
    told = await Notification.get(kind="application.rejected", person_id=app.person_id)
    assert "经核实存在利害关系" in str(told.params)
