"""An evaluation moved after its experts confirmed keeps them booked at its new hours and
frees them at its old ones ("Nobody can sit on two committees at once":
docs/rules-that-are-ours.md): the window each invitation keeps follows its activity's, by
whatever writes the activity's times, for the acceptance's check and the waves' alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.draws import DrawActivity, Invitation, InvitationStatus, Notice
from models.wechat import Channel, WeChatIdentity
from services.common.clock import CHINA
from services.draws.candidates.pool import booked
from services.draws.setup.for_peer import NOTICE_KEYS, PeerSetup
from tests.support.api import Api
from tests.support.draw_world import (
    finish,
    make_experts,
    openid_of,
    prepared,
    start_draw,
    supplement,
    the_evaluation_starts_now,
)
from tests.support.wechat import Chat


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


async def test_a_supplement_follows_the_asking_librarys_evaluation_moved(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """A 补抽 keeps its evaluation's hours: when the asking library moves the evaluation
    (PeerSetup.apply_change, what its changes do to the draw made for it), the 补抽 and its
    expert's invitation move with it, so the newcomer is booked at the new hours and free at
    the old ones like the experts of the first draw."""
    await make_experts(client, 6, first=7_420)
    aid, token = await prepared(api, demo, total=2)
    assert (await start_draw(api, token, aid)).status == 200
    await finish(chat, aid)
    _first, second = await Invitation.filter(activity_id=aid,
                                             status=InvitationStatus.CONFIRMED).order_by("id")
    now = datetime.now(UTC)
    await the_evaluation_starts_now(aid, now)
    registered = await api.call("POST", f"/draws/activities/{aid}/absences", token,
                                {"key": second.code, "kind": "缺席"})
    assert registered.status == 200, registered.data
    child = await supplement(api, token, aid, gather_at=(now + timedelta(hours=1)).isoformat())
    assert child.status == 200, child.data
    newcomer = await Invitation.get(activity_id=child.data["id"])
    assert "已确认参加" in (await chat.say(await openid_of(newcomer.person_id), "1")).text
    # the asking library moves its evaluation a day later
    parent = await DrawActivity.get(id=aid)
    notice = await Notice.get(activity_id=aid)
    day = timedelta(days=1)
    await PeerSetup.apply_change(parent, {
        "eval_start": parent.eval_start + day, "eval_end": parent.eval_end + day,
        "gather_at": notice.gather_at + day,
        "notice": {k: getattr(notice, k) for k in NOTICE_KEYS}}, now, None)
    moved = await DrawActivity.get(id=child.data["id"])
    assert (moved.eval_start, moved.eval_end) == (parent.eval_start + day,
                                                  parent.eval_end + day)
    newcomer = await Invitation.get(id=newcomer.id)
    assert newcomer.status == InvitationStatus.CONFIRMED
    assert (newcomer.eval_start, newcomer.eval_end) == (parent.eval_start + day,
                                                        parent.eval_end + day)
