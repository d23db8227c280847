"""After a draw: absence and the supplementary draw (marked * on the result), re-draw avoiding
the original experts, re-evaluation inviting them, and withdrawal (退选) with its 5-hour rule
and acknowledged notices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.draws import Avoidance, DrawActivity, Invitation, InvitationStatus, Section
from models.experts import ExpertProfile
from models.notifications import Notification
from models.people import Person
from sandbox.platform import Platform
from services.common.clock import CHINA
from services.common.errors import DomainError
from services.draws.facts.oplog import Actor
from tests.support.api import Api
from tests.support.draw_world import (
    ask_withdrawal,
    drawn,
    finish,
    make_experts,
    openid_of,
    start_draw,
    submit,
    supplement,
    the_evaluation_is_over,
    the_results_unseal,
)
from tests.support.helpers import said
from tests.support.wechat import Chat, answered
from web.context import DOMAIN

HANDLER = Actor("agency", None, "代理机构")


async def test_absence_then_a_supplementary_draw_marked_on_the_result(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    await make_experts(client, 6)
    aid, token = await drawn(api, chat, demo)
    first, second = await Invitation.filter(activity_id=aid,
                                            status=InvitationStatus.CONFIRMED).order_by("id")
    await the_results_unseal(aid, datetime.now(UTC))  # the codes are shown from now on
    nobody = await api.call("POST", f"/draws/activities/{aid}/absences", token,
                            {"key": "000000"})
    assert nobody.status == 404 and "没有找到" in nobody.message
    new_time = datetime.now(UTC) + timedelta(minutes=40)
    early = await supplement(api, token, aid, gather_at=new_time.isoformat())
    assert early.status == 409 and "没有需要补抽的名额" in early.message
    by_code = await api.call("POST", f"/draws/activities/{aid}/absences", token,
                             {"key": first.code, "kind": "请假"})
    assert by_code.status == 200
    phone = (await Person.get(id=second.person_id)).phone
    assert (await api.call("POST", f"/draws/activities/{aid}/absences", token,
                           {"key": phone})).status == 200
    # an expert who said yes when the places were already full (released): the most
    # willing replacement, not avoided by the 补抽 as those who declined are
    drawn_ids = set(await Invitation.filter(activity_id=aid).values_list("expert_id",
                                                                        flat=True))
    spare = next(p for p in await ExpertProfile.all().order_by("id")
                 if p.id not in drawn_ids)
    await Invitation.create(activity_id=aid, condition_id=first.condition_id,
                            expert_id=spare.id, person_id=spare.person_id, rank=99, wave=9,
                            sent_at=first.sent_at, due_at=first.due_at,
                            status=InvitationStatus.RELEASED, reason="名额已满",
                            eval_start=first.eval_start, eval_end=first.eval_end)
    child = await supplement(api, token, aid, gather_at=new_time.isoformat())
    assert child.status == 200, child.data
    assert child.data["status"] == "drawing" and child.data["counts"]["waiting"] == 2
    avoided = set(await Avoidance.filter(activity_id=child.data["id"],
                                         expert_id__not_isnull=True
                                         ).values_list("expert_id", flat=True))
    assert avoided == drawn_ids and spare.id not in avoided
    invited = await Invitation.filter(activity_id=child.data["id"])
    originals = drawn_ids
    assert not {i.expert_id for i in invited} & originals  # everyone who declined avoided
    assert all(i.supplementary for i in invited)
    invitation = await Notification.filter(kind="draw.invitation").order_by("-id").first()
    assert invitation is not None
    assert f"{new_time.astimezone(CHINA):%H:%M}" in invitation.params["gather_at"]
    await finish(chat, child.data["id"])
    results = await api.call("GET", f"/draws/activities/{aid}/results", token)
    # the record keeps everyone: the two on leave and absent, and their two replacements
    assert sorted((e["situation"], e["verification_code"][0] == "*")
                  for e in results.data["experts"]) == [
        ("缺席", False), ("补抽", True), ("补抽", True), ("请假", False)]
    link = (await api.call("GET", f"/draws/activities/{aid}/result-page", token)).data["url"]
    html = await (await client.get(link[link.index("/draws/"):])).text()
    assert html.count("<td>*") == 2 and "验证码前加 * 号的为补抽专家" in html


async def test_a_redraw_avoids_and_a_reevaluation_invites_the_original_experts(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    await make_experts(client, 6)
    aid, token = await drawn(api, chat, demo)
    originals = set(await Invitation.filter(activity_id=aid, status=InvitationStatus.CONFIRMED
                                            ).values_list("expert_id", flat=True))
    start = datetime.now(UTC) + timedelta(days=4)
    times = {"bid_open_at": (start - timedelta(hours=1)).isoformat(),
             "eval_start": start.isoformat(), "eval_end": (start + timedelta(hours=4)).isoformat()}
    # a 复评 only of an evaluation held: refused before, in words saying when
    early = await api.call("POST", f"/draws/activities/{aid}/reeval", token, times)
    assert early.status == 400 and "评标结束后才能发起复评" in early.message, early.data
    await the_evaluation_is_over(aid, datetime.now(UTC))
    verifier = await api.login(demo["verifier"].mp_openid)
    reeval = await api.call("POST", f"/draws/activities/{aid}/reeval", token, times)
    assert reeval.status == 200 and reeval.data["status"] == "draft"
    rid = reeval.data["id"]
    # numbered as GD-DRAW numbers them: 通知原专家 CQRE…, 重新抽取 CQNE…
    assert reeval.data["number"] == f"CQRE{rid:08d}"
    await submit(api, token, rid)
    await api.call("POST", f"/verify/activities/{rid}", verifier,
                   {"approve": True, "small_pool_ok": True})
    started = await start_draw(api, token, rid)
    assert started.status == 200, started.data
    assert set(await Invitation.filter(activity_id=rid).values_list(
        "expert_id", flat=True)) == originals
    await finish(chat, rid)
    redraw = await api.call("POST", f"/draws/activities/{rid}/redraw", token, {
        **times, "eval_start": (start + timedelta(days=1)).isoformat(),
        "eval_end": (start + timedelta(days=1, hours=4)).isoformat()})
    assert redraw.status == 200, redraw.data
    did = redraw.data["id"]
    assert redraw.data["number"] == f"CQNE{did:08d}"
    avoided = set(await Avoidance.filter(activity_id=did, expert_id__not_isnull=True
                                         ).values_list("expert_id", flat=True))
    assert avoided == originals
    assert await Section.filter(activity_id=did).count() == 1  # the sections moved along
    await submit(api, token, did)
    await api.call("POST", f"/verify/activities/{did}", verifier,
                   {"approve": True, "small_pool_ok": True})
    assert (await start_draw(api, token, did)).status == 200
    assert not set(await Invitation.filter(activity_id=did).values_list(
        "expert_id", flat=True)) & originals
    # times are checked again
    bad = await api.call("POST", f"/draws/activities/{rid}/redraw", token, {
        **times, "eval_end": times["bid_open_at"]})
    assert bad.status == 400 and "时间顺序" in bad.message


async def test_withdrawal_five_hour_rule_and_acknowledged_notices(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform) -> None:
    await make_experts(client, 6)
    aid, token = await drawn(api, chat, demo)
    activity = await DrawActivity.get(id=aid)
    followups = client.app[DOMAIN].draws.followups.withdrawals
    boundary = activity.eval_start - timedelta(hours=5)
    try:
        await followups.request_withdrawal(activity, "台风停工", boundary + timedelta(seconds=1),
                                           HANDLER)
    except DomainError as exc:
        assert "不足5小时" in said(exc)
    else:
        raise AssertionError("a withdrawal under 5 hours was accepted")
    # without its evidence (证明材料), a request is refused even in time
    try:
        await followups.request_withdrawal(activity, "台风停工", boundary, HANDLER)
    except DomainError as exc:
        assert "附件" in said(exc)
    else:
        raise AssertionError("a withdrawal without evidence was accepted")
    asked = await ask_withdrawal(api, token, aid, "台风停工")
    assert asked.status == 200 and asked.data["requested"] and asked.data["status"] == "ended"
    twice = await api.call("POST", f"/draws/activities/{aid}/withdrawal", token,
                           {"reason": "台风停工"})
    assert twice.status == 409
    # the agency may take it back before the verifier decides, and ask again
    back = await api.call("POST", f"/draws/activities/{aid}/withdrawal/take-back", token)
    assert back.status == 200 and not back.data["requested"]
    asked = await ask_withdrawal(api, token, aid, "台风停工")
    assert asked.status == 200 and asked.data["requested"]
    # a timely request the verifier comes to only once the evaluation has begun: refused,
    # saying what the agency does instead, and nothing withdrawn
    late = activity.eval_start + timedelta(minutes=1)
    try:
        await followups.approve_withdrawal(aid, Actor("verifier", None, "交易中心"), late)
    except DomainError as exc:
        assert "评标已于" in said(exc) and "登记缺席" in said(exc)
    else:
        raise AssertionError("a withdrawal was approved after the evaluation began")
    assert (await DrawActivity.get(id=aid)).status != "withdrawn"
    verifier = await api.login(demo["verifier"].mp_openid)
    approved = await api.call("POST", f"/verify/activities/{aid}/withdrawal", verifier,
                              {"approve": True})
    assert approved.status == 200 and approved.data["status"] == "withdrawn"
    started = await api.call("POST", f"/draws/activities/{aid}/withdrawal/start", token)
    assert started.status == 200, started.data  # 启动退选: the experts are told now
    notices = await Notification.filter(kind="draw.cancelled")
    assert len(notices) == 2 and all(n.params["reason"] == "台风停工" for n in notices)
    confirmed = await Invitation.filter(activity_id=aid, status=InvitationStatus.CONFIRMED)
    answer = await chat.say(await openid_of(confirmed[0].person_id), "收到")
    assert "已确认您收到" in answer.text
    status = await api.call("GET", f"/draws/activities/{aid}/withdrawal", token)
    assert (status.data["delivered"], status.data["undelivered"]) == (1, 1)
    # the one who has not acknowledged is told again, 3 times at most
    now = datetime.now(UTC)
    for minutes in (5, 11, 21, 31, 41):
        await followups.renotify(now + timedelta(minutes=minutes))
    assert await Notification.filter(kind="draw.cancelled",
                                     person_id=confirmed[1].person_id).count() == 3
    assert await Notification.filter(kind="draw.cancelled",
                                     person_id=confirmed[0].person_id).count() == 1
    # the sections are free again: a new activity may draw them
    assert await Section.filter(activity_id=aid).count() == 0
    # nothing left to acknowledge: the help answers (passively, or after WeChat's time
    # budget by a customer-service message, as the help's dictionary may still be loading)
    nothing = await answered(chat, platform, await openid_of(confirmed[0].person_id), "收到")
    assert "没能确定您想问的是哪一件事" in nothing
