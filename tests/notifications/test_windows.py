"""WeChat's customer-service windows as WeChat counts them: a user's message opens 5 messages
for 48 hours, a menu click, a follow or a QR scan 3 within a minute, a link menu item none
(WX-CS). The service picks the channel by the window the user really
has, so the fake WeChat (which refuses as WeChat does: 45015, 45047) never has to refuse a
notice, and what a window will not carry goes by template message at once."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from aiohttp.test_utils import TestClient

from bot.wechat.windows import BRIEF
from models.notifications import Notification, Status
from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from sandbox.wechat_push import event_fields, text_fields
from tests.support.helpers import eventually, open_window
from tests.support.wechat import Chat
from web.context import DOMAIN

PARAMS = {"content": "请于明早9点到达评标室", "at": "2026-11-23 09:00"}
CUSTOM = "/cgi-bin/message/custom/send"


async def _push(chat: Chat, platform: Platform, fields: dict[str, str | int]) -> None:
    """A push from the user, seen by WeChat (it opens the window there) and the service."""
    answer = await chat.post(chat.pusher.build(fields))
    assert answer.status == 200
    platform.saw(str(fields["FromUserName"]), str(fields["MsgType"]), str(fields.get("Event", "")))


async def _notices(client: TestClient, openid: str, count: int) -> list[int]:
    person_id = (await WeChatIdentity.get(openid=openid)).person_id
    ids = []
    for i in range(count):
        item = await client.app[DOMAIN].outbox.notify(
            datetime.now(UTC), "system.test", {**PARAMS, "content": f"通知{i}"},
            person_id=person_id)
        assert item is not None
        ids.append(item.id)
    return ids


async def _channels(ids: list[int]) -> list[str]:
    async def done() -> bool:
        return not await Notification.filter(id__in=ids, status__in=[
            Status.QUEUED, Status.SENDING]).exists()
    await eventually(done)
    rows = {n.id: n for n in await Notification.filter(id__in=ids)}
    return [rows[i].channel or "" for i in ids]


async def test_a_message_carries_five_notices_and_the_sixth_goes_by_template(
        client: TestClient, chat: Chat, demo: dict, platform: Platform) -> None:
    openid = demo["expert"].openid
    await _push(chat, platform, text_fields(openid, "帮助"))
    channels = await _channels(await _notices(client, openid, 6))
    assert sorted(channels) == ["cs"] * 5 + ["template"]
    assert platform.calls[CUSTOM] == 5  # WeChat was never asked for a sixth: no 45047
    assert len(platform.sent_to(openid, "custom_text")) == 5


async def test_a_scan_opens_three_within_a_minute_only(client: TestClient, chat: Chat,
                                                       demo: dict, platform: Platform) -> None:
    expert = demo["expert"].openid
    # a check-in scan two minutes ago: its minute is over, the notice goes by template
    await _push(chat, platform, event_fields(expert, "SCAN", "checkin",
                                             create_time=int(time.time()) - 120))
    platform.user(expert).last_interaction = time.time() - 120  # WeChat saw it then
    assert await _channels(await _notices(client, expert, 1)) == ["template"]
    assert platform.calls.get(CUSTOM, 0) == 0
    # a menu click now: three messages, then a template message
    await _push(chat, platform, event_fields(expert, "CLICK", "MY_RECORDS"))
    assert sorted(await _channels(await _notices(client, expert, 4))) == ["cs"] * 3 + ["template"]
    assert platform.calls[CUSTOM] == 3


async def test_a_link_menu_item_or_a_receipt_opens_no_window(
        client: TestClient, chat: Chat, demo: dict, platform: Platform) -> None:
    expert = demo["expert"].openid
    await _push(chat, platform, event_fields(expert, "VIEW", "https://example.invalid/m"))
    assert await _channels(await _notices(client, expert, 1)) == ["template"]
    assert platform.calls.get(CUSTOM, 0) == 0


async def test_a_click_inside_a_message_window_does_not_shorten_it(
        client: TestClient, chat: Chat, demo: dict, platform: Platform) -> None:
    expert = demo["expert"].openid
    await _push(chat, platform, text_fields(expert, "帮助"))
    await _push(chat, platform, event_fields(expert, "CLICK", "MY_RECORDS"))
    platform.clock = lambda: time.time() + 3600  # an hour later, at WeChat too
    assert await _channels(await _notices(client, expert, 2)) == ["cs", "cs"]


async def test_a_window_wechat_counts_spent_sends_the_notice_by_template_at_once(
        client: TestClient, demo: dict, platform: Platform) -> None:
    expert = demo["expert"].openid
    # the service counted a message window WeChat does not have (its push was lost on the
    # way): WeChat refuses the first with 45047, and the rest are not tried through it
    await open_window(client.app, expert)
    platform.interact(expert, (BRIEF.messages, BRIEF.seconds))
    platform.user(expert).window_used = BRIEF.messages
    first = await _notices(client, expert, 1)
    assert await _channels(first) == ["template"]
    notice = await Notification.get(id=first[0])
    assert notice.attempts == 1 and "45047" in (notice.last_error or "")
    assert await _channels(await _notices(client, expert, 1)) == ["template"]
    assert platform.calls[CUSTOM] == 1
