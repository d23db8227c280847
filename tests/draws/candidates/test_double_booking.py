"""One expert, two evaluations at the same time, both accepted at the same moment: one is
confirmed and the other released, whichever arrives first ("Nobody can sit on two committees
at once": docs/rules-that-are-ours.md, candidates who cannot serve). Each acceptance holds
its own activity's lock, so the two would not wait for each other without the expert's."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiohttp.test_utils import TestClient

from models.draws import DrawActivity, Invitation, InvitationStatus
from models.wechat import Channel, WeChatIdentity
from services.common.clock import CHINA
from tests.support.api import Api
from tests.support.draw_world import make_experts, prepared, start_draw


async def test_two_acceptances_at_once_for_overlapping_evaluations_confirm_one(
        api: Api, client: TestClient, demo: dict) -> None:
    (expert,) = await make_experts(client, 1, first=7_300, specialty="A0202")
    # two draws two days apart, each inviting the only expert of a specialty no demo expert has
    first, token = await prepared(api, demo, total=1, specialty="A0202")
    second, _ = await prepared(api, demo, total=1, specialty="A0202",
                               eval_in=timedelta(days=4))
    for aid in (first, second):
        assert (await start_draw(api, token, aid)).status == 200
    invitations = await Invitation.filter(expert_id=expert.id).order_by("activity_id")
    assert [i.activity_id for i in invitations] == [first, second]
    assert all(i.status == InvitationStatus.SENT for i in invitations)
    # the second evaluation is moved to overlap the first while both invitations are out,
    # in China time as the agency's page sends it (stored as UTC like every other time)
    one = await DrawActivity.get(id=first)
    await DrawActivity.filter(id=second).update(
        eval_start=(one.eval_start + timedelta(hours=1)).astimezone(CHINA),
        eval_end=(one.eval_end + timedelta(hours=1)).astimezone(CHINA))
    mini = await WeChatIdentity.get(person_id=expert.person_id, channel=Channel.MINI_PROGRAM)
    expert_token = await api.login(mini.openid)
    answers = await asyncio.gather(*(
        api.call("POST", f"/expert/invitations/{i.id}/reply", expert_token, {"choice": 1})
        for i in invitations))
    assert all(a.status == 200 for a in answers), [a.data for a in answers]
    assert sorted(a.data["status"] for a in answers) == ["confirmed", "released"]
    after = [await Invitation.get(id=i.id) for i in invitations]
    assert sorted(i.status for i in after) == [InvitationStatus.CONFIRMED,
                                               InvitationStatus.RELEASED]
    released = next(i for i in after if i.status == InvitationStatus.RELEASED)
    assert released.reason == "同一时段已有评标"
