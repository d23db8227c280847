"""Binding in chat: ID number -> SMS code -> bound; every refusal; the brute-force lock; no
reply reveals whether an ID number exists; 解绑; 我的信息; binding by scanning a ticket."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from config.keys import RUNTIME
from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from services.demo import DemoPerson
from services.identity_rules import check_digit
from services.scenes import BindScene
from tests.helpers import Api, Chat

UNKNOWN_ID = "44010619991212001" + check_digit("44010619991212001")  # valid, unknown


def _code(platform: Platform, phone: str) -> str:
    texts = platform.sms_to(phone)
    assert texts, f"no SMS to {phone}"
    found = re.search(r"验证码(\d{6})", texts[-1])
    assert found
    return found.group(1)


async def _unbind_demo(person: DemoPerson) -> None:
    await WeChatIdentity.filter(openid=person.openid).update(person_id=None)


async def test_bind_happy_path(chat: Chat, platform: Platform, demo: dict) -> None:
    expert: DemoPerson = demo["expert"]
    await _unbind_demo(expert)
    assert "18位身份证号码" in (await chat.say("o_new", "绑定")).text
    sent = await chat.say("o_new", expert.id_number)
    assert "验证码已发送到登记的手机号" in sent.text
    done = await chat.say("o_new", _code(platform, expert.phone))
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
    assert [s for s in platform.sent if s.kind == "sms"] == platform.sent[-1:]  # one SMS only
    # and the wrong-code replies are alike too
    assert (await chat.say("o_a", "000000")).text == (await chat.say("o_b", "000000")).text


async def test_malformed_id_number_is_explained_and_the_flow_waits(chat: Chat) -> None:
    await chat.say("o_c", "绑定")
    answer = await chat.say("o_c", "11010519491231002Y")
    assert "身份证号码" in answer.text and "重新回复" in answer.text
    digits = "1101051949123100"
    answer = await chat.say("o_c", digits + "2" + check_digit(digits + "2"))
    assert "验证码已发送" in answer.text


async def test_five_wrong_codes_lock_the_openid_and_the_person(
        chat: Chat, platform: Platform, demo: dict) -> None:
    expert: DemoPerson = demo["expert"]
    await chat.say("o_attacker", "绑定")
    await chat.say("o_attacker", expert.id_number)
    replies = [(await chat.say("o_attacker", f"{n:06d}")).text for n in range(5)]
    assert "还可以再试 4 次" in replies[0] and "还可以再试 1 次" in replies[3]
    assert "已锁定30分钟" in replies[4]
    # the same openid cannot start again
    again = await chat.say("o_attacker", "绑定")
    assert "18位身份证号码" in again.text
    assert "已锁定30分钟" in (await chat.say("o_attacker", expert.id_number)).text
    # another openid cannot work on that person either, and learns nothing new
    await chat.say("o_second", "绑定")
    assert "已锁定30分钟" in (await chat.say("o_second", expert.id_number)).text
    # the real owner's code, sent before the lock, no longer binds anything
    assert await WeChatIdentity.filter(person_id__not_isnull=True, openid__in=[
        "o_attacker", "o_second"]).count() == 0


async def test_expired_code(client: TestClient, chat: Chat, platform: Platform,
                            demo: dict) -> None:
    expert: DemoPerson = demo["expert"]
    await chat.say("o_slowpoke", "绑定")
    await chat.say("o_slowpoke", expert.id_number)
    code = _code(platform, expert.phone)
    redis = client.app[RUNTIME].redis
    await redis.delete("t:code:bind:oa:o_slowpoke")  # five minutes passed
    answer = await chat.say("o_slowpoke", code)
    assert "已过期" in answer.text and "回复「绑定」" in answer.text


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
    answer = await chat.say("o_other", _code(platform, applicant.phone))
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
    done = await chat.say("o_expert_new_phone", _code(platform, expert.phone))
    assert "绑定成功" in done.text


async def test_scan_a_ticket_to_bind(client: TestClient, chat: Chat, api: Api,
                                     platform: Platform, demo: dict) -> None:
    applicant: DemoPerson = demo["applicant"]
    await WeChatIdentity.filter(openid=applicant.openid).update(person_id=None)
    token = await api.login(applicant.mp_openid)
    ticket = await api.call("POST", "/auth/bind-ticket", token)
    assert ticket.status == 200 and "showqrcode?ticket=" in ticket.data["qr_url"]
    qr_ticket = ticket.data["qr_url"].split("ticket=")[1]
    scene = platform.qr_tickets[qr_ticket][0]
    assert isinstance(client.app[RUNTIME].scenes.decode(scene), BindScene)
    answer = await chat.event("o_scanner", "subscribe", f"qrscene_{scene}")
    assert "欢迎关注" in answer.text and "扫码绑定成功" in answer.text
    # the ticket is single-use
    again = await chat.event("o_scanner2", "SCAN", scene)
    assert "已使用或已过期" in again.text
    assert (await WeChatIdentity.get(openid="o_scanner2")).person_id is None


async def test_forged_ticket_scene(chat: Chat) -> None:
    answer = await chat.event("o_forger", "SCAN", "bind:sometickettt:AAAAAAAAAAAA")
    assert "二维码无效或已过期" in answer.text
