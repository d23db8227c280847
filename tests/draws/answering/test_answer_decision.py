"""Which invitation a lone answer is for is one decision (services/draws/answering/answers.py
`decide`): applied to the one open invitation, or to the latest one sent when none is open
(told it came late or what was answered before), several open (listed, applied to none), or
not an answer at all (an everyday word with nothing open). Chat and SMS only render it: one
table, both channels."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient

from models.draws import Invitation, InvitationStatus
from models.people import Person, phone_is
from tests.support.draw_world import invited_by_sms
from tests.support.wechat import Chat
from web.context import DOMAIN


async def one_open(person_id: int, now: datetime) -> list[Invitation]:
    return [await invited_by_sms(person_id, now)]


async def two_open(person_id: int, now: datetime) -> list[Invitation]:
    return [await invited_by_sms(person_id, now, "SMS-1"),
            await invited_by_sms(person_id, now + timedelta(seconds=1), "SMS-2")]


async def answered_an_hour_ago(person_id: int, now: datetime) -> list[Invitation]:
    item = await invited_by_sms(person_id, now - timedelta(hours=1))
    await Invitation.filter(id=item.id).update(status=InvitationStatus.DECLINED,
                                               replied_at=now - timedelta(minutes=55),
                                               reason="出差")
    return [item]


async def nothing(person_id: int, now: datetime) -> list[Invitation]:
    return []


@dataclass(frozen=True)
class Row:
    situation: Callable[[int, datetime], Awaitable[list[Invitation]]]
    said: str
    statuses: list[str]  # of the situation's invitations afterwards
    chat: str | None  # in the chat's reply (None: the words go their usual ways)
    sms: str  # in the SMS reply


TABLE = {
    "applied to the one open": Row(one_open, "1", ["confirmed"], "已确认参加", "已确认参加"),
    "applied with a reason": Row(one_open, "2，出差", ["declined"], "原因已记录", "原因已记录"),
    "several open: listed, none applied": Row(two_open, "1", ["sent", "sent"],
                                              "您有 2 个评标邀请待回复", "您有2个待回复的评标邀请"),
    "none open: the latest one is told what was answered": Row(
        answered_an_hour_ago, "1", ["declined"], "无需重复回复", "无需重复回复"),
    "none open, an everyday word: not an answer": Row(
        answered_an_hour_ago, "好的", ["declined"], None, "没有待回复的评标邀请"),
    "nothing sent: not an answer": Row(nothing, "1", [], None, "没有待回复的评标邀请"),
}


@pytest.mark.parametrize("channel", ["chat", "sms"])
@pytest.mark.parametrize("case", list(TABLE))
async def test_a_lone_answer_means_the_same_in_chat_and_by_sms(
        case: str, channel: str, client: TestClient, chat: Chat, demo: dict) -> None:
    row = TABLE[case]
    expert = demo["expert"]
    person = await Person.get(phone_is(expert.phone))
    now = datetime.now(UTC)
    items = await row.situation(person.id, now)
    if channel == "chat":
        text = (await chat.say(expert.openid, row.said)).text
        if row.chat is None:  # not taken for an answer: no invitation's words
            assert not any(other.chat in text for other in TABLE.values() if other.chat), text
        else:
            assert row.chat in text, text
    else:
        replies = client.app[DOMAIN].draws.answering.sms_answers
        text = await replies.answer(expert.phone, row.said, now) or ""
        assert row.sms in text, text
    after = [(await Invitation.get(id=i.id)).status for i in items]
    assert after == row.statuses
