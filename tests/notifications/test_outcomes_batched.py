"""The outcomes of a claimed batch, written together: every row's outcome recorded, none
written over a claim another relay has taken since, and a relay that stops between its
sends and that write neither loses a notice nor sends one twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.relay.channels import CHANNELS
from models.notifications import Notification, Status
from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from tests.support.driven import driven_app
from tests.support.helpers import open_window
from web.context import DOMAIN

PARAMS = {"content": "请于明早9点到达评标室", "at": "2026-11-23 09:00"}


async def _app(aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
               platform: Platform, **overrides: object) -> web.Application:
    """The service without its in-process worker: the test runs the relay itself."""
    return (await driven_app(aiohttp_client, infra, wechat, platform, **overrides))[0]


async def _people(app: web.Application, platform: Platform) -> dict[str, int]:
    """Two in their chat window, two following with no window (a template each), one who
    left the account (no channel reaches him); a notice queued to each."""
    for openid in ("o_chat1", "o_chat2"):
        await WeChatIdentity.create(openid=openid, subscribed=True,
                                    last_seen_at=datetime.now(UTC))
        await open_window(app, openid, platform)
    for openid in ("o_tpl1", "o_tpl2"):
        await WeChatIdentity.create(openid=openid, subscribed=True)
        platform.interact(openid)
    await WeChatIdentity.create(openid="o_left", subscribed=False)
    ids = {}
    for openid in ("o_chat1", "o_chat2", "o_tpl1", "o_tpl2", "o_left"):
        item = await app[DOMAIN].outbox.notify(datetime.now(UTC), "system.test", PARAMS,
                                               openid=openid)
        assert item is not None
        ids[openid] = item.id
    return ids


def _received(platform: Platform, openid: str) -> int:
    return len(platform.sent_to(openid, "custom_text")) + len(platform.sent_to(openid,
                                                                               "template"))


async def test_every_outcome_of_a_batch_is_recorded(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    app = await _app(aiohttp_client, infra, wechat, platform)
    ids = await _people(app, platform)
    assert await app[CHANNELS].relay.run() == 5  # one claim: one batch
    rows = {n.id: n for n in await Notification.all()}
    outcome = {o: (rows[i].status, rows[i].channel) for o, i in ids.items()}
    assert outcome == {"o_chat1": (Status.DELIVERED, "cs"), "o_chat2": (Status.DELIVERED, "cs"),
                       "o_tpl1": (Status.SENT, "template"),
                       "o_tpl2": (Status.SENT, "template"),
                       "o_left": (Status.FAILED, None)}
    assert all(n.claim_token is None and n.claimed_until is None for n in rows.values())
    assert all(n.sent_at is not None for o, n in rows.items() if o != ids["o_left"])
    assert rows[ids["o_tpl1"]].wx_msgid != rows[ids["o_tpl2"]].wx_msgid
    assert "no channel" in (rows[ids["o_left"]].last_error or "")
    assert "template" in rows[ids["o_left"]].ruled_out_channels()
    assert [_received(platform, o) for o in ids] == [1, 1, 1, 1, 0]


async def test_a_relay_stopped_between_its_sends_and_their_write_loses_and_repeats_none(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    app = await _app(aiohttp_client, infra, wechat, platform, OUTBOX_LEASE=1)
    outbox, relay = app[DOMAIN].outbox, app[CHANNELS].relay
    ids = await _people(app, platform)
    now = datetime.now(UTC)
    items = await outbox.claim(now, 10, relay.sender.max_attempts)
    recipients, markers = await relay.sender.prepare(items, now)
    for item in items:  # sent, and the relay stops before it writes the outcomes
        await relay.sender.deliver(item, recipients.get(item.id), markers.get(item.id), now)
    assert [_received(platform, o) for o in ids] == [1, 1, 1, 1, 0]
    assert {n.status for n in await Notification.all()} == {Status.SENDING}

    # its claim lapses; the next relay takes the rows over
    await Notification.all().update(claimed_until=now - timedelta(seconds=1))
    assert await relay.run() == 5
    assert [_received(platform, o) for o in ids] == [1, 1, 1, 1, 0]  # nothing twice
    rows = {n.id: n for n in await Notification.all()}
    assert {o: rows[i].status for o, i in ids.items()} == {
        "o_chat1": Status.DELIVERED, "o_chat2": Status.DELIVERED, "o_tpl1": Status.SENT,
        "o_tpl2": Status.SENT, "o_left": Status.FAILED}  # nothing lost

    # the stopped relay's write, late: the rows are no longer its own, nothing changes
    for item in items:
        outbox.failed(item, "a late write of a claim that lapsed")
    await outbox.save(items)
    assert {n.id: n.status for n in await Notification.all()} == {
        i: n.status for i, n in rows.items()}
