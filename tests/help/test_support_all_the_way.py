"""A person, all the way: while a ticket is open, everything the person writes goes to the
staff — a command's words included — and they are told so; only 结束客服 and the answer to
an open invitation are not. The staff's closing tells the person in words how to reach a
person again. The desk's and the administrator's counts of who waits, and what the
智能客服 answered before the ticket, are read over the API; the public 智能客服 is limited per
address as the 帮助中心's search is."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from models.draws import Invitation, InvitationStatus
from models.help import SupportMessage, SupportTicket
from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from services.help import SEARCHES_PER_MINUTE
from tests.support.api import Api
from tests.support.draw_world import invited_by_sms
from tests.support.helpers import eventually
from tests.support.wechat import Chat

TRAINING_FEE = "我上个月交的培训费想退，但是上面说不行，能不能帮我看看"


async def test_after_asking_for_a_person_the_next_message_reaches_the_ticket(
        api: Api, chat: Chat, demo: dict, platform: Platform) -> None:
    applicant = demo["applicant"]
    platform.interact(applicant.openid)
    # the knowledge base loaded first: the first question's reply is not late
    assert (await api.call("POST", "/help/ask", json={"question": "劳务费扣税吗"})).status == 200
    await chat.say(applicant.openid, "缴费以后发票在哪里看")  # the bot answered this one
    queued = await chat.say(applicant.openid, "人工客服")
    number = re.search(r"K\d{6}", queued.text)
    assert number is not None and "请直接把问题发过来" in queued.text
    handed = await chat.say(applicant.openid, TRAINING_FEE)
    assert "已转给人工客服" in handed.text and "缴费" in handed.text  # told: commands too
    ticket = await SupportTicket.get(openid=applicant.openid)
    said = [m.text for m in await SupportMessage.filter(ticket_id=ticket.id)]
    assert TRAINING_FEE in said
    # a command's words go to the staff as well
    for command in ("缴费", "帮助", "信用分"):
        assert "已转给人工客服" in (await chat.say(applicant.openid, command)).text
    assert await SupportMessage.filter(ticket_id=ticket.id).count() == 5
    # the staff read what the bot answered before the person asked for them
    staff = await api.login(demo["support"].mp_openid)
    told = await api.call("GET", f"/support/tickets/{ticket.id}", staff)
    (before,) = [m for m in told.data["messages"] if m["text"] == "缴费以后发票在哪里看"]
    assert before["bot_answer"] == "发票怎么开？能开单位抬头吗？发到哪里？"
    (after,) = [m for m in told.data["messages"] if m["text"] == TRAINING_FEE]
    assert after["bot_answer"] is None
    # the desk's and the administrator's homes count who waits, and the longest wait
    waiting = await api.call("GET", "/support/waiting", staff)
    assert waiting.data["waiting"] == 1 and waiting.data["oldest_minutes"] == 0
    admin = await api.call("GET", "/support/waiting", await api.login(demo["admin"].mp_openid))
    assert admin.status == 200 and admin.data["waiting"] == 1
    refused = await api.call("GET", "/support/waiting", await api.login(
        demo["expert"].mp_openid))
    assert refused.status == 403
    # the staff close it: the person is told, in words, how to reach a person again
    platform.interact(applicant.openid)
    closed = await api.call("POST", f"/support/tickets/{ticket.id}/close", staff)
    assert closed.data["state_title"] == "已结束"
    await eventually(lambda: any("人工客服已结束" in str(s.payload)
                                 for s in platform.received_by(applicant.openid)), timeout=10)
    notice = next(str(s.payload) for s in platform.received_by(applicant.openid)
                  if "人工客服已结束" in str(s.payload))
    assert number.group(0) in notice and "请发送“人工客服”" in notice
    assert (await api.call("GET", "/support/waiting", staff)).data["waiting"] == 0
    # the next message is the bot's again
    assert "已转给人工客服" not in (await chat.say(applicant.openid, "帮助")).text


async def test_an_answer_to_an_open_invitation_is_not_handed_to_the_staff(
        chat: Chat, demo: dict, platform: Platform) -> None:
    expert = demo["expert"]
    platform.interact(expert.openid)
    person_id = (await WeChatIdentity.get(openid=expert.openid)).person_id
    assert person_id is not None
    invitation = await invited_by_sms(person_id, datetime.now(UTC))
    assert "已为您转接人工客服" in (await chat.say(expert.openid, "人工客服")).text
    handed = await chat.say(expert.openid, "请问评标地点附近能停车吗")
    assert "已转给人工客服" in handed.text
    answer = await chat.say(expert.openid, "1")
    assert "已转给人工客服" not in answer.text
    assert (await Invitation.get(id=invitation.id)).status == InvitationStatus.CONFIRMED
    # with no invitation open, a digit is the staff's like anything else
    assert "已转给人工客服" in (await chat.say(expert.openid, "1")).text
    ended = await chat.say(expert.openid, "结束客服")
    assert "已结束本次人工客服咨询" in ended.text


async def test_the_public_smart_service_is_limited_per_address(api: Api) -> None:
    for _ in range(SEARCHES_PER_MINUTE):
        assert (await api.call("POST", "/help/ask", json={"question": "劳务费扣税吗"})
                ).status == 200
    busy = await api.call("POST", "/help/ask", json={"question": "劳务费扣税吗"})
    assert busy.status == 429 and "一分钟后再试" in busy.message
