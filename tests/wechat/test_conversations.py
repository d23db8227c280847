"""Conversations as people have them: no flow's input changes another flow's
state, whatever the words; several open invitations are answered in chat; every role's
common questions get an answer that says what to do next, never the generic fallback; the
fallback suggests the commands closest to what was sent, among the sender's own (beside the
智能客服's closest entries and 人工客服 when the knowledge base is not sure)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from aiohttp.test_utils import TestClient

from bot.conversation.store import forget_identity
from handlers.commands import AUDIENCES
from handlers.fallback import HANDLERS, synonyms
from handlers.routing import routers
from models.draws import Invitation, InvitationStatus
from models.money.payments import PayOrder
from models.wechat import Channel, WeChatIdentity
from services.common.redis_keys import RedisKeys
from services.demo_codes import demo_id
from services.draws.answering.answers import CHOICES
from tests.support.api import Api
from tests.support.draw_world import make_experts, openid_of, prepared, start_draw
from tests.support.helpers import redis_of
from tests.support.wechat import Chat

KEYS = RedisKeys("t:")
A_VALID_ID = demo_id("110105", date(1980, 1, 1), 7, True)  # on record or not: same reply
# How to reach each declared state (bound?, what to send). The draw reply's own states give
# the digits their own meaning there (a number in the list, a reason): tested further down.
ENTRIES = {
    "bind:ask_id": (False, ["绑定"]),
    "bind:ask_code": (False, ["绑定", A_VALID_ID]),
    "unbind:confirm": (True, ["解绑"]),
    "feedback:choose_category": (True, ["反馈"]),
    "feedback:write_content": (True, ["反馈", "1"]),
}
OWN_STATES = {"draw_reply:ask_reason", "draw_reply:pick"}
ANSWERS = [*CHOICES, "1，出差", "2 在外地", "３。"]


def test_every_declared_state_is_in_the_matrix() -> None:
    declared = {key for r in routers() for f in r.flows for key in f.states}
    assert set(ENTRIES) | OWN_STATES == declared


async def _set_bound(client: TestClient, openid: str, person_id: int | None) -> None:
    await WeChatIdentity.filter(openid=openid).update(person_id=person_id)
    await forget_identity(redis_of(client.app), KEYS, openid)


@pytest.mark.parametrize("state", sorted(ENTRIES))
async def test_no_answer_word_escapes_the_flow_the_expert_is_in(
        state: str, api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """An expert with an open invitation, inside another flow, sends every answer word:
    the flow takes each one, the invitation stays open, the conversation stays there."""
    await make_experts(client, 1, specialty="A0403")
    aid, token = await prepared(api, demo, total=1, specialty="A0403")
    assert (await start_draw(api, token, aid)).status == 200
    item = await Invitation.get(activity_id=aid, status=InvitationStatus.SENT)
    openid = await openid_of(item.person_id)
    bound, path = ENTRIES[state]
    if not bound:
        await _set_bound(client, openid, None)
    for said in path:
        await chat.say(openid, said)
    redis, key = redis_of(client.app), KEYS.conversation(openid, None)[2]
    entered = await redis.get(key)
    assert entered is not None and f'"s":"{state}"' in entered
    flow = state.split(":")[0]
    for word in ANSWERS:
        await redis.set(key, entered)
        await _set_bound(client, openid, item.person_id if bound else None)
        answer = await chat.say(openid, word)
        after = await redis.get(key)
        assert (await Invitation.get(id=item.id)).status == InvitationStatus.SENT, word
        assert after is None or f'"s":"{flow}:' in after, (word, after)
        assert "已确认参加" not in answer.text and "没有找到" not in answer.text, word


async def _two_open(api: Api, client: TestClient, demo: dict) -> tuple[str, list[Invitation]]:
    """One expert in a pool of one, drawn by two activities (two agencies at once)."""
    await make_experts(client, 1, specialty="A0403")  # nobody else has A0403
    first, first_token = await prepared(api, demo, total=1, specialty="A0403")
    second, second_token = await prepared(api, demo, total=1, eval_in=timedelta(days=5),
                                          specialty="A0403")
    await start_draw(api, first_token, first)
    await start_draw(api, second_token, second)
    items = await Invitation.filter(status=InvitationStatus.SENT).order_by("sent_at", "id")
    assert [i.activity_id for i in items] == [first, second]
    return await openid_of(items[0].person_id), items


async def status_of(item: Invitation) -> InvitationStatus:
    return InvitationStatus((await Invitation.get(id=item.id)).status)


async def test_several_open_invitations_are_answered_one_by_one_in_chat(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    openid, (first, second) = await _two_open(api, client, demo)
    asked = await chat.say(openid, "参加")
    assert "您有 2 个评标邀请待回复" in asked.text and "1. 集合时间" in asked.text
    assert "2. 集合时间" in asked.text and "广州公共资源交易中心" in asked.text
    assert "教学楼" not in asked.text  # time and place, never the project (GD-DRAW)
    wrong = await chat.say(openid, "3")
    assert "没有第 3 个邀请" in wrong.text
    assert await status_of(first) == await status_of(second) == InvitationStatus.SENT
    picked = await chat.say(openid, "第2个")
    assert "已确认参加" in picked.text and "验证码" in picked.text
    assert "您还有 1 个评标邀请待回复" in picked.text and "回复 1 参加" in picked.text
    assert await status_of(second) == InvitationStatus.CONFIRMED
    declined = await chat.say(openid, "不参加，出差")  # one left: answered directly
    assert "原因已记录" in declined.text
    assert await status_of(first) == InvitationStatus.DECLINED
    assert (await Invitation.get(id=first.id)).reason == "出差"


async def test_one_answer_for_all_then_one_reason_for_all(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    openid, items = await _two_open(api, client, demo)
    await chat.say(openid, "需回避")
    both = await chat.say(openid, "全部")
    assert both.text.count("请简要说明原因") == 2
    assert [await status_of(i) for i in items] == [InvitationStatus.AVOIDED] * 2
    done = await chat.say(openid, "与投标人有利害关系")
    assert "原因已记录" in done.text and "还有" not in done.text
    assert {(await Invitation.get(id=i.id)).reason for i in items} == {"与投标人有利害关系"}


async def test_choosing_which_invitation_is_a_flow_of_its_own(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """While choosing, 取消 leaves without answering, anything else asks again."""
    openid, items = await _two_open(api, client, demo)
    await chat.say(openid, "1")
    again = await chat.say(openid, "我再想想")
    assert "请回复序号" in again.text and "评标邀请回复" in again.text
    assert "已取消" in (await chat.say(openid, "取消")).text
    assert [await status_of(i) for i in items] == [InvitationStatus.SENT] * 2


def test_every_command_is_one_its_handler_answers_to() -> None:
    commands = {c for cs in AUDIENCES.values() for c in cs}
    assert commands == set(HANDLERS)
    for command, words in synonyms().items():
        assert command in words, command


# (who, what they send, what the answer must say): every former dead end, for each role
QUESTIONS = [
    ("visitor", "我要报名", "申请步骤"),
    ("visitor", "怎么申请", "正在接受申请的批次"),
    ("visitor", "1", "还没有绑定专家身份"),
    ("visitor", "考试成绩", "回复「绑定」"),
    ("applicant", "我想报名入库", "专家申报"),
    ("applicant", "考试成绩", "还没有考试或继续教育记录"),
    ("applicant", "缴费记录", "还没有缴费记录"),
    ("applicant", "发票", "还没有缴费记录"),
    ("applicant", "审核进度", "市州行业部门预审"),
    ("expert", "我的邀请", "评标"),
    ("expert", "我要请假", "无需请假"),
    ("expert", "考试成绩", "继续教育"),
    ("expert", "待审核", "您的账户没有这个身份"),
    ("handler", "抽取进度", "抽取"),
    ("handler", "到场情况", "抽取"),
    ("reviewer", "待审核", "待审核的申请 1 份"),
    ("reviewer", "待办", "【审核】待审核的申请 1 份"),
    ("verifier", "待核验", "目前没有等待核验的抽取请求"),
    ("admin", "待办", "【意见反馈】"),
    ("admin", "待核验", "您的账户没有这个身份"),
]


@pytest.mark.parametrize(("who", "said", "expected"), QUESTIONS)
async def test_common_questions_have_answers(chat: Chat, demo: dict, who: str, said: str,
                                             expected: str) -> None:
    openid = "o_demo_visitor" if who == "visitor" else demo[who].openid
    answer = await chat.say(openid, said)
    assert expected in answer.text and "没有找到" not in answer.text, answer.text
    assert await PayOrder.all().count() == 0  # a question about payments orders nothing


async def test_a_verifier_is_told_what_waits(api: Api, chat: Chat, client: TestClient,
                                             demo: dict) -> None:
    await make_experts(client, 1)
    await prepared(api, demo, total=1, verify=False)
    answer = await chat.say(demo["verifier"].openid, "待核验")
    assert "待核验的请求 1 项" in answer.text and "抽取申请：1 项" in answer.text
    # a text link WeChat opens in the mini-program's page for it
    assert 'data-miniprogram-path="pages/verify/index">打开小程序「交易中心核验」</a>' \
        in answer.text


# (who, a slip or a near miss, a command it must suggest, one it must not)
NEAR_MISSES = [
    ("applicant", "考式", "考试", "待审核"),
    ("handler", "进展情况", "到场情况", "考试"),
    ("reviewer", "审批一下", "待审核", "我的邀请"),
    ("visitor", "审批一下", "绑定", "待审核"),
    ("expert", "今天天气怎么样", "我的邀请", "待核验"),
]


@pytest.mark.parametrize(("who", "said", "suggested", "not_suggested"), NEAR_MISSES)
async def test_the_fallback_suggests_the_senders_own_closest_commands(
        chat: Chat, demo: dict, who: str, said: str, suggested: str,
        not_suggested: str) -> None:
    openid = "o_demo_visitor" if who == "visitor" else demo[who].openid
    answer = await chat.say(openid, said)
    # not a question the 智能客服 is sure of: the commands offered beside 人工客服
    assert "也可以直接办理" in answer.text and f"「{suggested}」" in answer.text, answer.text
    assert f"「{not_suggested}」" not in answer.text and "人工客服" in answer.text


async def test_an_sms_invited_expert_who_follows_later_is_told_how_to_answer(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """Invited while not following (so by SMS), the expert follows and answers 1 without
    having bound: told how to bind, and the invitation waits."""
    await make_experts(client, 1, specialty="A0403")
    aid, token = await prepared(api, demo, total=1, specialty="A0403")
    await WeChatIdentity.filter(channel=Channel.OFFICIAL_ACCOUNT).filter(
        openid__startswith="o_ex_").update(subscribed=False, person_id=None)
    await start_draw(api, token, aid)
    item = await Invitation.get(activity_id=aid)
    await chat.event("o_ex_1000", "subscribe")
    answer = await chat.say("o_ex_1000", "1")
    assert "绑定" in answer.text and "没有找到" not in answer.text
    assert await status_of(item) == InvitationStatus.SENT
