"""An on-site evaluation (进场项目) with experts who have no WeChat, as every register import
makes them: drawn and confirmed by SMS or the invitation's link, told how to check in by the
confirmation and by the urges, each arrives and leaves one way (the code replied by SMS, 签到
/ 签退 on the link's page, the staff desk), the venue's rules hold on every way, and the
evaluation ends when the last one has left: its fees open then, not at the expected end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from config.clients import sms_callback_token
from config.settings import Settings
from models import column
from models.draws import DrawActivity, Invitation, InvitationStatus, Notice
from models.experts import ExpertProfile
from models.notifications import Notification
from models.people import Person
from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from tests.support.api import Api
from tests.support.draw_world import make_experts, prepared, start_draw
from tests.support.helpers import eventually
from tests.support.settings import make_settings
from tests.support.sms import FORM_TOKEN, opened
from web.context import DOMAIN


@pytest.fixture
def settings(infra: dict[str, str], wechat: TestServer) -> Settings:
    """In sandbox mode: the sandbox's SMS reply callback takes the phone's replies (its
    secret derived from SECRET_KEY), and the SMS say our own words."""
    return make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                         WECHAT_SANDBOX=True)


async def _sms(client: TestClient, settings: Settings, phone: str, text: str,
               ago: int = 0) -> None:
    """The expert replies to our SMS (上行), pushed as Tencent Cloud pushes one; `ago`: sent
    that many seconds ago (the same words twice in one second are the provider's retry)."""
    answer = await client.post(f"/sms/tencent/reply?token={sms_callback_token(settings)}",
                               json={"extend": "", "mobile": phone, "nationcode": "86",
                                     "sign": "评标专家库", "text": text,
                                     "time": int(datetime.now(UTC).timestamp()) - ago})
    assert answer.status == 200, await answer.text()


async def _latest(platform: Platform, phone: str, words: str) -> str:
    """The latest SMS to `phone` with these words (waiting for the relay)."""
    await eventually(lambda: any(words in t for t in platform.sms_to(phone)), timeout=15)
    return next(t for t in reversed(platform.sms_to(phone)) if words in t)


async def _press(client: TestClient, link: str, button: str) -> str:
    """签到 / 签退 on the link's page, as the phone's browser does."""
    html, token = await opened(client, link)
    assert f'data-testid="{button}"' in html, html
    answer = await client.post(link, data={"checkin": "1", "_csrf": token})
    assert answer.status == 200
    return await answer.text()


async def _ten_minutes_ago(item: Invitation) -> None:
    """The expert checked in 11 minutes ago (a check-out comes 10 minutes after it at the
    earliest; the service reads the wall clock)."""
    at = (await Invitation.get(id=item.id)).checkin_at
    assert at is not None
    await Invitation.filter(id=item.id).update(checkin_at=at - timedelta(minutes=11))


async def test_experts_without_wechat_arrive_and_leave_and_the_evaluation_ends(
        api: Api, client: TestClient, demo: dict, platform: Platform,
        settings: Settings) -> None:
    await make_experts(client, 3)
    people = await column(ExpertProfile.all(), "person_id")
    await WeChatIdentity.filter(person_id__in=people).delete()  # as imported: no WeChat
    aid, agency = await prepared(api, demo, total=2, on_site=True, response_minutes=30)
    assert (await start_draw(api, agency, aid)).status == 200
    await eventually(lambda: Invitation.filter(activity_id=aid).count(), timeout=15)
    by_sms, by_link = await Invitation.filter(activity_id=aid).order_by("id")
    phones = {p.id: p.phone for p in await Person.filter(id__in=people)}
    sms_phone = phones[by_sms.person_id]
    # 1. the one answers by SMS: the confirmation says how to check in without WeChat
    await _sms(client, settings, sms_phone, "1")
    confirmed = await _latest(platform, sms_phone, "已确认参加")
    by_sms = await Invitation.get(id=by_sms.id)
    assert by_sms.code and f"回复本短信验证码{by_sms.code}即可签到" in confirmed
    assert "/a/" in confirmed and "小程序" not in confirmed
    # the other by the link in the invitation SMS, which is also where he checks in
    invitation_sms = await _latest(platform, phones[by_link.person_id], "/a/")
    link = "/a/" + invitation_sms.split("/a/", 1)[1].split(" ", 1)[0].rstrip("。")
    _, token = await opened(client, link)
    answered = await client.post(link, data={"choice": "1", "_csrf": token})
    assert "已确认参加" in await answered.text()
    # the gathering was five minutes ago: nobody has arrived
    now = datetime.now(UTC)
    await DrawActivity.filter(id=aid).update(eval_start=now + timedelta(minutes=25),
                                             eval_end=now + timedelta(hours=5))
    await Notice.filter(activity_id=aid).update(gather_at=now - timedelta(minutes=5))
    # 2. the urges say how, by SMS: the code to reply, the link to open
    await client.app[DOMAIN].draws.venue.attendance.sweep(now)
    urged = await _latest(platform, sms_phone, "您尚未签到")
    assert f"回复本短信验证码{by_sms.code}即可签到" in urged and "/a/" in urged
    # 3. arrivals: the code replied by SMS; 签到 on the link's page
    await _sms(client, settings, sms_phone, f"签到 {by_sms.code}", ago=3)  # the word may lead
    assert "签到成功" in await _latest(platform, sms_phone, "签到成功")
    page = await _press(client, link, "checkin-button")
    assert "签到成功" in page and "当前已到场 2/2 人" in page
    # a second reply within 10 minutes is a repeat, not a departure
    await _sms(client, settings, sms_phone, f"签到：{by_sms.code}", ago=2)
    assert "无需重复签到" in await _latest(platform, sms_phone, "无需重复签到")
    assert (await Invitation.get(id=by_sms.id)).checkout_at is None
    # 4. departures: not before the evaluation has begun, however long since the check-in
    for item in (by_sms, by_link):
        await _ten_minutes_ago(item)
    await _sms(client, settings, sms_phone, by_sms.code, ago=1)
    assert "评标尚未开始" in await _latest(platform, sms_phone, "评标尚未开始")
    desk = await api.login(demo["verifier"].mp_openid)
    by_link = await Invitation.get(id=by_link.id)
    early = await api.call("POST", f"/venues/activities/{aid}/identity-check", desk,
                           {"verification_code": by_link.code, "checkout": True})
    assert early.status == 409 and "评标尚未开始" in early.message, early.data
    assert (await Invitation.get(id=by_sms.id)).checkout_at is None
    # begun: the code again by SMS; the staff desk for the other
    await DrawActivity.filter(id=aid).update(eval_start=now - timedelta(minutes=1))
    await _sms(client, settings, sms_phone, by_sms.code)
    assert "签退成功" in await _latest(platform, sms_phone, "签退成功")
    assert (await DrawActivity.get(id=aid)).finished_at is None  # one is still there
    fees = await api.call("GET", f"/draws/activities/{aid}/fees", agency)
    assert fees.status == 400 and "全部专家离场后" in fees.message  # one is in the room
    left = await api.call("POST", f"/venues/activities/{aid}/identity-check", desk,
                          {"verification_code": by_link.code, "checkout": True})
    assert left.status == 200 and left.data["checked_out"], left.data
    # everyone has left: the evaluation is over and its fees open, long before its end
    assert (await DrawActivity.get(id=aid)).finished_at is not None
    assert (await api.call("GET", f"/draws/activities/{aid}/fees", agency)).status == 200
    # the link's page says so, and offers nothing more
    final, _ = await opened(client, link)
    assert "签退" in final and 'data-testid="checkout"' not in final
    assert FORM_TOKEN.search(final) is None or 'name="checkin"' not in final
    assert all(i.status == InvitationStatus.CONFIRMED
               for i in await Invitation.filter(activity_id=aid))
    # every notice reached them by SMS: the administrator has no failure to look at, though
    # WeChat could reach nobody
    assert await Notification.filter(status="failed", covered=True).exists()
    admin = await api.login(demo["admin"].mp_openid)
    stuck = await api.call("GET", "/admin/notifications", admin)
    assert stuck.data["notifications"] == []
