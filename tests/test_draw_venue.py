"""Draws at the venue, as GD-DRAW times them: experts gather 30 minutes before the
evaluation; one who has not checked in 30 minutes after the gathering time is absent, and
"完成抽取活动后，如出现专家在评标前人工请假、缺席或现场回避等情况，可进行项目补抽" — so a 补抽
runs at the venue, after the evaluation start; its expert checks in with the evaluation's
venue code, counts in its arrivals and is marked * on the result ("验证码前加*号的为补抽专家");
a 退选 reaches every expert of the evaluation. The venue's contact (GD-DRAW's are mobiles,
such as 18088888888) reaches the expert unmasked, experts' own phones stay masked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.draws import DrawActivity, DrawLog, Invitation, InvitationStatus, Notice
from models.notifications import Notification
from models.people import Person
from sandbox.platform import Platform
from tests.draw_world import (
    ask_withdrawal,
    drawn,
    finish,
    make_experts,
    openid_of,
    prepared,
    start_draw,
)
from tests.helpers import Api, Chat, eventually
from web.context import DOMAIN

VENUE_MOBILE = "18088888888"


async def the_evaluation_starts_now(aid: int, now: datetime) -> None:
    """Gathering was 31 minutes ago, the evaluation started a minute ago."""
    await DrawActivity.filter(id=aid).update(eval_start=now - timedelta(minutes=1),
                                             eval_end=now + timedelta(hours=5))
    await Notice.filter(activity_id=aid).update(gather_at=now - timedelta(minutes=31))


async def venue_scene(api: Api, token: str, aid: int, platform: Platform) -> str:
    qr = await api.call("GET", f"/draws/activities/{aid}/checkin-qr", token)
    assert qr.status == 200, qr.data
    return next(s for s, _ in reversed(platform.qr_tickets.values()) if s.startswith("ci:"))


async def test_an_absence_at_the_venue_is_replaced_and_the_new_expert_checks_in(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform) -> None:
    for expert in await make_experts(client, 6):
        platform.user(await openid_of(expert.person_id)).follower = True  # gets templates
    aid, token = await drawn(api, chat, demo, contact_phone=VENUE_MOBILE)
    first, second = await Invitation.filter(activity_id=aid,
                                            status=InvitationStatus.CONFIRMED).order_by("id")
    # the invitation and the confirmation carry the venue's mobile as it is
    first_openid = await openid_of(first.person_id)
    await eventually(lambda: any(VENUE_MOBILE in str(s.payload)
                                 for s in platform.received_by(first_openid)), timeout=10)
    now = datetime.now(UTC)
    await the_evaluation_starts_now(aid, now)
    scene = await venue_scene(api, token, aid, platform)
    stamp = iter(range(int(now.timestamp()), int(now.timestamp()) + 100))

    async def scan(openid: str) -> str:
        return (await chat.event(openid, "SCAN", scene, create_time=next(stamp))).text

    assert "签到成功" in await scan(first_openid)
    # gathering + 30 minutes: the second expert has not come (the worker's own sweep may
    # find the absence first; either way it is found once)
    await client.app[DOMAIN].attendance.sweep(now)
    assert (await Invitation.get(id=second.id)).status == InvitationStatus.ABSENT
    assert await Invitation.filter(activity_id=aid,
                                   status=InvitationStatus.ABSENT).count() == 1
    # 补抽 at the venue, after the evaluation started
    child = await api.call("POST", f"/draws/activities/{aid}/supplement", token, {})
    assert child.status == 200, child.data
    assert child.data["status"] == "drawing" and child.data["counts"]["waiting"] == 1
    newcomer = (await Invitation.get(activity_id=child.data["id"]))
    newcomer_openid = await openid_of(newcomer.person_id)
    confirmed = await chat.say(newcomer_openid, "1")
    assert "已确认参加" in confirmed.text and VENUE_MOBILE in confirmed.text
    assert (await DrawActivity.get(id=child.data["id"])).status == "ended"
    # the supplementary expert checks in with the evaluation's own venue code
    assert "签到成功" in await scan(newcomer_openid)
    arrivals = await Notification.filter(kind="draw.arrival").order_by("-id").first()
    assert arrivals is not None and arrivals.params["progress"] == "已到场 2/2"
    listing = await api.call("GET", f"/draws/activities/{aid}/attendance", token)
    assert listing.status == 200 and listing.data["arrived"] == 2
    assert len(listing.data["experts"]) == 3  # two who came, one absent
    results = await api.call("GET", f"/draws/activities/{aid}/results", token)
    assert sorted(e["supplementary"] for e in results.data["experts"]) == [False, True]


async def test_a_supplement_that_cannot_start_leaves_nothing_and_a_later_one_works(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    await make_experts(client, 6)
    aid, token = await drawn(api, chat, demo)
    first, _ = await Invitation.filter(activity_id=aid,
                                       status=InvitationStatus.CONFIRMED).order_by("id")
    registered = await api.call("POST", f"/draws/activities/{aid}/absences", token,
                                {"key": first.code, "kind": "现场回避"})
    assert registered.status == 200, registered.data
    now = datetime.now(UTC)
    # the evaluation is over: no draw may start, and the attempt leaves no clone behind
    await DrawActivity.filter(id=aid).update(eval_start=now - timedelta(hours=6),
                                             eval_end=now - timedelta(minutes=1))
    over = await api.call("POST", f"/draws/activities/{aid}/supplement", token, {})
    assert over.status == 409 and "已于" in over.message and "结束" in over.message
    assert await DrawActivity.filter(parent_id=aid).count() == 0
    # the evaluation was extended: the places are still open to a 补抽
    await DrawActivity.filter(id=aid).update(eval_end=now + timedelta(hours=2))
    again = await api.call("POST", f"/draws/activities/{aid}/supplement", token, {})
    assert again.status == 200, again.data
    assert again.data["counts"]["waiting"] == 1


async def test_a_draw_starts_25_minutes_before_the_evaluation_with_its_results_visible(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """GD-DRAW seals results until T-30; it sets no deadline for starting a draw."""
    await make_experts(client, 4)
    aid, token = await prepared(api, demo, total=1)
    now = datetime.now(UTC)
    await DrawActivity.filter(id=aid).update(eval_start=now + timedelta(minutes=25),
                                             eval_end=now + timedelta(hours=4))
    await Notice.filter(activity_id=aid).update(gather_at=now - timedelta(minutes=5))
    started = await start_draw(api, token, aid)
    assert started.status == 200, started.data
    await finish(chat, aid)
    results = await api.call("GET", f"/draws/activities/{aid}/results", token)
    assert results.status == 200 and len(results.data["experts"]) == 1


async def test_a_withdrawal_after_a_supplement_reaches_every_expert(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    await make_experts(client, 6)
    aid, token = await drawn(api, chat, demo)
    first, second = await Invitation.filter(activity_id=aid,
                                            status=InvitationStatus.CONFIRMED).order_by("id")
    assert (await api.call("POST", f"/draws/activities/{aid}/absences", token,
                           {"key": first.code, "kind": "请假"})).status == 200
    child = await api.call("POST", f"/draws/activities/{aid}/supplement", token, {})
    assert child.status == 200, child.data
    (newcomer,) = await finish(chat, child.data["id"])
    asked = await ask_withdrawal(api, token, aid, "项目暂停")
    assert asked.status == 200, asked.data
    verifier = await api.login(demo["verifier"].mp_openid)
    approved = await api.call("POST", f"/verify/activities/{aid}/withdrawal", verifier,
                              {"approve": True})
    assert approved.status == 200, approved.data
    told = {n.person_id for n in await Notification.filter(kind="draw.cancelled")}
    assert told == {second.person_id, newcomer.person_id}
    assert (await DrawActivity.get(id=child.data["id"])).status == "withdrawn"
    # the supplementary expert's 收到 counts like anyone's
    assert "收到" in (await chat.say(await openid_of(newcomer.person_id), "收到")).text \
        or (await Invitation.get(id=newcomer.id)).acknowledged_at is not None
    status = await api.call("GET", f"/draws/activities/{aid}/withdrawal", token)
    assert (status.data["delivered"], status.data["undelivered"]) == (1, 1)
    # per expert: notices, channel, acknowledgement, the name masked as in GD-DRAW
    experts = (await api.call("GET", f"/draws/activities/{aid}/withdrawal/experts",
                              token)).data["experts"]
    assert {e["invitation_id"] for e in experts} == {second.id, newcomer.id}
    assert all(e["notices"] == 1 and "*" in e["name"] for e in experts)
    assert {e["supplementary"] for e in experts} == {True, False}
    # the agency reached the other expert by phone and records it
    outcome = await api.call("POST", f"/draws/activities/{aid}/withdrawal/experts/{second.id}",
                             token, {"note": "已电话通知，专家知悉"})
    assert outcome.status == 200, outcome.data
    row = next(e for e in outcome.data["experts"] if e["invitation_id"] == second.id)
    assert row["acknowledged_by"] == "陈*强" and row["note"] == "已电话通知，专家知悉"
    again = await api.call("POST", f"/draws/activities/{aid}/withdrawal/experts/{second.id}",
                           token, {"note": "重复"})
    assert again.status == 409
    status = await api.call("GET", f"/draws/activities/{aid}/withdrawal", token)
    assert (status.data["delivered"], status.data["undelivered"]) == (2, 0)
    log = (await api.call("GET", f"/draws/activities/{aid}/log", token)).data["entries"]
    assert [e["action"] for e in log][-1] == "manual_outcome"


async def test_absence_by_phone_before_unsealing_answers_alike_and_tells_the_expert(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """GD-DRAW registers an absence "输入专家的验证码或者手机号码"; its results are sealed
    until 30 minutes before the evaluation, so before that no answer may say whether a
    phone was drawn."""
    await make_experts(client, 6)
    aid, token = await drawn(api, chat, demo)  # the evaluation is 2 days away: sealed
    first, _ = await Invitation.filter(activity_id=aid,
                                       status=InvitationStatus.CONFIRMED).order_by("id")
    drawn_phone = (await Person.get(id=first.person_id)).phone
    undrawn_phone = "13912345678"
    answers = [await api.call("POST", f"/draws/activities/{aid}/absences", token,
                              {"key": phone, "kind": "请假"})
               for phone in (drawn_phone, undrawn_phone)]
    assert [(a.status, a.data) for a in answers] == [(200, {"registered": True,
                                                            "kind": "请假"})] * 2
    # it took effect for the drawn expert only, who is told at once
    assert (await Invitation.get(id=first.id)).status == InvitationStatus.ABSENT
    told = await Notification.filter(kind="draw.absence_registered")
    assert [n.person_id for n in told] == [first.person_id]
    # attempts are limited and every one is in the log
    for _ in range(3):
        await api.call("POST", f"/draws/activities/{aid}/absences", token,
                       {"key": undrawn_phone, "kind": "请假"})
    limited = await api.call("POST", f"/draws/activities/{aid}/absences", token,
                             {"key": undrawn_phone, "kind": "请假"})
    assert limited.status == 429 and "验证码" in limited.message
    log = (await api.call("GET", f"/draws/activities/{aid}/log", token)).data["entries"]
    assert [e["action"] for e in log].count("absence_phone") == 5
    # once the results unseal, a phone that was not drawn is answered plainly
    await DrawActivity.filter(id=aid).update(eval_start=datetime.now(UTC) + timedelta(
        minutes=20))
    await DrawLog.filter(activity_id=aid).delete()  # a new hour's allowance
    plain = await api.call("POST", f"/draws/activities/{aid}/absences", token,
                           {"key": undrawn_phone})
    assert plain.status == 404


async def test_the_agency_urges_after_the_system_urged_three_times(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """GD-DRAW: "系统语音催促最多 3 次" — the agency's own urge is apart from them."""
    await make_experts(client, 4)
    aid, token = await drawn(api, chat, demo)
    now = datetime.now(UTC)
    await DrawActivity.filter(id=aid).update(eval_start=now + timedelta(minutes=5),
                                             eval_end=now + timedelta(hours=5))
    g = now - timedelta(minutes=25)
    await Notice.filter(activity_id=aid).update(gather_at=g)
    att = client.app[DOMAIN].attendance
    for offset in (0, 10, 20):
        await att.sweep(g + timedelta(minutes=offset))
    item, _ = await Invitation.filter(activity_id=aid).order_by("id")
    assert (await Invitation.get(id=item.id)).urges == 3
    urged = await api.call("POST", f"/draws/activities/{aid}/urge", token,
                           {"invitation_id": item.id})
    assert urged.status == 200 and urged.data == {"urges": 1, "left": 2}
    log = (await api.call("GET", f"/draws/activities/{aid}/log", token)).data["entries"]
    actions = [(e["action"], e["actor"]) for e in log if "urge" in e["action"]]
    assert actions.count(("auto_urge", "系统")) == 6 and actions[-1] == ("urge", "陈*强")


