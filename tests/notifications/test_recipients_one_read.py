"""A relay's batch learns who each notice goes to in one statement: the person's phone, their
official-account identity, their mini-program openid and the subscribe messages they granted
(those with none left are not offered); rows addressed to an openid alone take a second. On
PostgreSQL that statement is the claim itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from bot.relay.channels import CHANNELS
from bot.relay.recipients import recipients_of
from bot.relay.relay import Relay
from models.notifications import Notification, Status, SubscribeConsent
from models.orm.statements import on_postgres
from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from services.notifications import Outbox
from tests.support.queries import QueryCounter


async def test_a_batch_reads_its_recipients_and_their_consents_at_once(demo: dict) -> None:
    applicant = demo["applicant"]
    person_id = (await WeChatIdentity.get(openid=applicant.openid)).person_id
    await SubscribeConsent.create(mp_openid=applicant.mp_openid, template_id="tpl-Exam_1",
                                  remaining=2)
    await SubscribeConsent.create(mp_openid=applicant.mp_openid, template_id="tpl-used",
                                  remaining=0)
    now = datetime.now(UTC)
    mine = [await Notification.create(kind="system.test", person_id=person_id, params={},
                                      next_attempt_at=now, client_msg_id=f"r-{n}")
            for n in range(2)]
    async with QueryCounter() as counted:
        found = await recipients_of(mine)
    assert len(counted.alone) == 1, counted.alone
    for item in mine:
        to = found[item.id]
        assert to.oa is not None and to.oa.openid == applicant.openid
        assert to.mp_openid == applicant.mp_openid
        assert to.consents == {"tpl-Exam_1": 2}
    by_openid = await Notification.create(kind="system.test", openid="o_stranger", params={},
                                          next_attempt_at=now, client_msg_id="r-openid")
    async with QueryCounter() as counted:
        found = await recipients_of([*mine, by_openid])
    assert len(counted.alone) == 2, counted.alone
    assert found[by_openid.id].oa is None and found[by_openid.id].consents == {}
    assert found[mine[0].id].consents == {"tpl-Exam_1": 2}


async def test_on_postgresql_the_claim_reads_its_recipients(
        client: TestClient, demo: dict, platform: Platform) -> None:
    """A relay's batch: the claim, the draw's own check and the outcomes' save; the
    recipients come with the claim on PostgreSQL (a statement of their own on SQLite)."""
    expert = demo["expert"]
    person_id = (await WeChatIdentity.get(openid=expert.openid)).person_id
    later = datetime.now(UTC) + timedelta(days=1)  # not due for the service's own relay
    ids = [(await Notification.create(
        kind="system.test", person_id=person_id, next_attempt_at=later,
        params={"content": "请于明早9点到达评标室", "at": "2026-11-23 09:00"},
        client_msg_id=f"claim-read-{n}")).id for n in range(2)]
    shared = client.app[CHANNELS].relay
    relay = Relay(Outbox(lease=60.0), shared.sender, shared._redis, shared._keys,
                  clock=lambda: later)
    async with QueryCounter() as counted:
        assert await relay.run() == 2
    reads = [s for s in counted.alone if "FROM person p" in s]
    assert len(reads) == (0 if on_postgres() else 1), reads
    assert {n.status for n in await Notification.filter(id__in=ids)} <= {Status.SENT,
                                                                          Status.DELIVERED}
    assert len(platform.sent_to(expert.openid, "template")) == 2
