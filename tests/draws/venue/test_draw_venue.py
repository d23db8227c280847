"""The venue day as GD-DRAW writes it: experts gather 30 minutes before the evaluation; the
agency urges (语音催促, "在专家未进场且在专家集合时间至集合时间后 30 分钟的时间段…系统语音催促最多 3
次") and registers absence by hand ("补抽专家时需要输入专家的验证码或者手机号码，登记专家缺席原因并
提交缺席登记后，项目活动状态变更为待补抽的状态") — the clock never marks anyone absent, so a late
expert still checks in; a 补抽 at the venue ("并选择是否更新集合时间") asks for a new gathering
time once the original one has passed; its expert checks in with the evaluation's venue code
and stands with * before the code ("验证码前加*号的为补抽专家"); the record keeps everyone with
their 情形. A 退选 reaches every expert of the evaluation once the agency starts it. The
venue's contact (GD-DRAW's are mobiles, such as 18088888888) reaches the expert unmasked,
experts' own phones stay masked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from aiohttp.test_utils import TestClient

from models.draws import (
    DrawActivity,
    DrawLog,
    Invitation,
    InvitationStatus,
    Notice,
)
from models.notifications import Notification
from models.people import Person, Role, RoleGrant, phone_is
from models.wechat import Channel, WeChatIdentity
from sandbox.platform import Platform
from tests.support.api import Api
from tests.support.draw_world import (
    NONCE,
    ask_withdrawal,
    drawn,
    finish,
    make_experts,
    openid_of,
    prepared,
    scanner,
    start_draw,
    supplement,
    the_evaluation_starts_now,
    venue_scene,
)
from tests.support.helpers import eventually
from tests.support.wechat import Chat
from web.context import DOMAIN

VENUE_MOBILE = "18088888888"




async def status_title(api: Api, token: str, aid: int) -> str:
    shown = await api.call("GET", f"/draws/activities/{aid}", token)
    listed = await api.call("GET", "/draws/activities?limit=50", token)
    in_list = next(a["status_title"] for a in listed.data["activities"] if a["id"] == aid)
    assert in_list == shown.data["status_title"]
    return str(shown.data["status_title"])


async def test_an_absence_at_the_venue_is_replaced_and_the_new_expert_checks_in(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform) -> None:
    """The seed's day: gathering 30 minutes before the evaluation, an expert missing at the
    venue, the agency told, the absence registered, 待补抽, a 补抽 with a new gathering time,
    the newcomer confirming and checking in minutes later."""
    for expert in await make_experts(client, 6):
        platform.user(await openid_of(expert.person_id)).follower = True  # gets templates
    aid, token = await prepared(api, demo, total=2, contact_phone=VENUE_MOBILE)
    assert (await start_draw(api, token, aid)).status == 200
    # the invitation carries the venue's mobile as it is (read before the expert answers:
    # an invitation answered before it went out is not sent any more)
    invited = await Invitation.filter(activity_id=aid).order_by("id").first()
    assert invited is not None
    first_openid = await openid_of(invited.person_id)
    await eventually(lambda: any(VENUE_MOBILE in str(s.payload)
                                 for s in platform.received_by(first_openid)), timeout=10)
    await finish(chat, aid)
    first, second = await Invitation.filter(activity_id=aid,
                                            status=InvitationStatus.CONFIRMED).order_by("id")
    assert first.person_id == invited.person_id
    now = datetime.now(UTC)
    await the_evaluation_starts_now(aid, now)
    scan = scanner(chat, await venue_scene(api, token, aid, platform), now)
    assert "签到成功" in await scan(first_openid)
    # gathering + 31 minutes: the agency is told who has not come, once, nobody is marked
    # absent (the in-process worker's own sweep may come first: whichever does, it is once)
    attendance = client.app[DOMAIN].draws.venue.attendance
    await attendance.sweep(now)
    await attendance.sweep(now + timedelta(minutes=1))
    told = await Notification.filter(kind="draw.not_arrived")
    assert told and all(n.params["count"] == "1" for n in told)
    assert len({n.person_id for n in told}) == len(told)
    assert (await Invitation.get(id=second.id)).status == InvitationStatus.CONFIRMED
    assert await status_title(api, token, aid) == "评标中"
    # the agency registers the absence (the results are unsealed: by the code it reads)
    registered = await api.call("POST", f"/draws/activities/{aid}/absences", token,
                                {"key": second.code, "kind": "缺席"})
    assert registered.status == 200, registered.data
    assert await status_title(api, token, aid) == "待补抽"
    # a 补抽 keeping the original, past gathering time is refused with a time to use
    kept = await api.call("POST", f"/draws/activities/{aid}/supplement", token, {})
    assert kept.status == 400 and "原集合时间已过" in kept.message and "建议" in kept.message
    past = await api.call("POST", f"/draws/activities/{aid}/supplement", token,
                          {"gather_at": (now - timedelta(minutes=5)).isoformat()})
    assert past.status == 400 and "晚于现在" in past.message
    shown = await api.call("GET", f"/draws/activities/{aid}", token)
    offered = datetime.fromisoformat(shown.data["supplement_gather_at"])
    assert timedelta(minutes=55) <= offered - now <= timedelta(minutes=65)
    # 补抽 at the venue with the offered time: one place, the newcomer invited at once
    child = await supplement(api, token, aid, gather_at=offered.isoformat())
    assert child.status == 200, child.data
    assert child.data["status"] == "drawing" and child.data["counts"]["waiting"] == 1
    assert child.data["nonce"] == NONCE
    newcomer = await Invitation.get(activity_id=child.data["id"])
    newcomer_openid = await openid_of(newcomer.person_id)
    confirmed = await chat.say(newcomer_openid, "1")  # 2 minutes later, as it were
    assert "已确认参加" in confirmed.text and VENUE_MOBILE in confirmed.text
    newcomer = await Invitation.get(id=newcomer.id)
    assert (await DrawActivity.get(id=child.data["id"])).status == "ended"
    assert await status_title(api, token, aid) == "评标中"  # the place is covered
    # 5 minutes later: the sweeps found nothing to do to the newcomer
    await attendance.sweep(now + timedelta(minutes=7))
    assert (await Invitation.get(id=newcomer.id)).status == InvitationStatus.CONFIRMED
    # the supplementary expert checks in with the evaluation's own venue code
    assert "签到成功" in await scan(newcomer_openid)
    arrivals = await Notification.filter(kind="draw.arrival").order_by("-id").first()
    assert arrivals is not None and arrivals.params["progress"] == "已到场 2/2"
    listing = await api.call("GET", f"/draws/activities/{aid}/attendance", token)
    assert listing.status == 200 and listing.data["arrived"] == 2
    assert len(listing.data["experts"]) == 3  # two who came, one absent
    # the record keeps everyone: 参加, 缺席, and the 补抽 expert with * before the code
    results = await api.call("GET", f"/draws/activities/{aid}/results", token)
    rows = {e["invitation_id"]: e for e in results.data["experts"]}
    assert [rows[i]["situation"] for i in (first.id, second.id, newcomer.id)] == [
        "参加", "缺席", "补抽"]
    assert rows[newcomer.id]["verification_code"] == "*" + str(newcomer.code)
    assert rows[second.id]["verification_code"] == second.code
    assert all(r["work_unit"] and "/" in r["specialty"] for r in rows.values())
    link = await api.call("GET", f"/draws/activities/{aid}/result-page", token)
    address = urlsplit(link.data["url"])
    page = await client.get(f"{address.path}?{address.query}")
    printed = await page.text()
    assert f"*{newcomer.code}" in printed and "缺席" in printed and "补抽" in printed
    # the 补抽's avoidance list names the experts it avoids, masked, never an id
    avoided = (await api.call("GET", f"/draws/activities/{child.data['id']}", token)
               ).data["avoidances"]
    people = [a["name"] for a in avoided if a["reason"] == "原抽取已邀请"]
    assert people and all("*" in name and "#" not in name for name in people)


async def test_a_late_expert_checks_in_at_35_minutes(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform) -> None:
    """No absence is inferred from the clock: an expert arriving 35 minutes after the
    gathering time checks in as anyone, after the agency was told they had not come."""
    await make_experts(client, 4)
    aid, token = await drawn(api, chat, demo)
    now = datetime.now(UTC)
    await DrawActivity.filter(id=aid).update(eval_start=now - timedelta(minutes=5),
                                             eval_end=now + timedelta(hours=5))
    await Notice.filter(activity_id=aid).update(gather_at=now - timedelta(minutes=35))
    await client.app[DOMAIN].draws.venue.attendance.sweep(now)
    assert await Notification.filter(kind="draw.not_arrived").exists()
    scan = scanner(chat, await venue_scene(api, token, aid, platform), now)
    late = (await Invitation.filter(activity_id=aid).order_by("id"))[0]
    assert "签到成功" in await scan(await openid_of(late.person_id))
    assert (await Invitation.get(id=late.id)).checkin_at is not None


async def test_an_absence_registered_by_mistake_is_undone(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform) -> None:
    """The agency registers an absence; the expert arrives after all: their scan says what
    happened and whom to ask; the agency undoes it with a reason, the expert is told and
    checks in. Once a 补抽 has filled the place, it can no longer be undone."""
    await make_experts(client, 6)
    aid, token = await drawn(api, chat, demo)
    first, second = await Invitation.filter(activity_id=aid,
                                            status=InvitationStatus.CONFIRMED).order_by("id")
    now = datetime.now(UTC)
    await the_evaluation_starts_now(aid, now)
    for item in (first, second):
        assert (await api.call("POST", f"/draws/activities/{aid}/absences", token,
                               {"key": item.code, "kind": "缺席"})).status == 200
    scan = scanner(chat, await venue_scene(api, token, aid, platform), now)
    refused = await scan(await openid_of(first.person_id))
    assert "登记为缺席" in refused and "陈志强" in refused
    no_reason = await api.call("POST", f"/draws/activities/{aid}/absences/{first.id}/undo",
                               token, {"reason": ""})
    assert no_reason.status == 422
    undone = await api.call("POST", f"/draws/activities/{aid}/absences/{first.id}/undo",
                            token, {"reason": "专家已到场"})
    assert undone.status == 200 and undone.data["status"] == "confirmed"
    told = await Notification.get(kind="draw.absence_undone", person_id=first.person_id)
    assert told.params["verification_code"] == first.code
    assert "签到成功" in await scan(await openid_of(first.person_id))
    log = (await api.call("GET", f"/draws/activities/{aid}/log", token)).data["entries"]
    assert [(e["title"], e["reason"]) for e in log if e["action"] == "absence_undo"] == [
        ("撤销缺席登记", "专家已到场")]
    # the second expert's place is filled by a 补抽: the registration stands
    child = await supplement(api, token, aid, gather_at=(now + timedelta(hours=1)).isoformat())
    assert child.status == 200, child.data
    covered = await api.call("POST", f"/draws/activities/{aid}/absences/{second.id}/undo",
                             token, {"reason": "专家已到场"})
    assert covered.status == 409 and "补抽专家补上" in covered.message


async def test_a_supplement_that_cannot_start_leaves_nothing_and_a_later_one_works(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    await make_experts(client, 6)
    aid, token = await drawn(api, chat, demo)
    first, _ = await Invitation.filter(activity_id=aid,
                                       status=InvitationStatus.CONFIRMED).order_by("id")
    now = datetime.now(UTC)
    await the_evaluation_starts_now(aid, now)
    registered = await api.call("POST", f"/draws/activities/{aid}/absences", token,
                                {"key": first.code, "kind": "现场回避"})
    assert registered.status == 200, registered.data
    # the evaluation is over: no draw may start, and the attempt leaves no clone behind
    await DrawActivity.filter(id=aid).update(eval_start=now - timedelta(hours=6),
                                             eval_end=now - timedelta(minutes=1))
    over = await supplement(api, token, aid, gather_at=(now + timedelta(minutes=30)).isoformat())
    assert over.status == 400 and "评标结束时间" in over.message
    assert await DrawActivity.filter(parent_id=aid).count() == 0
    # the evaluation was extended: the places are still open to a 补抽
    await DrawActivity.filter(id=aid).update(eval_end=now + timedelta(hours=2))
    again = await supplement(api, token, aid,
                             gather_at=(now + timedelta(minutes=30)).isoformat())
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
    # 请假 the day before, by phone (the results are sealed: the codes are not shown yet)
    phone = (await Person.get(id=first.person_id)).phone
    assert (await api.call("POST", f"/draws/activities/{aid}/absences", token,
                           {"key": phone, "kind": "请假"})).status == 200
    await eventually(lambda: Invitation.filter(id=first.id, status=InvitationStatus.ABSENT
                                               ).exists(), timeout=10)
    asked = await supplement(api, token, aid)
    assert asked.status == 200 and asked.data["id"] == aid  # sealed: run out of sight
    await eventually(lambda: Invitation.filter(activity__parent_id=aid).exists(), timeout=10)
    child = await DrawActivity.get(parent_id=aid)
    (newcomer,) = await finish(chat, child.id)
    asked = await ask_withdrawal(api, token, aid, "项目暂停")
    assert asked.status == 200, asked.data
    verifier = await api.login(demo["verifier"].mp_openid)
    approved = await api.call("POST", f"/verify/activities/{aid}/withdrawal", verifier,
                              {"approve": True})
    assert approved.status == 200, approved.data
    # approved: nobody is told until the agency starts it (启动退选)
    assert not await Notification.filter(kind="draw.cancelled").exists()
    started = await api.call("POST", f"/draws/activities/{aid}/withdrawal/start", token)
    assert started.status == 200 and started.data["started"], started.data
    again = await api.call("POST", f"/draws/activities/{aid}/withdrawal/start", token)
    assert again.status == 409 and "已于" in again.message
    # every expert who confirmed is told: the one on leave too, and the 补抽's newcomer
    told = {n.person_id for n in await Notification.filter(kind="draw.cancelled")}
    assert told == {first.person_id, second.person_id, newcomer.person_id}
    assert (await DrawActivity.get(id=child.id)).status == "withdrawn"
    # the supplementary expert's 收到 counts like anyone's
    assert "收到" in (await chat.say(await openid_of(newcomer.person_id), "收到")).text
    assert (await Invitation.get(id=newcomer.id)).acknowledged_at is not None
    # the results are sealed: the agency follows the evaluation's own draw, without names
    # (the 补抽 run out of sight is not shown: docs/seal.md)
    status = await api.call("GET", f"/draws/activities/{aid}/withdrawal", token)
    assert (status.data["delivered"], status.data["undelivered"]) == (0, 2)
    experts = (await api.call("GET", f"/draws/activities/{aid}/withdrawal/experts",
                              token)).data["experts"]
    assert {e["invitation_id"] for e in experts} == {first.id, second.id}
    assert all(e["notices"] == 1 and e["name"] == "" and e["phone"] == "" for e in experts)
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
    assert (status.data["delivered"], status.data["undelivered"]) == (1, 1)
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
    # it took effect (out of sight, in a moment) for the drawn expert only, who is told
    await eventually(lambda: Invitation.filter(id=first.id, status=InvitationStatus.ABSENT
                                               ).exists(), timeout=10)
    told = await Notification.filter(kind="draw.absence_registered")
    assert [n.person_id for n in told] == [first.person_id]
    # attempts are limited and every one is in the log
    for _ in range(3):
        await api.call("POST", f"/draws/activities/{aid}/absences", token,
                       {"key": undrawn_phone, "kind": "请假"})
    limited = await api.call("POST", f"/draws/activities/{aid}/absences", token,
                             {"key": undrawn_phone, "kind": "请假"})
    assert limited.status == 429 and "分钟后再试" in limited.message
    # a verification code is shown only once the results unseal: any code is refused alike
    for code in (first.code, "000000"):
        by_code = await api.call("POST", f"/draws/activities/{aid}/absences", token,
                                 {"key": code, "kind": "请假"})
        assert by_code.status == 400 and "解封" in by_code.message
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
    """GD-DRAW: "对未按时进场的专家，可点击系统语音催促…系统语音催促最多 3 次" — the three
    calls are the agency's clicks; the system's own reminders at +0 / +10 / +20 are messages
    and never spend them."""
    await make_experts(client, 4)
    aid, token = await drawn(api, chat, demo)
    now = datetime.now(UTC)
    # the system's sweeps at +0 / +10 / +20 of a gathering an hour ahead: the worker's own
    # sweep (every 15 s, by the real clock) does not see it yet, so it cannot urge in
    # between (a sweep that comes late urges once, not once for each slot it missed)
    g = now + timedelta(hours=1)
    await DrawActivity.filter(id=aid).update(eval_start=g + timedelta(minutes=30),
                                             eval_end=g + timedelta(hours=5))
    await Notice.filter(activity_id=aid).update(gather_at=g)
    att = client.app[DOMAIN].draws.venue.attendance
    for offset in (0, 10, 20):
        await att.sweep(g + timedelta(minutes=offset))
    item, _ = await Invitation.filter(activity_id=aid).order_by("id")
    assert (await Invitation.get(id=item.id)).urges == 3
    system = await Notification.filter(kind="draw.urge", person_id=item.person_id)
    # (their calls: tests/draws/venue/test_voice_urges.py, with a voice provider)
    assert len(system) == 3
    # the agency's clicks by the real clock: the gathering 25 minutes ago, its window open
    await DrawActivity.filter(id=aid).update(eval_start=now + timedelta(minutes=5),
                                             eval_end=now + timedelta(hours=5))
    await Notice.filter(activity_id=aid).update(gather_at=now - timedelta(minutes=25))
    for left in (2, 1, 0):  # three clicks, three minutes apart as it were
        await Invitation.filter(id=item.id).update(last_manual_urge_at=None)
        urged = await api.call("POST", f"/draws/activities/{aid}/urge", token,
                               {"invitation_id": item.id})
        assert urged.status == 200 and urged.data == {"urges": 3 - left, "left": left}
    clicked = await Notification.filter(kind="draw.urge", person_id=item.person_id,
                                        id__gt=max(n.id for n in system))
    assert len(clicked) == 3
    fourth = await api.call("POST", f"/draws/activities/{aid}/urge", token,
                            {"invitation_id": item.id})
    assert fourth.status == 409 and "3次" in fourth.message
    log = (await api.call("GET", f"/draws/activities/{aid}/log", token)).data["entries"]
    actions = [(e["action"], e["actor"]) for e in log if "urge" in e["action"]]
    # (the log is in time order: the system's urges, made an hour ahead here, come last)
    assert actions.count(("auto_urge", "系统")) == 6 and actions.count(("urge", "陈*强")) == 3


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
    # not on site, every expert has left: the evaluation still ends at its expected end,
    # but its fees open, as their page says ("或全部专家离场后")
    await Invitation.filter(activity_id=other, status=InvitationStatus.CONFIRMED).update(
        checkin_at=now - timedelta(hours=3), checkout_at=now - timedelta(minutes=5))
    opened = await api.call("GET", f"/draws/activities/{other}/fees", token)
    assert opened.status == 200 and len(opened.data["experts"]) == 2, opened.data
    assert (await DrawActivity.get(id=other)).finished_at is None
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
    # the other evaluation ends at its expected end, by the sweep (this one or the worker's)
    await DrawActivity.filter(id=other).update(eval_end=now - timedelta(minutes=1))
    await client.app[DOMAIN].draws.venue.attendance.sweep(now)
    assert (await DrawActivity.get(id=other)).finished_at is not None


async def test_a_handler_without_wechat_hears_of_arrivals_and_absences_by_sms(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform) -> None:
    """GD-DRAW's agency follows the venue in a web system; a handler at the venue who never
    followed the official account gets the same news as SMS (the relay's channel planner
    falls back to SMS for a person no WeChat channel reaches)."""
    await make_experts(client, 4)
    aid, token = await drawn(api, chat, demo)
    handler = await Person.get(phone_is(demo["handler"].phone))
    # never followed the official account (the desk's mini-program login stays: no
    # subscribe consent, so nothing reaches it there)
    await WeChatIdentity.filter(person_id=handler.id, channel=Channel.OFFICIAL_ACCOUNT).delete()
    await RoleGrant.filter(role=Role.AGENCY_LEGAL).update(revoked_at=datetime.now(UTC))
    now = datetime.now(UTC)
    await the_evaluation_starts_now(aid, now)  # gathered 31 minutes ago
    scan = scanner(chat, await venue_scene(api, token, aid, platform), now)
    first = await Invitation.filter(activity_id=aid).order_by("id").first()
    assert first is not None
    assert "签到成功" in await scan(await openid_of(first.person_id))
    # half an hour after the gathering the other has not come: the agency is told
    await client.app[DOMAIN].draws.venue.attendance.sweep(now)
    # the arrival and the absence are two notifications, relayed each in its own time
    await eventually(lambda: sum(
        ("到场情况：已到场 1/2" in t) + ("仍有1位专家未签到" in t and "登记缺席后补抽" in t)
        for t in platform.sms_to(handler.phone)) >= 2, timeout=15)


async def test_an_expert_suspended_after_confirming_is_refused_at_check_in(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform) -> None:
    """实施条例 Art. 72: a suspended expert takes no part in an evaluation, even with a
    place confirmed before the suspension; the venue's scan says so and who to ask, and the
    other expert checks in as before."""
    from models.sanctions import Sanction, SanctionKind
    from services.common.clock import china_today

    await make_experts(client, 4)
    aid, token = await drawn(api, chat, demo)
    now = datetime.now(UTC)
    await the_evaluation_starts_now(aid, now)
    scene = await venue_scene(api, token, aid, platform)
    first, second = await Invitation.filter(activity_id=aid,
                                            status=InvitationStatus.CONFIRMED).order_by("id")
    today = china_today(now)
    await Sanction.create(expert_id=first.expert_id, kind=SanctionKind.SUSPENSION,
                          reason="无正当理由不按时参加评标", decided_on=today, starts_on=today,
                          ends_on=today + timedelta(days=180), decided_by=1)
    scan = scanner(chat, scene, now)
    refused = await scan(await openid_of(first.person_id))
    assert "评标资格目前处于暂停或已被取消" in refused and "现场联系人" in refused
    assert (await Invitation.get(id=first.id)).checkin_at is None
    assert "签到成功" in await scan(await openid_of(second.person_id))


async def test_the_status_says_where_the_evaluation_is(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """An ended draw reads 抽取完成 while its evaluation is ahead, 评标中 once it starts, and
    已结束 only when it is over (here: past its expected end, not an on-site one)."""
    aid, token = await drawn(api, chat, demo)
    assert await status_title(api, token, aid) == "抽取完成"
    now = datetime.now(UTC)
    await the_evaluation_starts_now(aid, now)
    assert await status_title(api, token, aid) == "评标中"
    await DrawActivity.filter(id=aid).update(eval_end=now - timedelta(minutes=1))
    await client.app[DOMAIN].draws.venue.attendance.sweep(now)
    assert await status_title(api, token, aid) == "已结束"
