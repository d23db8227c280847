"""帮助 tells each user what they can say: their own roles' commands with what each does, then
what every bound user and everyone may say; never another role's desk. An expert reads
劳务费标准 and 我的劳务费 among them; a visitor is told to bind first; an agency's legal person
reads the agency's commands; inside a flow, how to go on or leave it."""

from __future__ import annotations

from tests.support.wechat import Chat


async def test_each_user_reads_their_own_commands(chat: Chat, demo: dict) -> None:
    expert = (await chat.say(demo["expert"].openid, "帮助")).text
    assert "【评标专家】" in expert and "· 我的劳务费 —— " in expert
    assert "劳务费标准" in expert and "我的邀请" in expert and "个人信息" in expert
    assert "待审核" not in expert and "抽取进度" not in expert and "【审核人】" not in expert
    assert "绑定｜" not in expert and "【首次使用】" not in expert
    assert expert.count("缴费记录") == 1  # a command is listed once
    visitor = (await chat.say("o_help_visitor", "帮助")).text
    assert "【首次使用】绑定" in visitor and "我的邀请" not in visitor
    assert "我的劳务费" not in visitor and "劳务费标准" in visitor
    legal = (await chat.say(demo["agency_legal"].openid, "帮助")).text
    assert "【代理机构】" in legal and "· 抽取进度 —— " in legal and "我的邀请" not in legal
    reviewer = (await chat.say(demo["reviewer"].openid, "帮助")).text
    assert "· 待审核 —— " in reviewer and "待核验" not in reviewer
    # every reply fits one customer-service text message (2,048 bytes) if it goes as one
    for said in (expert, visitor, legal, reviewer):
        assert len(said.encode()) <= 2048, len(said.encode())


async def test_help_inside_a_flow_says_how_to_go_on(chat: Chat) -> None:
    await chat.say("o_help_flow", "绑定")
    inside = (await chat.say("o_help_flow", "帮助")).text
    assert "您正在办理「" in inside and "回复「取消」退出" in inside
