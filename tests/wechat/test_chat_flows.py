"""A flow owns its input: an expert with an open invitation who is in the middle of another
flow (feedback, unbinding, the invitation's own reason) is answered by that flow, and the
invitation is left as it was; outside flows, the words people use answer the invitation
(GD-DRAW: 1 参加 / 2 不参加 / 3 需回避), and an expert who never bound is told how to."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient

from models.draws import Invitation, InvitationStatus
from models.wechat import Feedback
from sandbox.platform import Platform
from services.draws.answering.answers import CHOICES
from tests.support.api import Api
from tests.support.draw_world import make_experts, openid_of, prepared, start_draw
from tests.support.helpers import eventually
from tests.support.wechat import Chat


async def invited(api: Api, client: TestClient, demo: dict) -> tuple[Invitation, str]:
    """An expert with one open invitation (a draw of 1 over a pool of 2)."""
    await make_experts(client, 2)
    aid, token = await prepared(api, demo, total=1)
    assert (await start_draw(api, token, aid)).status == 200
    item = await Invitation.get(activity_id=aid, status=InvitationStatus.SENT)
    return item, await openid_of(item.person_id)


async def still_open(item: Invitation) -> bool:
    return (await Invitation.get(id=item.id)).status == InvitationStatus.SENT


async def test_feedback_keeps_its_category_and_the_invitation_stays_open(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    item, openid = await invited(api, client, demo)
    assert "1" in (await chat.say(openid, "反馈")).text
    answer = await chat.say(openid, "2，手机上看不清")
    assert "功能建议" in answer.text and await still_open(item)
    # writing: a digit or a word is the feedback's text, not an answer to the invitation
    assert "至少" in (await chat.say(openid, "参加")).text and await still_open(item)
    done = await chat.say(openid, "3 手机上的字太小了，希望能调大")
    assert "F0" in done.text and await still_open(item)
    saved = await Feedback.all().order_by("-id").first()
    assert saved is not None and saved.category == "功能建议"


@pytest.mark.parametrize("said", ["1", "2", "参加", "不参加", "回避"])
async def test_a_choice_outside_the_category_is_asked_again(
        api: Api, chat: Chat, client: TestClient, demo: dict, said: str) -> None:
    item, openid = await invited(api, client, demo)
    await chat.say(openid, "反馈")
    answer = await chat.say(openid, f"{said}号")  # neither a category nor left to others
    assert "1" in answer.text and await still_open(item)


async def test_unbinding_confirmation_owns_its_digits(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    item, openid = await invited(api, client, demo)
    await chat.say(openid, "解绑")
    kept = await chat.say(openid, "2")  # not "2 不参加": the unbinding is not confirmed
    assert "已保留绑定" in kept.text
    assert await still_open(item)
    # outside any flow the same digit answers the invitation
    declined = await chat.say(openid, "2，出差")
    assert (await Invitation.get(id=item.id)).status == InvitationStatus.DECLINED
    assert declined.text


async def test_the_reason_asked_for_is_the_next_text_whatever_it_is(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    item, openid = await invited(api, client, demo)
    await chat.say(openid, "不参加")
    assert (await Invitation.get(id=item.id)).status == InvitationStatus.DECLINED
    await chat.say(openid, "1")  # the reason, not an acceptance
    again = await Invitation.get(id=item.id)
    assert again.status == InvitationStatus.DECLINED and again.reason == "1"


@pytest.mark.parametrize("said,status", sorted(
    {w: {1: InvitationStatus.CONFIRMED, 2: InvitationStatus.DECLINED,
         3: InvitationStatus.AVOIDED}[c] for w, c in CHOICES.items()}.items()))
async def test_every_word_answers_an_open_invitation(
        api: Api, chat: Chat, client: TestClient, demo: dict, said: str,
        status: InvitationStatus) -> None:
    item, openid = await invited(api, client, demo)
    answer = await chat.say(openid, f"{said}。")
    assert (await Invitation.get(id=item.id)).status == status, answer.text


async def test_without_an_invitation_the_words_go_their_usual_way(
        api: Api, chat: Chat, demo: dict) -> None:
    answer = await chat.say(demo["expert"].openid, "好的")
    assert "评标邀请" not in answer.text


async def test_an_unbound_follower_is_told_how_to_answer(chat: Chat) -> None:
    for said in ("1", "参加", "３"):
        answer = await chat.say("o_never_bound", said)
        assert "绑定" in answer.text and "没有找到" not in answer.text


async def test_an_expert_asks_for_their_invitations_and_how_to_take_leave(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    item, openid = await invited(api, client, demo)
    listed = await chat.say(openid, "我的邀请")
    assert "待回复的评标邀请" in listed.text and "1 参加" in listed.text
    await chat.say(openid, "参加")
    confirmed = await Invitation.get(id=item.id)
    listed = await chat.say(openid, "我的邀请")
    assert f"验证码 {confirmed.code}" in listed.text
    # GD-DRAW: leave is registered by the agency; the expert is pointed to the contact
    leave = await chat.say(openid, "我要请假")
    assert "代理机构登记" in leave.text and "陈志强" in leave.text
    assert (await Invitation.get(id=item.id)).status == InvitationStatus.CONFIRMED


async def test_an_agency_asks_for_progress_and_arrivals_in_chat(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    item, _ = await invited(api, client, demo)
    answer = await chat.say(demo["handler"].openid, "抽取进度")
    assert f"活动 {item.activity_id}" in answer.text and "已确认 0/1" in answer.text
    assert "已到场 0/0" in answer.text
    expert = await chat.say(demo["expert"].openid, "到场情况")
    assert "只对招标代理机构" in expert.text


async def test_feedback_is_answered_and_the_answer_reaches_the_sender(
        api: Api, chat: Chat, demo: dict, platform: Platform) -> None:
    openid = "o_fb_answer"
    await chat.say(openid, "反馈")
    await chat.say(openid, "1")
    saved = await chat.say(openid, "小程序里找不到历史缴费记录")
    number = re.search(r"F\d{6}", saved.text)
    assert number is not None
    platform.interact(openid)  # they wrote to the account: the 48-hour window is open
    admin = await api.login(demo["admin"].mp_openid)
    waiting = await api.call("GET", "/admin/feedback?state=open", admin)
    mine = next(f for f in waiting.data["feedback"] if f["number"] == number.group(0))
    assert mine["category"] == "使用问题" and mine["answer"] is None
    answered = await api.call("POST", f"/admin/feedback/{mine['id']}/answer", admin,
                              {"answer": "已在「我的」-「缴费记录」中提供，欢迎再试。"})
    assert answered.status == 200 and "*" in answered.data["answered_by"]  # masked
    again = await api.call("POST", f"/admin/feedback/{mine['id']}/answer", admin,
                           {"answer": "再说一次"})
    assert again.status == 409
    await eventually(lambda: any("缴费记录" in str(s.payload)
                                 for s in platform.received_by(openid)), timeout=10)
    assert platform.received_by(openid)[-1].kind == "custom_text"
    listed = await api.call("GET", "/admin/feedback?state=answered", admin)
    assert any(f["id"] == mine["id"] for f in listed.data["feedback"])
    refused = await api.call("GET", "/admin/feedback", await api.login(
        demo["expert"].mp_openid))
    assert refused.status == 403
