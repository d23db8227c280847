"""Attendance: every window boundary, the 3-urge cap under racing manual and automatic urges,
forged and expired venue codes, reminders that follow a changed gathering time, the agency
told who has not arrived, and the dashboard against a known data set."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.draws import (
    DrawActivity,
    DrawStatus,
    Invitation,
    InvitationStatus,
    Notice,
)
from models.notifications import Notification
from sandbox.platform import Platform
from services.common.clock import CHINA
from services.common.errors import DomainError
from services.common.scenes import CheckinScene
from services.draws.venue.attendance import Attendance
from tests.support.api import Api
from tests.support.draw_world import (
    drawn,
    make_experts,
    openid_of,
    prepared,
    start_draw,
    the_experts_gather_soon,
)
from tests.support.helpers import said
from tests.support.leaks import PHONE_LIKE
from tests.support.queries import QueryCounter
from tests.support.wechat import Chat
from web.context import DOMAIN


def attendance(client: TestClient) -> Attendance:
    return client.app[DOMAIN].draws.venue.attendance


async def refused(call, text: str) -> None:  # type: ignore[no-untyped-def]
    try:
        await call
    except DomainError as exc:
        assert text in said(exc), said(exc)
    else:
        raise AssertionError(f"not refused: expected {text!r}")


async def gather_time(activity_id: int) -> datetime:
    return (await Notice.get(activity_id=activity_id)).gather_at


async def test_urge_window_and_the_system_and_agency_caps_under_racing_urges(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """GD-DRAW: urges only "在专家未进场且在专家集合时间至集合时间后 30 分钟的时间段",
    "系统语音催促最多 3 次"; the agency's own calls are apart from the system's."""
    await make_experts(client, 4)
    aid, _ = await drawn(api, chat, demo)
    g = await gather_time(aid)
    item, _other = await Invitation.filter(activity_id=aid,
                                           status=InvitationStatus.CONFIRMED).order_by("id")
    att = attendance(client)

    def manual(at: datetime):  # type: ignore[no-untyped-def]
        return att.urge(item.id, at, "代理机构", manual=True)

    await refused(manual(g - timedelta(seconds=1)), "30分钟内催促")
    await refused(manual(g + timedelta(minutes=30, seconds=1)), "30分钟内催促")
    assert (await manual(g)).manual_urges == 1  # at the gathering time
    await att.sweep(g)  # the system's +0 urge, for both experts: the agency's does not count
    assert (await Invitation.get(id=item.id)).urges == 1
    await refused(manual(g + timedelta(minutes=1)), "3分钟后")
    # the system's slot at +10 and a manual urge at the same moment: both pass
    await asyncio.gather(manual(g + timedelta(minutes=10)),
                         att.sweep(g + timedelta(minutes=10)), return_exceptions=True)
    again = await Invitation.get(id=item.id)
    assert (again.urges, again.manual_urges) == (2, 2)
    # at +20: two manual urges racing (one passes) and the system's third
    await asyncio.gather(manual(g + timedelta(minutes=20)), manual(g + timedelta(minutes=20)),
                         att.sweep(g + timedelta(minutes=20)), return_exceptions=True)
    again = await Invitation.get(id=item.id)
    assert (again.urges, again.manual_urges) == (3, 3)
    await refused(manual(g + timedelta(minutes=29)), "您已语音催促这位专家3次")
    await refused(att.urge(item.id, g + timedelta(minutes=29), "系统", manual=False),
                  "系统已自动提醒")
    await att.sweep(g + timedelta(minutes=29))
    assert (await Invitation.get(id=item.id)).urges == 3
    assert await Notification.filter(kind="draw.urge", person_id=item.person_id).count() == 6
    # the other expert got the system's three urges (+0, +10, +20) and no more
    assert await Notification.filter(kind="draw.urge").count() == 9
    # +30 min without arriving: the agency is told who has not come (they are not marked
    # absent: GD-DRAW has the agency register absence, "人工请假")
    counts = await att.sweep(g + timedelta(minutes=31))
    assert counts["not_arrived"] == 1 and "absent" not in counts
    assert (await Invitation.get(id=item.id)).status == InvitationStatus.CONFIRMED
    told = await Notification.filter(kind="draw.not_arrived")
    assert told and told[0].params["count"] == "2"


async def test_the_venue_code_checks_in_and_out_and_refuses_the_rest(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform) -> None:
    await make_experts(client, 4)
    aid, token = await drawn(api, chat, demo)
    # the evaluation is now: gathering in 20 minutes
    now = datetime.now(UTC)
    await the_experts_gather_soon(aid, now)
    qr = await api.call("GET", f"/draws/activities/{aid}/checkin-qr", token)
    assert qr.status == 200 and "showqrcode" in qr.data["image"]
    scene = next(s for s, _ in platform.qr_tickets.values() if s.startswith("ci:"))
    page = qr.data["page"]
    printable = await client.get(page[page.index("/draws/"):])
    assert printable.status == 200 and qr.data["image"] in (await printable.text()).replace(
        "&amp;", "&")
    swapped = page.replace("showqrcode", "evil")
    assert (await client.get(swapped[swapped.index("/draws/"):])).status == 403
    first, second = await Invitation.filter(activity_id=aid,
                                            status=InvitationStatus.CONFIRMED).order_by("id")
    who = await openid_of(first.person_id)
    stamp = iter(range(int(now.timestamp()), int(now.timestamp()) + 100))

    async def scan(openid: str, text: str) -> str:
        # each scan is a new event (WeChat tells retries apart by sender and CreateTime)
        return (await chat.event(openid, "SCAN", text, create_time=next(stamp))).text

    assert "签到成功" in await scan(who, scene)
    assert "无需重复签到" in await scan(who, scene)
    await Invitation.filter(id=first.id).update(checkin_at=now - timedelta(minutes=11))
    # the evaluation has not begun: the same scan again is no departure, and says so
    again = await scan(who, scene)
    assert "评标尚未开始" in again and "签退成功" not in again, again
    assert (await Invitation.get(id=first.id)).checkout_at is None
    await DrawActivity.filter(id=aid).update(eval_start=now - timedelta(minutes=1))
    assert "签退成功" in await scan(who, scene)
    await DrawActivity.filter(id=aid).update(eval_start=now + timedelta(minutes=50))
    # someone not drawn for this evaluation: told plainly, nothing recorded
    stranger = await scan(demo["applicant"].openid, scene)
    assert "不是本场评标确认参加的专家" in stranger
    forged = await scan(who, scene[:-2] + ("AA" if not scene.endswith("AA") else "BB"))
    assert "二维码" in forged and "签到成功" not in forged
    old = client.app[DOMAIN].scenes.encode(CheckinScene(aid, int(now.timestamp()) - 1))
    assert "已过期" in await scan(who, old)
    # by verification code in chat
    other = await openid_of(second.person_id)
    assert "验证码不正确" in (await chat.say(other, "000000")).text
    assert "签到成功" in (await chat.say(other, second.code or "")).text
    # the agency's count of arrivals: the latest, in the notice still queued or sent
    arrivals = await Notification.filter(kind="draw.arrival").order_by("-id").first()
    assert arrivals is not None and arrivals.params["progress"] == "已到场 2/2"
    assert await Invitation.filter(activity_id=aid, checkin_at__not_isnull=True).count() == 2
    # outside the window the code does not work
    await DrawActivity.filter(id=aid).update(eval_end=now - timedelta(hours=3))
    late = await scan(who, scene)
    assert "签到和签退仅在" in late and "开放" in late
    # counts at any time, names only once the results unseal (30 minutes before evaluation)
    sealed = await api.call("GET", f"/draws/activities/{aid}/attendance", token)
    assert sealed.data["arrived"] == 2 and sealed.data["experts"] == []
    await DrawActivity.filter(id=aid).update(eval_start=now + timedelta(minutes=10))
    listing = await api.call("GET", f"/draws/activities/{aid}/attendance", token)
    assert len(listing.data["experts"]) == 2
    assert all(e["checkin_at"] for e in listing.data["experts"])
    # the venue code stopped working: the agency's page no longer says a late expert can
    # still check in
    assert listing.data["checkin_open"] is False
    # the agency never sees an expert's phone, not even masked
    assert "phone" not in listing.data["experts"][0]
    shown = json.dumps(listing.data, ensure_ascii=False)
    assert PHONE_LIKE.findall(shown) == [] and "****" not in shown


async def test_reminders_follow_a_changed_gathering_time(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    await make_experts(client, 4)
    aid, token = await prepared(api, demo, total=2)
    await start_draw(api, token, aid)
    item = await Invitation.filter(activity_id=aid, status=InvitationStatus.SENT).first()
    assert item is not None
    assert "已确认参加" in (await chat.say(await openid_of(item.person_id), "1")).text
    old = await gather_time(aid)
    att = attendance(client)
    assert await att.remind(old - timedelta(days=1)) == 1
    assert await att.remind(old - timedelta(days=1) + timedelta(minutes=1)) == 0  # once
    # pause, move the gathering time 3 hours later: pushed at once
    await api.call("POST", f"/draws/activities/{aid}/pause", token, {"reason": "改集合时间"})
    notice = await Notice.get(activity_id=aid)
    new = old + timedelta(hours=3)
    moved = await api.call("PUT", f"/draws/activities/{aid}/notices/{notice.id}/gathering",
                           token, {"gather_at": new.isoformat()})
    assert moved.status == 200
    changed = await Notification.get(kind="draw.gathering_changed")
    assert changed.person_id == item.person_id
    # the 2-hour reminder follows the new time
    assert await att.remind(old - timedelta(hours=2)) == 0
    assert await att.remind(new - timedelta(hours=2)) == 1
    reminders = await Notification.filter(kind="draw.reminder").order_by("id")
    assert len(reminders) == 2 and reminders[1].params["code"] == (
        await Invitation.get(id=item.id)).code


async def test_the_dashboard_against_a_known_data_set(api: Api, chat: Chat,
                                                      client: TestClient, demo: dict) -> None:
    await make_experts(client, 6)
    today_aid, token = await drawn(api, chat, demo)  # ended now
    drawing_aid, _ = await prepared(api, demo, total=2, eval_in=timedelta(days=3))
    await start_draw(api, token, drawing_aid)
    await prepared(api, demo, total=1, eval_in=timedelta(days=4), verify=False)  # not started
    # one of today's, cancelled: no evaluation, not counted
    cancelled, _ = await prepared(api, demo, total=1, eval_in=timedelta(days=5), verify=False)
    now = datetime.now(UTC)
    await DrawActivity.filter(id=today_aid).update(eval_start=now + timedelta(minutes=1),
                                                   eval_end=now + timedelta(minutes=2))
    await DrawActivity.filter(id=cancelled).update(
        status=DrawStatus.CANCELLED, eval_start=now + timedelta(minutes=1),
        eval_end=now + timedelta(minutes=2))
    first = await Invitation.filter(activity_id=today_aid,
                                    status=InvitationStatus.CONFIRMED).first()
    assert first is not None
    await Invitation.filter(id=first.id).update(checkin_at=now)
    # the other expert was registered absent (缺席登记): the evaluation waits for a 补抽
    await Invitation.filter(activity_id=today_aid, status=InvitationStatus.CONFIRMED,
                            checkin_at=None).update(status=InvitationStatus.ABSENT)
    board = await api.call("GET", "/draws/dashboard", token)
    # (1 unless the China date turns in the next minute)
    same_day = (now + timedelta(minutes=1)).astimezone(CHINA).date() == \
        now.astimezone(CHINA).date()
    expected_today = 1 if same_day else 0
    assert board.data == {"today": expected_today, "drawing": 1, "finished_today": 1,
                          "this_week": 2, "arrived_today": expected_today,
                          "not_arrived_today": expected_today, "awaiting_supplement": 1,
                          "venues": []}  # no remote evaluation: no venue listed
    assert (await DrawActivity.get(id=drawing_aid)).status == DrawStatus.DRAWING


async def test_the_venue_code_opens_two_hours_before_gathering(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    await make_experts(client, 4)
    aid, _ = await drawn(api, chat, demo)
    g = await gather_time(aid)
    item = await Invitation.filter(activity_id=aid, status=InvitationStatus.CONFIRMED).first()
    assert item is not None
    activity = await DrawActivity.get(id=aid)
    closes = activity.eval_end + timedelta(hours=2)
    att = attendance(client)
    await refused(att.checkin(aid, item.person_id, g - timedelta(hours=2, seconds=1)),
                  "签到和签退仅在")
    await refused(att.checkin(aid, item.person_id, closes + timedelta(seconds=1)), "签到和签退仅在")
    assert (await att.checkin(aid, item.person_id, g - timedelta(hours=2))).action == "in"
    # a reminder is sent in its slot, and not once the slot has passed by 30 minutes
    assert await att.remind(g - timedelta(hours=2) + timedelta(minutes=31)) == 0
    assert await att.remind(g - timedelta(hours=2) + timedelta(minutes=29)) == 2


async def test_a_sweep_finds_the_reminded_in_one_read_not_one_transaction_each(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """The sweep comes every 15 s through a reminder's 30-minute grace: once everyone has
    had it, a sweep reads which were sent in one query however many experts gather."""
    await make_experts(client, 4)
    aid, token = await prepared(api, demo, total=3)
    await start_draw(api, token, aid)
    for item in await Invitation.filter(activity_id=aid, status=InvitationStatus.SENT):
        await chat.say(await openid_of(item.person_id), "1")
    confirmed = await Invitation.filter(activity_id=aid, status=InvitationStatus.CONFIRMED
                                        ).count()
    assert confirmed >= 2
    due = await gather_time(aid) - timedelta(days=1)
    att = attendance(client)
    assert await att.remind(due) == confirmed
    # the counter also sees the in-process relay sending those reminders meanwhile: the
    # fewest of three sweeps is the sweep's own
    counts = []
    for n in range(3):
        async with QueryCounter() as counted:
            assert await att.remind(due + timedelta(minutes=1 + n)) == 0  # each once
        counts.append(counted.count)
    # the coming notices, their venues' roles, the confirmed, the reminders already made:
    # the same however many gather (26 for three experts when each was looked up apart)
    assert min(counts) <= 6, counts


async def test_two_experts_arriving_at_once_are_counted_one_after_the_other(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """Two experts of one evaluation check in at the same moment (and one of them twice):
    counted one after the other, the agency is told 已到场 2/2 (its notice coalesced: 1/2
    superseded), not 1/2 twice."""
    await make_experts(client, 4)
    aid, _ = await drawn(api, chat, demo)
    g = await gather_time(aid)
    first, second = await Invitation.filter(activity_id=aid,
                                            status=InvitationStatus.CONFIRMED).order_by("id")
    att = attendance(client)
    done = await asyncio.gather(att.checkin(aid, first.person_id, g),
                                att.checkin(aid, second.person_id, g),
                                att.checkin(aid, second.person_id, g))
    assert sorted(r.action for r in done) == ["again", "in", "in"]
    told = await Notification.filter(kind="draw.arrival").order_by("id")
    assert [n.params["progress"] for n in told] == ["已到场 2/2"] * 2
    assert len({n.person_id for n in told}) == 2  # each of the agency's people
