"""An evaluation moved after its experts confirmed keeps them booked at its new hours and
frees them at its old ones ("Nobody can sit on two committees at once":
docs/rules-that-are-ours.md): the window each invitation keeps follows its activity's, by
whatever writes the activity's times, for the acceptance's check and the waves' alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.draws import DrawActivity, Invitation, InvitationStatus
from models.wechat import Channel, WeChatIdentity
from services.common.clock import CHINA
from services.draws.candidates.pool import booked
from tests.support.api import Api
from tests.support.draw_world import make_experts, prepared, start_draw


async def _expert_in_two_draws(api: Api, client: TestClient, demo: dict, number: int
                               ) -> tuple[int, int, int, str]:
    """Two evaluations four days apart, each inviting the only expert of a specialty no
    demo expert has: (the first, the second, the expert's id, their mini-program token)."""
    (expert,) = await make_experts(client, 1, first=number, specialty="A0202")
    first, token = await prepared(api, demo, total=1, specialty="A0202")
    second, _ = await prepared(api, demo, total=1, specialty="A0202",
                               eval_in=timedelta(days=6))
    for aid in (first, second):
        assert (await start_draw(api, token, aid)).status == 200
    mini = await WeChatIdentity.get(person_id=expert.person_id, channel=Channel.MINI_PROGRAM)
    return first, second, expert.id, await api.login(mini.openid)


async def _accept(api: Api, token: str, aid: int, expert_id: int) -> Invitation:
    invitation = await Invitation.get(activity_id=aid, expert_id=expert_id)
    answer = await api.call("POST", f"/expert/invitations/{invitation.id}/reply", token,
                            {"choice": 1})
    assert answer.status == 200, answer.data
    return await Invitation.get(id=invitation.id)


async def test_an_evaluation_moved_onto_another_refuses_the_overlap(
        api: Api, client: TestClient, demo: dict) -> None:
    first, second, expert_id, token = await _expert_in_two_draws(api, client, demo, 7_400)
    assert (await _accept(api, token, first, expert_id)).status == InvitationStatus.CONFIRMED
    two = await DrawActivity.get(id=second)
    now = datetime.now(UTC)
    assert await booked(two, [expert_id], now, confirmed_only=True) == {}
    # the first evaluation postponed onto the second's hours (in China time, as the agency's
    # page sends it), written to the activity alone
    await DrawActivity.filter(id=first).update(
        eval_start=(two.eval_start - timedelta(hours=1)).astimezone(CHINA),
        eval_end=(two.eval_start + timedelta(hours=1)).astimezone(CHINA))
    moved = await Invitation.get(activity_id=first, expert_id=expert_id)
    assert (moved.eval_start, moved.eval_end) == (two.eval_start - timedelta(hours=1),
                                                  two.eval_start + timedelta(hours=1))
    # a wave of the second would skip the expert as booked, and their acceptance is refused
    assert await booked(two, [expert_id], now, confirmed_only=True) == {expert_id: first}
    refused = await _accept(api, token, second, expert_id)
    assert refused.status == InvitationStatus.RELEASED
    assert refused.reason == "同一时段已有评标"


async def test_an_evaluation_moved_away_frees_its_old_hours(
        api: Api, client: TestClient, demo: dict) -> None:
    (expert,) = await make_experts(client, 1, first=7_410, specialty="A0202")
    first, token = await prepared(api, demo, total=1, specialty="A0202")
    assert (await start_draw(api, token, first)).status == 200
    mini = await WeChatIdentity.get(person_id=expert.person_id, channel=Channel.MINI_PROGRAM)
    expert_token = await api.login(mini.openid)
    assert (await _accept(api, expert_token, first, expert.id)).status == \
        InvitationStatus.CONFIRMED
    # postponed by ten days: a draw for its old hours invites the expert, who is confirmed
    one = await DrawActivity.get(id=first)
    await DrawActivity.filter(id=first).update(eval_start=one.eval_start + timedelta(days=10),
                                               eval_end=one.eval_end + timedelta(days=10))
    again, _ = await prepared(api, demo, total=1, specialty="A0202")
    hours = await DrawActivity.get(id=again)
    assert hours.eval_start < one.eval_end and hours.eval_end > one.eval_start
    assert (await start_draw(api, token, again)).status == 200
    assert (await _accept(api, expert_token, again, expert.id)).status == \
        InvitationStatus.CONFIRMED
