"""Correcting a request at the desk (GD-DRAW: the agency fills in the request and
"修改后重新提交" after a refusal): times and count, a condition (a cleared alternate stays
cleared), a notice that still has conditions refused with the reason, a draft cancelled; and
the gathering time moved while the draw is paused — GD-DRAW's own reason to pause — with the
confirmed experts told at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.draws import (
    Condition,
    DrawActivity,
    Invitation,
    InvitationStatus,
    Notice,
    Project,
    Section,
)
from models.notifications import Notification
from models.people import Person
from services.common.clock import CHINA
from services.demo_codes import demo_credit_code
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.draw_world import (
    DESK_PROJECT_FORM,
    drawn,
    finish,
    make_experts,
    openid_of,
    prepared,
    start_draw,
    the_results_unseal,
)
from tests.support.helpers import eventually
from tests.support.wechat import Chat

LOCAL = "%Y-%m-%dT%H:%M"


def local(moment: datetime) -> str:
    return moment.astimezone(CHINA).strftime(LOCAL)


async def test_a_clerk_corrects_a_draft_and_gives_it_up(
        api: Api, client: TestClient, demo: dict) -> None:
    aid, _ = await prepared(api, demo, total=2, alternate="A0402", submitted=False)
    desk = Desk(client)
    assert (await desk.sign_in(demo["handler"].phone)).status == 303
    page = f"/console/activities/{aid}"
    # the times: the form comes filled; a wrong order is refused back to the same form
    _, shown = await desk.get(f"{page}?edit=times")
    activity = await DrawActivity.get(id=aid)
    assert f'value="{local(activity.eval_start)}"' in shown
    start = datetime.now(UTC) + timedelta(days=3)
    times = {"bid_open_at": local(start - timedelta(hours=1)), "eval_start": local(start),
             "eval_end": local(start - timedelta(hours=2)), "total": "3"}
    refused, _ = await desk.post(f"{page}/times", times)
    assert refused.headers["Location"] == f"{page}?edit=times"
    assert "评标" in await desk.flash(refused.headers["Location"])
    times["eval_end"] = local(start + timedelta(hours=6))
    saved, _ = await desk.post(f"{page}/times", times)
    assert "时间和人数已修改" in await desk.flash(saved.headers["Location"])
    assert (await DrawActivity.get(id=aid)).total == 3
    # the condition: edited with its alternate cleared and one more expert
    condition = await Condition.get(activity_id=aid)
    _, shown = await desk.get(f"{page}?edit=condition-{condition.id}")
    assert 'name="alternate_specialty" value="A0402"' in shown
    edited, _ = await desk.post(f"{page}/items/condition/{condition.id}/edit", {
        "notice_id": str(condition.notice_id), "region_list": "4401", "region_mode": "residence",
        "main_specialty": "A0401", "alternate_specialty": "", "planned": "3"})
    assert "抽取条件已修改" in await desk.flash(edited.headers["Location"])
    condition = await Condition.get(id=condition.id)
    assert (condition.alternate_specialty, condition.planned) == (None, 3)
    # a notice that conditions still use is not deleted: the reason says what to do
    notice = await Notice.get(activity_id=aid)
    kept, _ = await desk.post(f"{page}/items/notice/{notice.id}/delete", {})
    said = await desk.flash(kept.headers["Location"])
    assert "条件" in said and await Notice.exists(id=notice.id)
    # the draft given up: its sections are free again
    gone, _ = await desk.post(f"{page}/cancel", {})
    assert gone.headers["Location"] == "/console/activities"
    assert "已取消" in await desk.flash("/console/activities")
    assert (await DrawActivity.get(id=aid)).status == "cancelled"


async def test_the_gathering_time_moves_while_the_draw_is_paused(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """GD-DRAW: 暂停抽取 — "如需修改集合时间等信息，可先暂停抽取"."""
    await make_experts(client, 4)
    aid, token = await prepared(api, demo, total=2)
    assert (await start_draw(api, token, aid)).status == 200
    first = await Invitation.filter(activity_id=aid, status=InvitationStatus.SENT).first()
    assert first is not None
    await chat.say(await openid_of(first.person_id), "1")
    desk = Desk(client)
    assert (await desk.sign_in(demo["handler"].phone)).status == 303
    page = f"/console/activities/{aid}"
    _, shown = await desk.get(page)
    assert "修改集合时间" not in shown  # only while paused
    paused, _ = await desk.post(f"{page}/do/pause", {"reason": "开标推迟一小时"})
    assert paused.status == 303
    notice = await Notice.get(activity_id=aid)
    _, shown = await desk.get(page)
    assert f'data-testid="gathering-{notice.id}"' in shown
    later = (notice.gather_at + timedelta(hours=1)).replace(second=0, microsecond=0)
    moved, _ = await desk.post(f"{page}/items/notice/{notice.id}/gathering",
                               {"gather_at": local(later)})
    assert "集合时间已修改" in await desk.flash(moved.headers["Location"])
    assert (await Notice.get(id=notice.id)).gather_at == later
    told = await Notification.filter(kind="draw.gathering_changed",
                                     person_id=first.person_id).count()
    assert told == 1


async def test_a_clerk_corrects_a_project_and_its_sections(
        api: Api, client: TestClient, demo: dict) -> None:
    desk = Desk(client)
    assert (await desk.sign_in(demo["handler"].phone)).status == 303
    await desk.get("/console/projects")
    made, _ = await desk.post("/console/projects", {
        "name": "某区人民医院门诊楼改造工成", "number": "GZ-2026-1124-C", **DESK_PROJECT_FORM,
        "region": "440106", "tenderer_name": "某区人民医院",
        "tenderer_credit_code": demo_credit_code(51), "sections": "1 施工"})
    assert made.status == 303
    project = await Project.get(number="GZ-2026-1124-C")
    _, shown = await desk.get(f"/console/projects?edit={project.id}")
    assert 'value="某区人民医院门诊楼改造工成"' in shown and 'value="440106"' in shown
    fixed, _ = await desk.post(f"/console/projects/{project.id}/edit", {
        "name": "某区人民医院门诊楼改造工程", "number": "GZ-2026-1124-C", **DESK_PROJECT_FORM,
        "region": "440106", "tenderer_name": "某区人民医院",
        "tenderer_credit_code": demo_credit_code(51)})
    assert "项目已修改" in await desk.flash(fixed.headers["Location"])
    assert (await Project.get(id=project.id)).name == "某区人民医院门诊楼改造工程"
    await desk.post(f"/console/projects/{project.id}/section", {"number": "2", "name": "监理"})
    assert "标段已添加" in await desk.flash("/console/projects")
    second = await Section.get(project_id=project.id, number="2")
    await desk.post(f"/console/projects/{project.id}/sections/{second.id}/delete", {})
    assert "标段已删除" in await desk.flash("/console/projects")
    assert not await Section.exists(id=second.id)
    await desk.post(f"/console/projects/{project.id}/delete", {})
    assert "项目已删除" in await desk.flash("/console/projects")
    assert not await Project.exists(id=project.id)


async def test_leave_the_day_before_and_a_supplement_from_new_regions(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """GD-DRAW: 请假 registered by the expert's phone before the results unseal, and a 补抽
    whose regions are chosen anew (专家补抽 lets the agency change the area): both applied
    out of sight while sealed, both in the record once unsealed."""
    await make_experts(client, 4)
    await make_experts(client, 3, first=2000, region="4402")  # 韶关市
    aid, _ = await drawn(api, chat, demo, total=2)
    confirmed = await Invitation.filter(activity_id=aid, status="confirmed").order_by("id")
    leaving = await Person.get(id=confirmed[0].person_id)
    desk = Desk(client)
    assert (await desk.sign_in(demo["handler"].phone)).status == 303
    page = f"/console/activities/{aid}"
    _, shown = await desk.get(page)
    assert 'data-testid="register-absence"' in shown and 'data-testid="supplement-regions"' in shown
    await desk.post(f"{page}/after/absence", {"key": leaving.phone, "kind": "请假"})
    assert "登记" in await desk.flash(page)
    notice = await Notice.get(activity_id=aid)
    await desk.post(f"{page}/after/supplement", {"regions": "4402",
                                                 "gather_at": local(notice.gather_at)})
    await desk.flash(page)
    await desk.post(f"{page}/after/supplement-start", {"nonce": "leave0815"})
    await desk.flash(page)
    # applied out of sight: once unsealed, the 补抽 drew from 韶关市 and the record says 请假
    await eventually(lambda: DrawActivity.exists(parent_id=aid, kind="supplement",
                                                 status="drawing"), timeout=15)
    child = await DrawActivity.get(parent_id=aid, kind="supplement")
    assert [c.regions for c in await Condition.filter(activity_id=child.id)] == [["4402"]]
    # the worker invites the 韶关 expert on its own time: wait for the invitation to be out
    await eventually(lambda: Invitation.exists(activity_id=child.id,
                                               status=InvitationStatus.SENT), timeout=15)
    await finish(chat, child.id)  # the 韶关 expert invited answers 1
    await the_results_unseal(aid, datetime.now(UTC))
    _, results = await desk.get(f"{page}/results")
    row = results.split(leaving.name)[1].split("</tr>")[0]
    assert "请假" in row
    # GD-DRAW's table of conditions now lists the 补抽's own: 补抽 是, its one place filled
    _, shown = await desk.get(page)
    extra = (await Condition.get(activity_id=child.id)).id
    row = shown.split(f'data-testid="condition-{extra}"')[1].split("</tr>")[0]
    assert "广东省韶关市" in row and "<td>是</td>" in row and "已满足" in row
