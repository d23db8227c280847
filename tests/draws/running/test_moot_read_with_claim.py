"""A queued invitation notice whose invitation was answered on another channel first is not
sent (services/draws/running/moot.py); on PostgreSQL the invitation it names is read by the
relay's claim itself, not by a statement of its own for the batch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from bot.relay.channels import CHANNELS
from bot.relay.relay import Relay
from models.draws import Invitation, InvitationStatus
from models.notifications import Notification, Status
from models.orm.statements import on_postgres
from models.wechat import WeChatIdentity
from services.draws.news.notices import Notices
from services.notifications import Outbox
from tests.support.draw_world import invited_by_sms
from tests.support.queries import QueryCounter


async def test_an_answered_invitation_s_notice_is_skipped_with_the_claim_s_read(
        client: TestClient, demo: dict) -> None:
    person_id = int((await WeChatIdentity.get(openid=demo["expert"].openid)).person_id)
    now = datetime.now(UTC)
    invitation = await invited_by_sms(person_id, now)
    await Invitation.filter(id=invitation.id).update(status=InvitationStatus.CONFIRMED,
                                                     answered_via="sms",
                                                     replied_at=now)
    later = now + timedelta(days=1)  # not due for the service's own relay
    params = Notices.invitation_params(await Notices.notice_of(invitation), invitation, 10)
    row = await Notification.create(kind="draw.invitation", person_id=person_id,
                                    params={**params, "invitation": str(invitation.id),
                                            "link": "https://example.cn/a/x"},
                                    next_attempt_at=later, client_msg_id="moot-claim-1")
    shared = client.app[CHANNELS].relay
    relay = Relay(Outbox(lease=60.0), shared.sender, shared._redis, shared._keys,
                  clock=lambda: later)
    async with QueryCounter() as counted:
        assert await relay.run() == 1
    skipped = await Notification.get(id=row.id)
    assert skipped.status == Status.SKIPPED, skipped.last_error
    assert "answered first" in (skipped.last_error or "")
    reads = [s for s in counted.alone if 'FROM "draw_invitation"' in s]
    assert len(reads) == (0 if on_postgres() else 1), reads
