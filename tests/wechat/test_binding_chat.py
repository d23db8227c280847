"""Binding in chat: ID number -> SMS code -> bound; every refusal; the brute-force lock; no
reply reveals whether an ID number exists; 解绑; 我的信息; binding by scanning a ticket."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from models.people import Person, phone_is
from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from services.common.scenes import BindScene
from services.demo import DemoPerson
from services.people.identity_rules import IdentityRules
from tests.support.api import Api
from tests.support.clock import MovedClock
from tests.support.helpers import eventually, redis_of
from tests.support.sign_in import LOCKED, sms_code, wrong_codes
from tests.support.wechat import Chat
from web.context import DOMAIN

# valid, unknown
UNKNOWN_ID = "44010619991212001" + IdentityRules.id_check_character("44010619991212001")


async def _code(platform: Platform, phone: str) -> str:
    """The code in the latest SMS to `phone`, once one has arrived."""
    return await sms_code(platform, phone, nth=max(1, len(platform.sms_to(phone))))


async def _unbind_demo(person: DemoPerson) -> None:
    await WeChatIdentity.filter(openid=person.openid).update(person_id=None)


async def test_bind_happy_path(chat: Chat, platform: Platform, demo: dict) -> None:
    expert: DemoPerson = demo["expert"]
    await _unbind_demo(expert)
    assert "18位身份证号码" in (await chat.say("o_new", "绑定")).text
    sent = await chat.say("o_new", expert.id_number)
    assert "验证码已发送到登记的手机号" in sent.text
    done = await chat.say("o_new", await _code(platform, expert.phone))
    assert "绑定成功" in done.text and "李建国" in done.text
    assert "138****0002" in done.text and "评标专家" in done.text
    identity = await WeChatIdentity.get(openid="o_new")
    assert identity.person_id is not None
    me = await chat.say("o_new", "我的信息")
    assert "身份证号：" in me.text and expert.id_number[:6] + "********" in me.text
    assert "专家编号：GD-ZJ-000001" in me.text


async def test_an_unknown_id_number_gets_the_same_reply_and_no_sms(
        chat: Chat, platform: Platform, demo: dict) -> None:
    await chat.say("o_a", "绑定")
    known = await chat.say("o_a", demo["expert"].id_number)
    await chat.say("o_b", "绑定")
    unknown = await chat.say("o_b", UNKNOWN_ID)
    assert known.text == unknown.text
    # the known number's code arrives (in the background); the unknown one gets none
    await eventually(lambda: platform.sms_to(demo["expert"].phone))
    # and the wrong-code replies are alike too
    assert (await chat.say("o_a", "000000")).text == (await chat.say("o_b", "000000")).text
    assert [s.openid for s in platform.sent if s.kind == "sms"] == [demo["expert"].phone]


async def test_malformed_id_number_is_explained_and_the_flow_waits(chat: Chat) -> None:
    await chat.say("o_c", "绑定")
    answer = await chat.say("o_c", "11010519491231002Y")
    assert "身份证号码" in answer.text and "重新回复" in answer.text
    digits = "1101051949123100"
    answer = await chat.say("o_c", digits + "2" + IdentityRules.id_check_character(digits + "2"))
    assert "验证码已发送" in answer.text


async def test_five_wrong_codes_lock_the_openid_not_the_owner(
        client: TestClient, chat: Chat, platform: Platform, demo: dict,
        clock: MovedClock) -> None:
    expert: DemoPerson = demo["expert"]
    await WeChatIdentity.filter(openid=expert.openid).update(person_id=None)
    # the real owner asks for a code first
    await chat.say("o_owner", "绑定")
    await chat.say("o_owner", expert.id_number)
    owners_code = await sms_code(platform, expert.phone)
    # then someone else tries to guess theirs (a minute later: one code a minute a number)
    clock.advance(61)
    await chat.say("o_attacker", "绑定")
    await chat.say("o_attacker", expert.id_number)
    attackers_code = await sms_code(platform, expert.phone, nth=2)
    replies = [(await chat.say("o_attacker", g)).text
               for g in wrong_codes(attackers_code, 5)]
    assert "还可以再试 4 次" in replies[0] and "还可以再试 1 次" in replies[3]
    assert LOCKED in replies[4]
    redis = redis_of(client.app)
    assert 1790 < await redis.ttl("t:code:lock:oa:o_attacker") <= 1800
    person = await Person.get(phone_is(expert.phone))
    assert await redis.get(f"t:code:lock:p:{person.id}") is None  # the owner is not locked
    # the same openid cannot start again
    again = await chat.say("o_attacker", "绑定")
    assert "18位身份证号码" in again.text
    assert LOCKED in (await chat.say("o_attacker", expert.id_number)).text
    assert len(platform.sms_to(expert.phone)) == 2  # and no code went out while locked
    # the real owner's code, sent before, still binds
    done = await chat.say("o_owner", owners_code)
    assert "绑定成功" in done.text
    assert await WeChatIdentity.filter(person_id=person.id, openid="o_owner").exists()
    # thirty minutes later the attacker's openid may try again (and starts from five)
    clock.advance(1801)
    await chat.say("o_attacker", "绑定")
    assert "验证码已发送" in (await chat.say("o_attacker", expert.id_number)).text


async def test_a_code_lives_five_minutes(client: TestClient, chat: Chat, platform: Platform,
                                         demo: dict, clock: MovedClock) -> None:
    expert: DemoPerson = demo["expert"]
    await WeChatIdentity.filter(openid=expert.openid).update(person_id=None)
    await chat.say("o_slowpoke", "绑定")
    await chat.say("o_slowpoke", expert.id_number)
    code = await sms_code(platform, expert.phone)
    redis = redis_of(client.app)
    assert 290 < await redis.ttl("t:code:bind:oa:o_slowpoke") <= 300  # no longer kept
    clock.advance(301)
    answer = await chat.say("o_slowpoke", code)
    assert "已过期" in answer.text and "回复「绑定」" in answer.text
    assert (await WeChatIdentity.get(openid="o_slowpoke")).person_id is None
    # a new code still works at 4 minutes 59 seconds
    await chat.say("o_slowpoke", "绑定")
    await chat.say("o_slowpoke", expert.id_number)
    code = await sms_code(platform, expert.phone, nth=2)
    clock.advance(299)
    assert "绑定成功" in (await chat.say("o_slowpoke", code)).text


async def test_resend_is_throttled(chat: Chat, demo: dict) -> None:
    await chat.say("o_hasty", "绑定")
    await chat.say("o_hasty", demo["expert"].id_number)
    assert "再回复一次" in (await chat.say("o_hasty", "重新发送")).text
    assert "秒后再重新获取" in (await chat.say("o_hasty", demo["expert"].id_number)).text


async def test_one_openid_one_person(chat: Chat, platform: Platform, demo: dict) -> None:
    applicant: DemoPerson = demo["applicant"]
    # o_demo_expert is bound already: it must unbind first
    assert "您已绑定账户" in (await chat.say("o_demo_expert", "绑定")).text
    # the applicant's person is bound to o_demo_applicant: another openid cannot take it
    await chat.say("o_other", "绑定")
    await chat.say("o_other", applicant.id_number)
    answer = await chat.say("o_other", await _code(platform, applicant.phone))
    assert "已绑定其他微信号" in answer.text
    assert (await WeChatIdentity.get(openid="o_other")).person_id is None


async def test_unbind_then_rebind(chat: Chat, platform: Platform, demo: dict) -> None:
    expert: DemoPerson = demo["expert"]
    assert "确认解除" in (await chat.say(expert.openid, "解绑")).text
    assert "已保留绑定" in (await chat.say(expert.openid, "算了")).text
    await chat.say(expert.openid, "解绑")
    assert "已解除绑定" in (await chat.say(expert.openid, "1")).text
    assert "还没有绑定" in (await chat.say(expert.openid, "我的信息")).text
    await chat.say("o_expert_new_phone", "绑定")
    await chat.say("o_expert_new_phone", expert.id_number)
    done = await chat.say("o_expert_new_phone", await _code(platform, expert.phone))
    assert "绑定成功" in done.text


async def _ticket_scene(client: TestClient, api: Api, platform: Platform,
                        person: DemoPerson) -> str:
    token = await api.login(person.mp_openid)
    ticket = await api.call("POST", "/auth/bind-ticket", token)
    assert ticket.status == 200 and "showqrcode?ticket=" in ticket.data["qr_url"]
    assert ticket.data["expires_in"] == 600
    qr_ticket = ticket.data["qr_url"].split("ticket=")[1]
    scene = platform.qr_tickets[qr_ticket][0]
    assert isinstance(client.app[DOMAIN].scenes.decode(scene), BindScene)
    return scene


async def test_scan_a_ticket_to_bind(client: TestClient, chat: Chat, api: Api,
                                     platform: Platform, demo: dict) -> None:
    applicant: DemoPerson = demo["applicant"]
    await WeChatIdentity.filter(openid=applicant.openid).update(person_id=None)
    scene = await _ticket_scene(client, api, platform, applicant)
    answer = await chat.event("o_scanner", "subscribe", f"qrscene_{scene}")
    assert "欢迎关注" in answer.text and "扫码绑定成功" in answer.text
    # the ticket is single-use
    again = await chat.event("o_scanner2", "SCAN", scene)
    assert "已使用或已过期" in again.text
    assert (await WeChatIdentity.get(openid="o_scanner2")).person_id is None


async def test_a_ticket_lives_ten_minutes(client: TestClient, chat: Chat, api: Api,
                                          platform: Platform, demo: dict,
                                          clock: MovedClock) -> None:
    applicant: DemoPerson = demo["applicant"]
    await WeChatIdentity.filter(openid=applicant.openid).update(person_id=None)
    scene = await _ticket_scene(client, api, platform, applicant)
    ticket = client.app[DOMAIN].scenes.decode(scene).ticket
    assert 590 < await redis_of(client.app).ttl(f"t:bindticket:{ticket}") <= 600
    clock.advance(601)
    assert "已使用或已过期" in (await chat.event("o_late_scanner", "SCAN", scene)).text
    assert (await WeChatIdentity.get(openid="o_late_scanner")).person_id is None
    scene = await _ticket_scene(client, api, platform, applicant)
    clock.advance(599)
    assert "扫码绑定成功" in (await chat.event("o_late_scanner", "SCAN", scene)).text


async def test_forged_ticket_scene(chat: Chat) -> None:
    answer = await chat.event("o_forger", "SCAN", "bind:sometickettt:AAAAAAAAAAAA")
    assert "二维码无效或已过期" in answer.text
