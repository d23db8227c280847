"""An expert's "1" in chat reads what decides where it goes — who the sender is, whether a
人工客服 conversation of theirs is open, which invitation waits for them — in one statement
before the activity's lock, whether their identity was read from the conversation's cache or
from the database (their first push); and it still goes where it went when each was read on
its own: to the one invitation waiting, past an open ticket, which takes the next words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiohttp.test_utils import TestClient

from config.settings import Settings
from models.draws import Invitation, InvitationStatus
from models.help import SupportMessage, SupportTicket
from models.people import Person, phone_is
from tests.support.draw_world import invited_by_sms
from tests.support.queries import QueryCounter
from tests.support.wechat import Chat

LOCK = "FROM draw_activity a WHERE a.id ="


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No worker in the process: its relay, woken by the cron, would read the outbox while the
    answer's statements are counted (a run counted two reads before the lock)."""
    return settings.model_copy(update={"run_worker": False})


async def _answered(chat: Chat, openid: str, words: str) -> tuple[str, list[str]]:
    """The reply to an answer, and the reads sent before the activity's lock."""
    async with QueryCounter() as counted:
        text = (await chat.say(openid, words)).text
    sent = counted.sent
    locked = [n for n, s in enumerate(sent) if LOCK in s]
    assert locked, "\n".join(s[:100] for s in sent)
    # (SQLite notes the interaction in a statement of its own; PostgreSQL in the read)
    return text, [s for s in sent[:locked[0]] if not s.startswith("UPDATE")]


async def test_a_chat_answer_reads_the_sender_ticket_and_invitation_in_one_statement(
        chat: Chat, demo: dict) -> None:
    expert = demo["expert"]
    person = await Person.get(phone_is(expert.phone))
    now = datetime.now(UTC)
    first = await invited_by_sms(person.id, now, "SMS-1")
    # the sender's first push: the identity is read from the database
    text, reads = await _answered(chat, expert.openid, "1")
    assert "已确认参加" in text, text
    (read,) = reads
    assert "wechat_identity" in read and "support_ticket" in read and "draw_invitation" in read
    assert (await Invitation.get(id=first.id)).status == InvitationStatus.CONFIRMED
    # a later push: the identity comes from the conversation's cache, the person with it
    second = await invited_by_sms(person.id, now, "SMS-2")
    text, reads = await _answered(chat, expert.openid, "2，出差")
    assert "原因已记录" in text, text
    (read,) = reads
    assert "person" in read and "support_ticket" in read and "draw_invitation" in read
    assert (await Invitation.get(id=second.id)).status == InvitationStatus.DECLINED


async def test_with_a_ticket_open_an_answer_goes_to_the_invitation_and_words_to_the_desk(
        chat: Chat, client: TestClient, demo: dict) -> None:
    expert = demo["expert"]
    person = await Person.get(phone_is(expert.phone))
    queued = await chat.say(expert.openid, "人工客服")
    assert "已为您转接人工客服" in queued.text
    ticket = await SupportTicket.get(openid=expert.openid)
    # nothing waits: a digit is the person's words to the staff
    handed = await chat.say(expert.openid, "1")
    assert "已转给人工客服" in handed.text, handed.text
    invitation = await invited_by_sms(person.id, datetime.now(UTC))
    answered = await chat.say(expert.openid, "1")
    assert "已确认参加" in answered.text and "已转给人工客服" not in answered.text
    assert (await Invitation.get(id=invitation.id)).status == InvitationStatus.CONFIRMED
    words = await chat.say(expert.openid, "我到了以后找谁")
    assert "已转给人工客服" in words.text, words.text
    said = [m.text for m in await SupportMessage.filter(ticket_id=ticket.id).order_by("id")]
    assert said[-2:] == ["1", "我到了以后找谁"], said
    # closed by the staff meanwhile: the bot answers again, nothing is handed over
    await SupportTicket.filter(id=ticket.id).update(state="closed")
    after = await chat.say(expert.openid, "我到了以后找谁")
    assert "已转给人工客服" not in after.text
    assert await SupportMessage.filter(ticket_id=ticket.id).count() == len(said)


async def test_two_invitations_waiting_are_listed_and_neither_is_applied(
        chat: Chat, demo: dict) -> None:
    expert = demo["expert"]
    person = await Person.get(phone_is(expert.phone))
    now = datetime.now(UTC)
    both = [await invited_by_sms(person.id, now, "SMS-1"),
            await invited_by_sms(person.id, now, "SMS-2")]
    listed = await chat.say(expert.openid, "1")
    assert "您有 2 个评标邀请待回复" in listed.text, listed.text
    assert [(await Invitation.get(id=i.id)).status for i in both] == ["sent", "sent"]
    picked = await chat.say(expert.openid, "2")
    assert "已确认参加" in picked.text, picked.text
    assert [(await Invitation.get(id=i.id)).status for i in both] == ["sent", "confirmed"]
