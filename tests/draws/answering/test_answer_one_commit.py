"""An expert's answer in chat, and a check-in by the code in chat, is one commit on
PostgreSQL: the read of who sent it (with the invitation that waits) and the change it makes
are one transaction, the change's own a savepoint in it — as the lean floor's one
transaction is (bench/floor.py) — and the relay is woken once that has committed, never
before (a relay woken before would find nothing). A refusal in words commits nothing of the
change. On SQLite each is its own transaction, as before."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from aiohttp.test_utils import TestClient, TestServer
from arq.connections import ArqRedis
from arq.constants import job_key_prefix

from bot.relay.relay import RELAY_JOB_ID
from config.settings import Settings
from models.draws import Invitation, InvitationStatus
from models.orm.statements import on_postgres
from models.orm.units import after_commit, in_unit, one_transaction
from models.people import Person, phone_is
from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from services.draws.answering.answers import Answers
from services.help.service import Help
from tests.support.api import Api
from tests.support.draw_world import (
    drawn,
    first_confirmed,
    invited_by_sms,
    make_experts,
    the_experts_gather_soon,
)
from tests.support.queries import QueryCounter
from tests.support.voice import call_queued, voice_world
from tests.support.wechat import Chat
from web.context import DOMAIN


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No worker in the process: the relay's job stays queued for the test to find."""
    return settings.model_copy(update={"run_worker": False})


def _one_commit(counted: QueryCounter) -> None:
    if on_postgres():  # one transaction, nothing outside it
        assert counted.commits == 1, "\n".join(s[:100] for s in counted.sent)
    else:  # SQLite: the sender's read (and its note) on their own, as before
        assert counted.outside, counted.sent


async def test_a_chat_answer_is_one_transaction_and_wakes_the_relay_after_it(
        chat: Chat, demo: dict, arq: ArqRedis) -> None:
    expert = demo["expert"]
    person = await Person.get(phone_is(expert.phone))
    invitation = await invited_by_sms(person.id, datetime.now(UTC))
    await arq.delete(job_key_prefix + RELAY_JOB_ID)
    async with QueryCounter() as counted:
        text = (await chat.say(expert.openid, "1")).text
    assert "已确认参加" in text, text
    assert (await Invitation.get(id=invitation.id)).status == InvitationStatus.CONFIRMED
    _one_commit(counted)
    assert await arq.exists(job_key_prefix + RELAY_JOB_ID)  # the relay woken, after it
    # answered again: told so in words, nothing changed
    again = (await chat.say(expert.openid, "2")).text
    assert "您已回复过这次邀请" in again, again
    assert (await Invitation.get(id=invitation.id)).status == InvitationStatus.CONFIRMED


