"""Answering an invitation by replying to its SMS (GD-DRAW: the expert answers 1
参加 / 2 不参加 / 3 需回避 on any phone). The provider's reply callback (上行) reaches the same
engine call as a chat reply, the answer goes back by SMS, and the callback is untrusted input:
a forged one is refused, a retried one is answered once, and a phone answers only its own
person's invitation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.relay.channels import CHANNELS
from models.draws import (
    DrawActivity,
    DrawStatus,
    Invitation,
    InvitationStatus,
)
from models.notifications import Notification
from models.people import Person, phone_is
from sandbox.platform import Platform
from tests.support.draw_world import invited_by_sms
from tests.support.sms import TOKEN, sms_world
from web.context import DOMAIN

# the demo expert's invitation SMS, and what the approved templates say
# the replies as one all-variable template (what the fake accepts, not Tencent's review),
# and the list of several invitations as a template of its own: its links cannot be
# variables, so it points to each invitation's own SMS
REPLY_TEMPLATE = {"sms.reply": {"id": "1100003", "params": ["text"]},
                  "sms.reply:reply_several": {"id": "1100004", "params": ["count"]},
                  "sms.reply:confirmed": {"id": "1100005", "params": [
                      "verification_code", "gather_at", "venue", "link_token"]}}
SEVERAL = "您有{1}个待回复的评标邀请，短信回复无法区分是哪一个，请打开各邀请短信中的链接分别回复。"
# the confirmation carries the invitation's link (the check-in without WeChat): fixed in the
# template, its token a variable
CONFIRMED = ("已确认参加，验证码{1}（签到时使用）。集合时间{2}，地点{3}。"
             "到场后直接回复本短信验证码即可签到，也可打开 https://pb.example.cn/a/{4} 签到；"
             "离场时再回复一次验证码即签退。")




async def _setup(aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
                 platform: Platform, monkeypatch: pytest.MonkeyPatch
                 ) -> tuple[web.Application, TestClient, str, Invitation]:
    from tests.support.sms import APPROVED, TEMPLATES

    monkeypatch.setattr("tests.support.sms.TEMPLATES", {**TEMPLATES, **REPLY_TEMPLATE})
    monkeypatch.setattr("tests.support.sms.APPROVED", {
        **APPROVED, "1100003": "{1}", "1100004": SEVERAL, "1100005": CONFIRMED})
    app, client, _, person_id, phone = await sms_world(aiohttp_client, infra, wechat, platform,
                                                    monkeypatch)
    return app, client, phone, await invited_by_sms(person_id, datetime.now(UTC))


def _reply(phone: str, text: str, at: int = 1_763_884_800) -> dict[str, Any]:
    return {"extend": "", "mobile": phone, "nationcode": "86", "sign": "评标专家库",
            "text": text, "time": at}


async def test_an_expert_who_never_uses_wechat_confirms_by_replying_1(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer, platform: Platform,
        monkeypatch: pytest.MonkeyPatch) -> None:
    app, client, phone, invitation = await _setup(aiohttp_client, infra, wechat, platform,
                                                  monkeypatch)
    # a forged callback (no secret, or a wrong one) answers nothing
    for query in ("", "?token=nope"):
        answer = await client.post(f"/sms/tencent/reply{query}", json=_reply(phone, "1"))
        assert answer.status == 403
    assert (await Invitation.get(id=invitation.id)).status == InvitationStatus.SENT
    # the expert's reply; the provider pushes it twice
    for _ in range(2):
        answer = await client.post(f"/sms/tencent/reply?token={TOKEN}",
                                   json=_reply(phone, "1"))
        assert answer.status == 200 and await answer.json() == {"result": 0, "errmsg": "OK"}
    confirmed = await Invitation.get(id=invitation.id)
    assert confirmed.status == InvitationStatus.CONFIRMED and confirmed.code
    await app[CHANNELS].relay.run()
    answers = [t for t in platform.sms_to(phone) if "已确认参加" in t]
    assert len(answers) == 1  # answered once
    assert confirmed.code in answers[0] and "评标室302" in answers[0]
    assert "某中学" not in answers[0]  # never the project or the tenderer


async def test_a_decline_by_sms_then_its_reason_on_its_own(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer, platform: Platform,
        monkeypatch: pytest.MonkeyPatch) -> None:
    app, client, phone, invitation = await _setup(aiohttp_client, infra, wechat, platform,
                                                  monkeypatch)
    await client.post(f"/sms/tencent/reply?token={TOKEN}", json=_reply(phone, "2", 1))
    declined = await Invitation.get(id=invitation.id)
    assert declined.status == InvitationStatus.DECLINED and declined.reason is None
    await client.post(f"/sms/tencent/reply?token={TOKEN}", json=_reply(phone, "出差在外地", 2))
    assert (await Invitation.get(id=invitation.id)).reason == "出差在外地"
    await app[CHANNELS].relay.run()
    texts = platform.sms_to(phone)
    assert any("请简要说明原因" in t for t in texts) and any("原因已记录" in t or "已记录" in t
                                                            for t in texts)


async def test_a_phone_answers_only_its_own_persons_invitation(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer, platform: Platform,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo applicant's phone replies 1: nothing of the expert's changes, and the
    applicant is told there is no invitation to answer; a number nobody has gets no SMS at
    all."""
    app, client, _, invitation = await _setup(aiohttp_client, infra, wechat, platform,
                                                  monkeypatch)
    other = (await Person.get(phone_is("13800000001"))).phone
    await client.post(f"/sms/tencent/reply?token={TOKEN}", json=_reply(other, "1"))
    await client.post(f"/sms/tencent/reply?token={TOKEN}", json=_reply("13912345678", "1"))
    assert (await Invitation.get(id=invitation.id)).status == InvitationStatus.SENT
    await app[CHANNELS].relay.run()
    assert any("没有待回复的评标邀请" in t for t in platform.sms_to(other))
    assert platform.sms_to("13912345678") == []
    # malformed callbacks are refused plainly
    for body in ({"text": "1"}, {"mobile": "abc", "text": "1"}, ["1"]):
        answer = await client.post(f"/sms/tencent/reply?token={TOKEN}", json=body)
        assert answer.status == 400


