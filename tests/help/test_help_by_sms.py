"""Help by SMS, for people without WeChat: a question texted to the centre's number, from a
person on record or from any number, that answers no invitation, is answered by the 智能客服
in one SMS (the entry's title, its first sentence, its page); when it is not sure, the
hotline and a call back offered — 人工 sent back queues the call back at the 客服工作台, with
the number to call. A number gets no more help replies than its budget; digits from a number
nobody has (a stray 1) get nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiohttp.test_utils import TestClient, TestServer

from config.clients import sms_callback_token
from config.settings import Settings
from models.audit import AuditEntry
from models.help import HelpQuestion, SupportTicket
from models.notifications import Notification
from models.people import Person, phone_is
from sandbox.platform import Platform
from services.help.by_sms import HELP_SMS_BUDGET, ONE_SMS
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.helpers import eventually
from tests.support.settings import make_settings

STRANGER = "13912345670"


@pytest.fixture
def settings(infra: dict[str, str], wechat: TestServer) -> Settings:
    """In sandbox mode: the SMS reply callback takes the phones' texts, and the SMS say our
    own words."""
    return make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                         WECHAT_SANDBOX=True, HELP_HOTLINE="020-12345678",
                         HELP_HOURS="工作日 9:00-17:30")


async def _text(client: TestClient, settings: Settings, phone: str, text: str, n: int) -> None:
    answer = await client.post(f"/sms/tencent/reply?token={sms_callback_token(settings)}",
                               json={"extend": "", "mobile": phone, "nationcode": "86",
                                     "sign": "评标专家库", "text": text,
                                     "time": int(datetime.now(UTC).timestamp()) - n})
    assert answer.status == 200, await answer.text()


async def _got(platform: Platform, phone: str, count: int) -> list[str]:
    await eventually(lambda: len(platform.sms_to(phone)) >= count, timeout=15)
    return platform.sms_to(phone)


async def test_a_question_by_sms_is_answered_in_one_message(
        client: TestClient, demo: dict, platform: Platform, settings: Settings) -> None:
    known = (await Person.get(phone_is("13800000001"))).phone
    await _text(client, settings, known, "考试没过还能再考吗", 1)
    (answer,) = await _got(platform, known, 1)  # (the signature 【…】 first, in one SMS)
    assert answer.split("】", 1)[1].startswith("「") and "/help/" in answer
    assert len(answer) <= ONE_SMS and "没有待回复" not in answer
    await _text(client, settings, STRANGER, "考试没过还能再考吗", 2)
    (theirs,) = await _got(platform, STRANGER, 1)
    assert answer.endswith(theirs)  # the same words (the relay adds the signature)
    asked = await HelpQuestion.filter(channel="sms").order_by("id")
    assert len(asked) == 2 and asked[0].answered_key and asked[0].openid.startswith("sms:")


async def test_unsure_offers_the_hotline_and_a_call_back_within_the_budget(
        api: Api, client: TestClient, demo: dict, platform: Platform,
        settings: Settings) -> None:
    await _text(client, settings, STRANGER, "1", 9)  # a stray digit: nothing
    await _text(client, settings, STRANGER, "明天广州会下雨吗，我手机13900001111", 8)
    (unsure,) = await _got(platform, STRANGER, 1)
    assert "020-12345678" in unsure and "回复 人工 ，客服人员会给您回电" in unsure
    assert "13900001111" not in unsure
    await _text(client, settings, STRANGER, "人工", 7)
    called = (await _got(platform, STRANGER, 2))[-1]
    (ticket,) = await SupportTicket.exclude(callback_phone_enc="")
    # the number is kept sealed, never in clear in the database
    assert STRANGER not in ticket.callback_phone_enc and ticket.callback_phone_enc
    assert f"K{ticket.id:06d}" in called and "回电" in called
    staff = await api.login(demo["support"].mp_openid)
    told = await api.call("GET", f"/support/tickets/{ticket.id}", staff)
    shown = told.data["callback_phone"]  # masked, as every number the desk reads
    assert shown.endswith(STRANGER[-4:]) and "*" in shown
    assert any("下雨" in m["text"] and "13900001111" not in m["text"]
               for m in told.data["messages"])  # the question before, masked
    # no chat to write to: a written reply is refused in words saying to call back, and
    # the number is read in full for the call, each reading an access on the record
    written = await api.call("POST", f"/support/tickets/{ticket.id}/reply", staff,
                             {"text": "您好，您的问题……"})
    assert written.status == 409 and "显示号码并回电" in written.message
    number = await client.post(  # not through `api`, which scans for numbers: in full
        f"/miniapp/v1/support/tickets/{ticket.id}/callback-number",
        headers={"Authorization": f"Bearer {staff}"})
    assert number.status == 200 and (await number.json())["number"] == STRANGER
    desk = Desk(client)
    await desk.sign_in(demo["support"].phone)
    _, page = await desk.get(f"/console/support/{ticket.id}")
    assert 'data-testid="show-number"' in page and 'data-testid="reply-form"' not in page
    reading = await AuditEntry.filter(action="read_full").order_by("-id").first()
    assert reading is not None and reading.detail.get("why") == "callback"
    # called back and closed: nothing is sent to a chat that does not exist
    closed = await api.call("POST", f"/support/tickets/{ticket.id}/close", staff)
    assert closed.status == 200
    assert not await Notification.filter(kind__in=["support.reply", "support.ended"]).exists()
    for n in range(6):  # a flood: no more than the hour's budget
        await _text(client, settings, STRANGER, f"第{n}个问题：考试在哪里考", n + 1)
    hourly = HELP_SMS_BUDGET[0][1]
    await _got(platform, STRANGER, hourly)
    assert len(platform.sms_to(STRANGER)) == hourly