async def test_a_check_in_by_the_code_in_chat_is_one_transaction(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    await make_experts(client, 4)
    aid, _token = await drawn(api, chat, demo)
    now = datetime.now(UTC)
    await the_experts_gather_soon(aid, now)
    first = await first_confirmed(aid)
    openid = (await WeChatIdentity.filter(person_id=first.person_id).first()).openid
    wrong = (await chat.say(openid, "000000")).text
    assert "验证码不正确" in wrong, wrong
    assert (await Invitation.get(id=first.id)).checkin_at is None
    # refused in words: nothing checked in, the interaction noted all the same (WeChat's
    # 48 hours to answer them count from it)
    assert (await WeChatIdentity.get(openid=openid)).last_seen_at is not None
    async with QueryCounter() as counted:
        text = (await chat.say(openid, first.code)).text
    assert text.startswith("签到成功"), text
    assert (await Invitation.get(id=first.id)).checkin_at is not None
    _one_commit(counted)


async def test_work_after_commit_waits_for_the_unit_and_is_dropped_with_it(
        client: TestClient, demo: dict, settings: Settings) -> None:
    openid = demo["expert"].openid
    seen: list[object] = []

    async def look() -> None:  # what another connection reads of the change
        if not on_postgres():
            seen.append((await WeChatIdentity.get(openid=openid)).subscribed)
            return
        conn = await asyncpg.connect(settings.database_url.replace("postgres://",
                                                                   "postgresql://", 1))
        try:
            seen.append(await conn.fetchval(
                "SELECT subscribed FROM wechat_identity WHERE openid = $1", openid))
        finally:
            await conn.close()

    async with one_transaction():
        await WeChatIdentity.filter(openid=openid).update(subscribed=False)
        await after_commit(look)
        assert seen == []  # not yet: the unit has not committed
    assert seen == [False]  # run once it had, and it sees the change
    with pytest.raises(RuntimeError):
        async with one_transaction():
            await WeChatIdentity.filter(openid=openid).update(subscribed=True)
            await after_commit(look)
            raise RuntimeError("the change fails")
    assert seen == [False] and not (await WeChatIdentity.get(openid=openid)).subscribed
    await after_commit(look)  # outside a unit: at once
    assert seen == [False, False]

    async def fails() -> None:
        raise ConnectionError("Redis went away")

    async with one_transaction():  # work that fails after the commit hides nothing
        await after_commit(fails)
        await after_commit(look)
    assert seen == [False, False, False]


async def test_an_answer_by_sms_is_one_transaction_with_the_read_of_its_sender(
        client: TestClient, demo: dict) -> None:
    expert = demo["expert"]
    person = await Person.get(phone_is(expert.phone))
    now = datetime.now(UTC)
    invitation = await invited_by_sms(person.id, now)
    replies = client.app[DOMAIN].draws.answering.sms_answers
    async with QueryCounter() as counted:
        told = await replies.answer(expert.phone, "2 出差", now)
    assert told is not None and "不参加" in told, told
    assert (await Invitation.get(id=invitation.id)).status == InvitationStatus.DECLINED
    assert counted.commits == (1 if on_postgres() else 2), counted.sent
    # words that answer nothing are not held in a transaction: the 智能客服's, as before
    assert await replies.answer(expert.phone, "请问停车场在哪里", now)


async def test_a_key_pressed_on_a_call_is_one_transaction_with_the_read_of_who_pressed_it(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    app, _client, _fake, person_id, phone = await voice_world(aiohttp_client, infra, wechat,
                                                             platform)
    now = datetime.now(UTC)
    invitation, call = await call_queued(app, person_id, now)
    voice = app[DOMAIN].draws.answering.voice_answers
    async with QueryCounter() as counted:
        told = await voice.keypress(call, "1", phone, now)
    assert told is not None and "已确认参加" in told, told
    assert (await Invitation.get(id=invitation.id)).status == InvitationStatus.CONFIRMED
    assert counted.commits == (1 if on_postgres() else 2), counted.sent


async def test_words_that_fail_after_the_answer_do_not_undo_it(
        chat: Chat, demo: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    expert = demo["expert"]
    person = await Person.get(phone_is(expert.phone))
    invitation = await invited_by_sms(person.id, datetime.now(UTC))

    def broken(*_args: object) -> tuple[str, bool]:
        raise RuntimeError("a template edited wrong")

    monkeypatch.setattr(Answers, "said", broken)
    await chat.say(expert.openid, "1")
    # the decision was committed by its change before its words were made
    assert (await Invitation.get(id=invitation.id)).status == InvitationStatus.CONFIRMED


async def test_what_the_unit_was_not_opened_for_runs_outside_it(
        chat: Chat, client: TestClient, demo: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    """Everyday words that read as an answer but answer nothing go on to the 智能客服 (it
    may ask the outside world), by chat and by SMS (收到 with nothing to acknowledge): its
    work runs with no transaction open."""
    seen: list[bool] = []
    ask = Help.ask

    async def asked(self: Help, *args: Any, **kwargs: Any) -> Any:
        seen.append(in_unit())
        return await ask(self, *args, **kwargs)

    monkeypatch.setattr(Help, "ask", asked)
    expert = demo["expert"]
    await chat.say(expert.openid, "好的，评标劳务费什么时候发放")
    replies = client.app[DOMAIN].draws.answering.sms_answers
    await replies.answer(expert.phone, "收到", datetime.now(UTC))
    assert seen and not any(seen), seen
