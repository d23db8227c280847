"""A draw completed by experts who never touch WeChat. GD-DRAW: the
system draws by the conditions and calls each drawn expert, who answers on any phone. Here
three experts with no WeChat binding at all are drawn through the mini-program API as the
agency and the trading centre do; one answers by replying 1 to the invitation SMS, one by
the link in it, one by pressing 1 when the phone rings three minutes later; the draw ends
complete, and once the results unseal the agency sees how each was reached."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.providers.voice.tencent import sandbox_voice
from bot.relay.channels import CHANNELS
from config.settings import Settings
from models import column
from models.draws import DrawActivity, Invitation, InvitationStatus
from models.experts import ExpertProfile
from models.notifications import Notification
from models.people import Person
from models.wechat import WeChatIdentity
from sandbox.fake_tencent_sms import TENCENT_SMS
from sandbox.fake_tencent_vms import TENCENT_VMS, stand_in
from sandbox.platform import Platform
from services.common.texts import Texts
from services.draws.record.contacts import Contacts
from services.draws.running.calls import invitation_key
from tests.support.api import Api
from tests.support.draw_world import make_experts, prepared, start_draw
from tests.support.settings import make_settings
from tests.support.sms import APPROVED, TOKEN, sms_env, sms_fake, submitted
from web.context import DOMAIN

# the invitation SMS and the answers sent back, as approved in the console: the link's
# address is fixed in the template (Tencent Cloud refuses a URL in a variable), the variable
# holds the token; each reply is a template of its own (no template may be all variable)
SMS_TEMPLATES = {"draw.invitation": {"id": "1100010",
                                     "params": ["gather_at", "venue", "due", "link_token"]},
                 "sms.reply:confirmed": {"id": "1100011", "params": [
                     "verification_code", "gather_at", "venue", "contact"]}}
SMS_APPROVED = {"1100010": "您被抽取为评标专家，集合时间{1}，地点{2}。请于{3}前直接回复本短信："
                           "1参加、2不参加、3需回避，或打开 https://pb.example.cn/a/{4} 回复。",
                "1100011": "已确认参加，验证码{1}（签到时使用），集合时间{2}，地点{3}，"
                           "联系人{4}。"}


@pytest.fixture
def settings(infra: dict[str, str], wechat: TestServer,
             monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Tencent Cloud SMS and the sandbox's VMS stand-in, both fakes on loopback."""
    sms_env(wechat, monkeypatch, TENCENT_SMS_TEMPLATES=json.dumps(SMS_TEMPLATES))
    fake = sms_fake(wechat)
    fake.templates = {**APPROVED, **SMS_APPROVED}
    return make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                         SMS_PROVIDER="tencent", VOICE_PROVIDER="sandbox",
                         EXPERTBOT_INPROCESS_WORKER=False)  # the test drives the relay


async def test_three_experts_who_never_use_wechat_complete_a_draw(
        api: Api, client: TestClient, demo: dict, wechat: TestServer, platform: Platform,
        settings: Settings) -> None:
    vms = wechat.app[TENCENT_VMS]
    stand_in(vms, sandbox_voice(settings.secret_key, Texts(settings.texts_dir),
                                settings.api_base("")), str(client.make_url("")))
    await make_experts(client, 3)
    # no expert who could be drawn has WeChat at all (the demo's included)
    people = await column(ExpertProfile.all(), "person_id")
    await WeChatIdentity.filter(person_id__in=people).delete()
    aid, token = await prepared(api, demo, total=3, response_minutes=30)
    assert (await start_draw(api, token, aid)).status == 200
    await client.app[CHANNELS].relay.run()
    invited = await Invitation.filter(activity_id=aid).order_by("id")
    assert len(invited) == 3
    phones = {p.id: p.phone for p in await Person.filter(id__in=people)}
    by_sms, by_link, by_voice = invited
    for item in invited:  # each invitation reached them by SMS, with its link
        (text,) = platform.sms_to(phones[item.person_id])
        assert "回复" in text and "/a/" in text and "某市第一中学" not in text
    # 1. a reply to the SMS (上行), pushed by the provider to the console's reply address
    sms = wechat.app[TENCENT_SMS]
    sms.reply_url = str(client.make_url(f"/sms/tencent/reply?token={TOKEN}"))
    assert await sms.reply(phones[by_sms.person_id], "1") == 200
    # 2. the link in the SMS, opened in a phone browser
    (text,) = platform.sms_to(phones[by_link.person_id])
    assert "https://pb.example.cn/a/" in text
    link = "/a/" + text.split("/a/", 1)[1].split(" ", 1)[0]
    page = await submitted(client, link, {"choice": "1"})
    assert page.status == 200 and "已确认参加" in await page.text()
    # 3. no answer after three minutes: the phone rings, the expert presses 1
    calls = client.app[DOMAIN].draws.running.calls
    assert calls is not None
    for item in invited:  # the job of each invitation, run when due (the clock is real)
        await calls.call(item.id, 1, datetime.now(UTC))
    await client.app[CHANNELS].relay.run()
    assert not platform.calls_to(phones[by_sms.person_id])  # answered already: no call
    (ringing,) = vms.ringing(phones[by_voice.person_id])
    await vms.answer(ringing.callid, "1")
    activity = await DrawActivity.get(id=aid)
    assert activity.status == "ended"
    confirmed = await Invitation.filter(activity_id=aid, status=InvitationStatus.CONFIRMED)
    assert len(confirmed) == 3 and all(i.code for i in confirmed)
    # while sealed the agency sees how each invitation was reached, never who was drawn;
    # once unsealed (30 minutes before the evaluation) the names of those who confirmed
    during = await Contacts.contact_report(activity, datetime.now(UTC))
    assert [r.answered_via for r in during] == ["sms", "link", "voice"]
    assert all(r.name is None for r in during) and during[2].tried
    rows = await Contacts.contact_report(activity, activity.eval_start - timedelta(minutes=20))
    assert [r.answered_via for r in rows] == ["sms", "link", "voice"]
    assert all(r.name for r in rows)
    assert [a.channel for a in rows[2].tried] == ["wechat", "sms", "voice"]
    # no WeChat could reach them, but the invitation did (by SMS, by the call): no failure,
    # nothing for the administrator to resend
    assert rows[2].tried[0].status == "failed"
    wechat_row = await Notification.get(dedupe_key=invitation_key(by_voice.id))
    assert "no channel" in (wechat_row.last_error or "") and wechat_row.covered
    assert not await Notification.filter(status__in=["failed", "dead"],
                                         covered=False).exists()
    # the answers by SMS and by key went back by SMS, with the verification code
    await client.app[CHANNELS].relay.run()
    for item in confirmed:
        if item.id != by_link.id:
            assert any(item.code in t for t in platform.sms_to(phones[item.person_id]))