async def test_a_withdrawal_notice_is_acknowledged_by_replying_shoudao(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer, platform: Platform,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """GD-DRAW: a withdrawal notice that reached the expert is confirmed (退选状态 "已确认");
    the SMS asks for 收到, and the reply to it counts as in chat."""
    from web.context import DOMAIN

    app, client, phone, invitation = await _setup(aiohttp_client, infra, wechat, platform,
                                                  monkeypatch)
    now = datetime.now(UTC)
    await app[DOMAIN].draws.running.replies.reply(invitation.id, invitation.person_id, 1, now)
    await DrawActivity.filter(id=invitation.activity_id).update(
        status=DrawStatus.WITHDRAWN, ended_at=now, withdraw_reason="项目流标")
    await client.post(f"/sms/tencent/reply?token={TOKEN}", json=_reply(phone, "收到", 7))
    done = await Invitation.get(id=invitation.id)
    assert done.acknowledged_at is not None and done.acknowledged_by is None  # the expert


async def test_with_two_invitations_open_the_sms_answer_lists_each_with_its_link(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer, platform: Platform,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An SMS reply cannot say which of two invitations it answers: none is answered, and the
    answer lists both, each with the link that answers it (an SMS-only expert has no
    official account to turn to)."""
    app, client, phone, first = await _setup(aiohttp_client, infra, wechat, platform,
                                             monkeypatch)
    second = await invited_by_sms(first.person_id, datetime.now(UTC), number="SMS-2")
    await client.post(f"/sms/tencent/reply?token={TOKEN}", json=_reply(phone, "1", 9))
    for item in (first, second):
        assert (await Invitation.get(id=item.id)).status == InvitationStatus.SENT
    await app[CHANNELS].relay.run()
    (listed,) = [t for t in platform.sms_to(phone) if "待回复" in t]
    assert "您有2个待回复的评标邀请" in listed and "链接分别回复" in listed
    # each invitation's own SMS carries the link that answers it
    shown = app[DOMAIN].draws.running.waves.answer_link
    assert shown is not None and "/a/" in shown(first.id) and shown(first.id) != shown(
        second.id)
    # the words a provider sending free text (and the chat) would send list both links
    sms = await Notification.filter(person_id=first.person_id, kind="sms.reply").first()
    assert sms is not None and sms.params["variant"] == "reply_several"
    assert sms.params["text"].count("/a/") == 2 and "评标室302" in sms.params["text"]


async def test_a_reply_written_in_time_but_delivered_late_is_not_late(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer, platform: Platform,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The expert replies 1 two minutes before the deadline; the operator hands the reply
    over three minutes later, after the deadline: it is judged by the time it was written
    (the callback's `time`), and the expert is confirmed, not told it came too late."""
    app, client, phone, invitation = await _setup(aiohttp_client, infra, wechat, platform,
                                                  monkeypatch)
    now = datetime.now(UTC)
    await Invitation.filter(id=invitation.id).update(due_at=now - timedelta(minutes=1))
    written = int((now - timedelta(minutes=3)).timestamp())
    await client.post(f"/sms/tencent/reply?token={TOKEN}", json=_reply(phone, "1", written))
    confirmed = await Invitation.get(id=invitation.id)
    assert confirmed.status == InvitationStatus.CONFIRMED and confirmed.code
    await app[CHANNELS].relay.run()
    assert any(confirmed.code in t for t in platform.sms_to(phone))


async def test_an_sms_confirmation_is_queued_with_its_decision_in_few_statements(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer, platform: Platform,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The SMS that answers an acceptance is written in the decision's own transaction, in
    the statement that queues the agency's progress, and the sender is read with their open
    invitations in one statement: two statements fewer than before, one relay nudge. A
    second 1 finds the invitation answered and is told so, by SMS too."""
    from tests.support.queries import QueryCounter

    app, client, phone, invitation = await _setup(aiohttp_client, infra, wechat, platform,
                                                  monkeypatch)
    async with QueryCounter() as counted:
        answer = await client.post(f"/sms/tencent/reply?token={TOKEN}",
                                   json=_reply(phone, "1", 11))
    assert answer.status == 200
    confirmed = await Invitation.get(id=invitation.id)
    assert confirmed.status == InvitationStatus.CONFIRMED and confirmed.answered_via == "sms"
    sent = counted.sent
    shown = "\n".join(s[:100] for s in sent)
    # one statement before the activity's lock (the sender and their open invitations),
    # and one that queues the notifications written without a model (the agency's
    # progress, the answer by SMS)
    locks = [n for n, s in enumerate(sent) if "FROM draw_activity a WHERE a.id =" in s]
    assert locks[:1] == [1], shown
    assert sum(s.startswith("INSERT INTO notification (") for s in sent) == 1, shown
    told = await Notification.filter(person_id=invitation.person_id, kind="sms.reply")
    assert [n.params["variant"] for n in told] == ["confirmed"]
    # (the draw's end, when the acceptance completes it, carries the progress instead)
    assert await Notification.filter(kind__in=["draw.progress", "draw.ended"],
                                     created_at=told[0].created_at).exists()
    await client.post(f"/sms/tencent/reply?token={TOKEN}", json=_reply(phone, "1", 12))
    await app[CHANNELS].relay.run()
    texts = platform.sms_to(phone)
    assert sum(1 for t in texts if "已确认参加" in t) == 1, texts
    assert any("您已回复过这次邀请" in t and confirmed.code in t for t in texts), texts


async def test_a_decision_stands_and_is_answered_once_when_what_follows_it_fails(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer, platform: Platform,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two failures around an SMS answer that is committed with its decision. The words of
    the answer cannot be made (a text edited wrong): the decision stands, and its answer is
    made again after it. Redis refuses the new invitations' timers after the commit (an
    outage): the callback still answers OK, so the provider does not push the reply again
    to be told it was answered already; the expert gets one answer."""
    import services.draws.answering.sms_answers as sms_answers

    app, client, phone, invitation = await _setup(aiohttp_client, infra, wechat, platform,
                                                  monkeypatch)
    made = sms_answers.answer_words
    tries: list[int] = []

    async def broken_once(*args: Any) -> Any:
        tries.append(1)
        if len(tries) == 1:
            raise ValueError("a text edited wrong")
        return await made(*args)

    async def redis_down(_timers: Any) -> None:
        raise ConnectionError("Redis refused the job")

    monkeypatch.setattr(sms_answers, "answer_words", broken_once)
    monkeypatch.setattr(app[DOMAIN].draws.running.waves, "start_timers", redis_down)
    answer = await client.post(f"/sms/tencent/reply?token={TOKEN}",
                               json=_reply(phone, "1", 21))
    assert answer.status == 200 and await answer.json() == {"result": 0, "errmsg": "OK"}
    confirmed = await Invitation.get(id=invitation.id)
    assert confirmed.status == InvitationStatus.CONFIRMED and len(tries) == 2
    await app[CHANNELS].relay.run()
    texts = platform.sms_to(phone)
    assert sum(1 for t in texts if "已确认参加" in t) == 1, texts
    assert not any("您已回复过" in t for t in texts), texts