async def test_an_on_site_evaluation_ends_when_every_expert_has_left(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform) -> None:
    """GD-DRAW: "【是否进场项目】…如填写否，将按照预计评标结束时间结束项目，如填写是，需对应的
    进场场所完成专家进出场登记以结束项目"."""
    await make_experts(client, 4)
    aid, token = await drawn(api, chat, demo, on_site=True)
    other, _ = await drawn(api, chat, demo)  # not on site: ends at its expected end
    now = datetime.now(UTC)
    await the_evaluation_starts_now(aid, now)
    scene = await venue_scene(api, token, aid, platform)
    stamp = iter(range(int(now.timestamp()), int(now.timestamp()) + 100))
    openids = [await openid_of(i.person_id) for i in await Invitation.filter(
        activity_id=aid, status=InvitationStatus.CONFIRMED).order_by("id")]

    async def scan(openid: str) -> str:
        return (await chat.event(openid, "SCAN", scene, create_time=next(stamp))).text

    for openid in openids:
        assert "签到成功" in await scan(openid)
    await Invitation.filter(activity_id=aid).update(checkin_at=now - timedelta(hours=3))
    assert "签退成功" in await scan(openids[0])
    assert (await DrawActivity.get(id=aid)).finished_at is None  # one is still in
    assert "签退成功" in await scan(openids[1])
    finished = await api.call("GET", f"/draws/activities/{aid}", token)
    assert finished.data["finished_at"] is not None
    assert "已于" in await scan(openids[0])  # the venue code no longer works
    # 专家酬劳支付情况: recorded per expert once the evaluation is over, seen by the expert
    early = await api.call("GET", f"/draws/activities/{other}/fees", token)
    assert early.status == 400 and "评标结束后" in early.message
    first_invitation = (await api.call("GET", f"/draws/activities/{aid}/fees",
                                       token)).data["experts"][0]["invitation_id"]
    paid = await api.call("PUT", f"/draws/activities/{aid}/fees/{first_invitation}", token,
                          {"amount_yuan": "800.00", "paid": True})
    assert paid.status == 200, paid.data
    row = next(e for e in paid.data["experts"] if e["invitation_id"] == first_invitation)
    assert (float(row["amount_yuan"]), row["paid"]) == (800.0, True)
    # the first expert (o_ex_<n>) in the mini-program (mp_ex_<n>)
    mine = await api.call("GET", "/expert/fees",
                          await api.login(openids[0].replace("o_ex_", "mp_ex_")))
    assert mine.status == 200 and len(mine.data["fees"]) == 1
    assert mine.data["fees"][0]["paid"] is True
    # the other evaluation ends at its expected end, by the sweep
    await DrawActivity.filter(id=other).update(eval_end=now - timedelta(minutes=1))
    assert (await client.app[DOMAIN].attendance.sweep(now))["finished"] == 1
    assert (await DrawActivity.get(id=other)).finished_at is not None
