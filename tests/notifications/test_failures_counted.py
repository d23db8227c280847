"""A failure is a failure: a notice sent on WeChat and by SMS at once (an invitation) is
one family of rows, and the administrator's list of notifications that did not reach anyone
holds a row only when no row of its family reached the person — an expert without WeChat
who got the SMS is no failure; one neither way could reach is, each row saying in Chinese
which way could not."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from tortoise.transactions import in_transaction

from models.notifications import Notification, Status
from models.orm.statements import on_postgres
from models.people import Person
from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.helpers import eventually
from web.context import DOMAIN

INVITATION = {"gather_at": "2026年11月28日 08:30", "venue": "评标室302",
              "address": "广州市天河区天润路333号", "contact": "陈 020-87654321",
              "notes": "无", "due": "2026年11月27日 16:10", "minutes": "10", "link": "",
              "link_token": ""}


async def _invited(client: TestClient, person_id: int, key: str) -> list[Notification]:
    """An invitation queued as the draw queues one, and its rows once the relay is done."""
    domain = client.app[DOMAIN]
    async with domain.outbox.change(datetime.now(UTC)) as change:
        await change.notify("draw.invitation", INVITATION, person_id=person_id, dedupe_key=key)

    async def done() -> bool:
        rows = await Notification.filter(family=key)
        return len(rows) == 2 and not any(r.status in (Status.QUEUED, Status.SENDING)
                                          for r in rows)
    await eventually(done, timeout=20)
    return await Notification.filter(family=key).order_by("id")


async def _stuck(api: Api, demo: dict) -> list[dict[str, Any]]:
    token = await api.login(demo["admin"].mp_openid)
    listed = await api.call("GET", "/admin/notifications", token)
    assert listed.status == 200, listed.data
    return list(listed.data["notifications"])


async def test_an_invitation_that_reached_by_sms_is_no_failure_and_one_that_reached_nobody_is(
        api: Api, client: TestClient, demo: dict, platform: Platform) -> None:
    expert = await WeChatIdentity.get(openid=demo["expert"].openid)
    person_id = int(expert.person_id)
    await WeChatIdentity.filter(person_id=person_id).delete()  # imported: no WeChat at all
    wechat_row, sms_row = await _invited(client, person_id, "invitation:900001")
    assert (wechat_row.channels, sms_row.channels) == ("cs,subscribe,template", "sms")
    assert wechat_row.status == Status.FAILED and sms_row.status == Status.SENT
    assert wechat_row.covered  # the SMS reached him: no failure
    assert await _stuck(api, demo) == []
    desk = Desk(client)
    await desk.sign_in(demo["admin"].phone)
    _, home = await desk.get("/console/")
    assert "<b>0</b>发送失败的通知" in home
    # no phone either: neither row can reach him, both are failures, each in its words
    await Person.filter(id=person_id).update(phone_enc="", phone_clear=None, phone_hash="",
                                             phone_masked="")
    lost = await _invited(client, person_id, "invitation:900002")
    assert [r.status for r in lost] == [Status.FAILED, Status.FAILED]
    assert not any(r.covered for r in lost)
    stuck = {row["id"]: row for row in await _stuck(api, demo)}
    assert set(stuck) == {r.id for r in lost}
    assert stuck[lost[0].id]["reason"].startswith("微信无法联系此人")
    assert stuck[lost[1].id]["reason"].startswith("短信无法发给此人")
    assert all(row["status_title"] == "未送达" for row in stuck.values())
    _, page = await desk.get("/console/notifications")
    assert "微信无法联系此人" in page and "短信无法发给此人" in page
    assert "no channel" not in page and "技术详情" not in page  # no English on the desk
    _, home = await desk.get("/console/")
    assert "<b>2</b>发送失败的通知" in home


async def test_a_family_saved_by_two_batches_at_once_leaves_no_failure_it_covered(
        client: TestClient) -> None:
    """One notice on two channels is one family: its WeChat row failed in one batch and its
    SMS row sent in another, saved at the same moment, each in its own transaction. Each
    alone cannot see the other's outcome before it commits; settled one family at a time,
    the failure is covered, and the administrator has nothing to look at."""
    if not on_postgres():
        pytest.skip("SQLite runs one write transaction at a time")
    outbox = client.app[DOMAIN].outbox
    now = datetime.now(UTC) + timedelta(hours=1)  # not due for the in-process relay

    async def row(family: str, token: str) -> Notification:
        return await Notification.create(
            kind="system.test", person_id=1, params={"content": "", "at": ""}, family=family,
            status=Status.SENDING, claim_token=token, next_attempt_at=now,
            claimed_until=now + timedelta(minutes=1), client_msg_id=f"{family}-{token}")

    failed, sent = [], []
    for n in range(20):
        failed.append(await row(f"race-{n}", "a"))
        sent.append(await row(f"race-{n}", "b"))
    for item in failed:
        item.status, item.last_error = Status.FAILED, "no channel can reach this person"
    for item in sent:
        item.status, item.channel, item.sent_at = Status.SENT, "sms", now
    saved_first = asyncio.Event()

    async def first() -> None:  # its transaction held open while the second saves
        async with in_transaction():
            await outbox.save(failed)
            saved_first.set()
            await asyncio.sleep(0.5)

    async def second() -> None:
        await saved_first.wait()
        await outbox.save(sent)

    await asyncio.gather(first(), second())
    left = await Notification.filter(family__startswith="race-", status=Status.FAILED,
                                     covered=False).count()
    assert left == 0
