"""A check-in by verification code is one commit: the code's evaluation, the expert's place,
the lock, the arrival, the agency's count and the expert's venue are read and written in the
check-in's own transaction (on a province's morning each statement outside it was a commit
of its own: five a check-in), and by SMS its answer is queued in it too. A wrong code is
refused in words with nothing written."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp.test_utils import TestClient

from models.draws import Invitation
from models.notifications import Notification
from models.orm.statements import on_postgres
from models.people import Person
from services.common.errors import DomainError
from tests.support.api import Api
from tests.support.draw_world import drawn, first_confirmed, make_experts, the_experts_gather_soon
from tests.support.helpers import said
from tests.support.queries import QueryCounter
from tests.support.wechat import Chat
from web.context import DOMAIN


async def _gathering(api: Api, chat: Chat, client: TestClient, demo: dict
                     ) -> tuple[Invitation, datetime]:
    """A draw's first confirmed expert, their evaluation gathering in 20 minutes."""
    await make_experts(client, 4)
    aid, _token = await drawn(api, chat, demo)
    now = datetime.now(UTC)
    await the_experts_gather_soon(aid, now)
    return await first_confirmed(aid), now


async def test_a_checkin_by_code_is_one_transaction_and_a_wrong_code_writes_nothing(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    first, now = await _gathering(api, chat, client, demo)
    attendance = client.app[DOMAIN].draws.venue.attendance
    async with QueryCounter() as wrong:
        try:
            await attendance.checkin_by_code(first.person_id, "000000", now)
        except DomainError as exc:
            assert "验证码不正确" in said(exc), said(exc)
        else:
            raise AssertionError("a wrong code was taken")
    assert wrong.alone == [], wrong.alone
    assert (await Invitation.get(id=first.id)).checkin_at is None
    async with QueryCounter() as counted:
        result = await attendance.checkin_by_code(first.person_id, first.code, now)
    assert result.action == "in" and (result.arrived, result.expected) == (1, 2)
    assert counted.alone == [], "\n".join(s[:100] for s in counted.alone)
    assert (await Invitation.get(id=first.id)).checkin_at is not None


async def test_a_checkin_by_sms_queues_its_answer_in_the_checkin_s_transaction(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    first, now = await _gathering(api, chat, client, demo)
    phone = (await Person.get(id=first.person_id)).phone
    replies = client.app[DOMAIN].draws.answering.sms_answers
    async with QueryCounter() as counted:
        told = await replies.answer(phone, first.code, now)
    assert told is not None and told.startswith("签到成功"), told
    # the sender read (on PostgreSQL in the same transaction), then the check-in's
    # transaction with its answer: nothing else alone
    assert len(counted.alone) == (0 if on_postgres() else 1), \
        "\n".join(s[:100] for s in counted.alone)
    answer = await Notification.get(person_id=first.person_id, kind="sms.reply")
    assert answer.params["text"] == told
