"""人工客服: a person who asks for a human in chat is queued once for the centre's customer
service with the conversation so far (their questions to the 智能客服 today, masked); what they
write next is handed to the staff, not answered by the bot; the staff read it at the
客服工作台 (their role only), reply — in chat inside WeChat's 48 hours, past it by template
message — and close; the asker may end it too."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.help import HelpQuestion, SupportMessage, SupportTicket
from sandbox.platform import Platform
from tests.support.api import Api
from tests.support.helpers import eventually
from tests.support.wechat import Chat
from web.context import DOMAIN


async def test_a_person_asks_for_a_human_and_the_staff_answer_in_chat(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform) -> None:
    expert = demo["expert"]
    # the knowledge base loaded first (on a slow machine the first question's reply could
    # otherwise come late, and the next message wait behind it)
    assert (await api.call("POST", "/help/ask", json={"question": "劳务费扣税吗"})).status == 200
    # a question the 智能客服 could not settle, with a phone number in it
    await chat.say(expert.openid, "我的手机13912345678换号了收不到通知怎么处理呀")
    queued = await chat.say(expert.openid, "人工客服")
    number = re.search(r"K\d{6}", queued.text)
    assert number is not None and "已为您转接人工客服" in queued.text
    again = await chat.say(expert.openid, "转人工")
    assert "您已在等待人工客服" in again.text and number.group(0) in again.text
    assert await SupportTicket.filter(openid=expert.openid).count() == 1  # queued once
    handed = await chat.say(expert.openid, "另外我想改一下回避单位")
    assert "已转给人工客服" in handed.text and "【" not in handed.text  # not the bot's answer
    platform.interact(expert.openid)
    # the staff's desk: who asked, as which role, the conversation so far, masked
    staff = await api.login(demo["support"].mp_openid)
    waiting = await api.call("GET", "/support/tickets", staff)
    (mine,) = [t for t in waiting.data["tickets"] if t["number"] == number.group(0)]
    assert mine["state_title"] == "待回复" and "评标专家" in mine["roles"]
    assert "*" in mine["asker"] and mine["asker"] != expert.name
    told = await api.call("GET", f"/support/tickets/{mine['id']}", staff)
    said = [m["text"] for m in told.data["messages"]]
    assert any("换号了" in t for t in said) and "另外我想改一下回避单位" in said
    assert not any("13912345678" in t for t in said)  # masked
    # another desk cannot read it
    refused = await api.call("GET", "/support/tickets", await api.login(
        demo["admin"].mp_openid))
    assert refused.status == 403
    empty = await api.call("POST", f"/support/tickets/{mine['id']}/reply", staff,
                           {"text": "  "})
    assert empty.status == 400 and "不能为空" in empty.message
    replied = await api.call("POST", f"/support/tickets/{mine['id']}/reply", staff,
                             {"text": "换手机号请在小程序「我的信息」中修改，每年可改一次。"})
    assert replied.status == 200 and replied.data["state_title"] == "已回复"
    await eventually(lambda: any("每年可改一次" in str(s.payload)
                                 for s in platform.received_by(expert.openid)), timeout=10)
    assert platform.received_by(expert.openid)[-1].kind == "custom_text"
    # the asker writes again: back in the queue; then ends it themselves
    await chat.say(expert.openid, "好的，谢谢")
    assert (await SupportTicket.get(id=mine["id"])).state == "queued"
    ended = await chat.say(expert.openid, "结束客服")
    assert "已结束本次人工客服咨询" in ended.text
    after = await api.call("POST", f"/support/tickets/{mine['id']}/reply", staff,
                           {"text": "还在吗？"})
    assert after.status == 409 and "结束" in after.message
    # with the conversation over, a question goes to the 智能客服 again
    bot = await chat.say(expert.openid, "今天天气怎么样啊")
    assert "人工客服" in bot.text and "已转给人工客服" not in bot.text
    assert await SupportMessage.filter(ticket_id=mine["id"]).count() == 4
    # the expert's own copy of their data holds it; the retention job removes it in time
    copy = await api.call("GET", "/me/personal-data", await api.login(expert.mp_openid))
    (help_kind,) = [k for k in copy.data["kinds"] if k["key"] == "help"]
    assert help_kind["values"]["support"][0]["number"] == number.group(0)
    assert any("换号了" in q["question"] for q in help_kind["values"]["questions"])
    await client.app[DOMAIN].retention.run(datetime.now(UTC) + timedelta(days=3650))
    assert not await SupportTicket.filter(openid=expert.openid).exists()
    assert not await HelpQuestion.filter(openid=expert.openid).exists()


async def test_a_reply_past_wechats_48_hours_goes_as_a_template_message(
        api: Api, chat: Chat, demo: dict, platform: Platform) -> None:
    openid = "o_support_late"  # a follower who never bound an account
    queued = await chat.say(openid, "人工客服")
    assert "已为您转接人工客服" in queued.text
    user = platform.user(openid)
    user.follower = True
    user.last_interaction = platform.clock() - 49 * 3600
    staff = await api.login(demo["support"].mp_openid)
    (ticket,) = [t for t in (await api.call("GET", "/support/tickets", staff)).data["tickets"]
                 if t["asker"] == ""]
    assert ticket["roles"] == ["访客"]
    replied = await api.call("POST", f"/support/tickets/{ticket['id']}/reply", staff,
                             {"text": "请先回复「绑定」绑定账户后再查询。"})
    assert replied.status == 200
    await eventually(lambda: bool(platform.received_by(openid, "template")), timeout=10)
    closed = await api.call("POST", f"/support/tickets/{ticket['id']}/close", staff)
    assert closed.data["state_title"] == "已结束"
    # closed by the staff: what the asker writes next is the bot's again, nothing reopened
    after = await chat.say(openid, "好的谢谢你们")
    assert "已转给人工客服" not in after.text
    assert (await SupportTicket.get(id=ticket["id"])).state == "closed"
    assert (await chat.say(openid, "结束客服")).text.startswith("您当前没有进行中的人工客服咨询")
