"""The gathering time corrected after the draw has ended (docs/rules-that-are-ours.md):
until the evaluation begins the agency may correct it; every confirmed expert, a 补抽's too,
hears the new time at once and the reminders follow it; a time already past and a correction
once the evaluation has begun are refused in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.draws import DrawActivity, Invitation, InvitationStatus, Notice
from models.notifications import Notification
from models.people import Person
from services.common.clock import china_time
from tests.support.api import Api
from tests.support.draw_world import (
    drawn,
    finish,
    make_experts,
    supplement,
    the_evaluation_starts_now,
)
from tests.support.helpers import eventually
from tests.support.wechat import Chat
from web.context import DOMAIN


async def _correct(api: Api, token: str, aid: int, gather_at: datetime) -> tuple[int, str]:
    notice = await Notice.get(activity_id=aid)
    answer = await api.call("PUT", f"/draws/activities/{aid}/notices/{notice.id}/gathering",
                            token, {"gather_at": gather_at.isoformat()})
    return answer.status, answer.message


async def test_a_corrected_gathering_time_reaches_every_confirmed_expert_and_the_reminders(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    await make_experts(client, 6)
    aid, token = await drawn(api, chat, demo)  # ended, the evaluation in two days
    first = await Invitation.filter(activity_id=aid, status=InvitationStatus.CONFIRMED
                                    ).order_by("id").first()
    assert first is not None
    # one expert registered absent and replaced by a 补抽 gathering at the same time
    absent = await api.call("POST", f"/draws/activities/{aid}/absences", token,
                            {"key": (await Person.get(id=first.person_id)).phone, "kind": "请假"})
    assert absent.status == 200
    await eventually(lambda: Invitation.filter(id=first.id, status=InvitationStatus.ABSENT
                                               ).exists(), timeout=10)
    assert (await supplement(api, token, aid)).status == 200
    await eventually(lambda: Invitation.filter(activity__parent_id=aid).exists(), timeout=10)
    child = await DrawActivity.get(parent_id=aid)
    await finish(chat, child.id)
    serving = await Invitation.filter(activity_id__in=[aid, child.id],
                                      status=InvitationStatus.CONFIRMED)
    assert len(serving) == 2
    old = (await Notice.get(activity_id=aid)).gather_at
    new = old + timedelta(hours=1, minutes=30)
    # refused: a time already past
    status, message = await _correct(api, token, aid, datetime.now(UTC) - timedelta(hours=1))
    assert status == 400 and "已经过去" in message
    assert (await Notice.get(activity_id=aid)).gather_at == old
    # corrected: both experts told the new time at once; the 补抽's notice follows
    status, _ = await _correct(api, token, aid, new)
    assert status == 200
    assert (await Notice.get(activity_id=child.id)).gather_at == new
    told = await Notification.filter(kind="draw.gathering_changed")
    assert {n.person_id for n in told} == {i.person_id for i in serving}
    assert {n.params["gather_at"] for n in told} == {china_time(new)}  # China time
    # the reminders follow the new time: none at the old one's 2 hours, both at the new one's
    att = client.app[DOMAIN].draws.venue.attendance
    assert await att.remind(old - timedelta(hours=2)) == 0
    assert await att.remind(new - timedelta(hours=2)) == 2
    # once the evaluation has begun: refused in words, nothing changes
    await the_evaluation_starts_now(aid, datetime.now(UTC))
    status, message = await _correct(api, token, aid, new + timedelta(hours=1))
    assert status == 409 and "评标已经开始" in message
