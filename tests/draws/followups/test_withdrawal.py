"""Withdrawal (退选) as GD-DRAW times it: "现暂定评标开始 5 小时前才能发起退选操作…退选时首先要
填写退选原因并上传证明材料至抽取终端审核，核验通过后系统上点击“启动退选”即会对应拨打专家电话" —
the 5 hours are the agency's to keep, not the verifier's; the experts hear of it when the
agency starts it; and a withdrawn evaluation books none of its experts any more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.draws import DrawActivity, Invitation, InvitationStatus, Notice
from models.notifications import Notification
from services.draws.candidates.pool import blocked
from tests.support.api import Api
from tests.support.draw_world import ask_withdrawal, finish, make_experts, prepared, start_draw
from tests.support.wechat import Chat
from web.context import DOMAIN

ASKED_AT = timedelta(hours=5, minutes=10)  # the agency asks 5 h 10 min before
DECIDED_AT = timedelta(hours=4, minutes=50)  # the verifier decides 20 minutes later


async def move_evaluation(aid: int, starts_in: timedelta) -> datetime:
    """The evaluation now starts `starts_in` from now (its gathering 30 minutes before)."""
    start = datetime.now(UTC) + starts_in
    await DrawActivity.filter(id=aid).update(eval_start=start,
                                             eval_end=start + timedelta(hours=6))
    await Notice.filter(activity_id=aid).update(gather_at=start - timedelta(minutes=30))
    return start


async def test_a_withdrawal_asked_in_time_is_approved_late_and_started_by_the_agency(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    await make_experts(client, 6)
    aid, token = await prepared(api, demo, total=2, eval_in=ASKED_AT)
    assert (await start_draw(api, token, aid)).status == 200
    confirmed = await finish(chat, aid)
    # without its evidence: told to upload the 退选附件, as its page calls it
    bare = await api.call("POST", f"/draws/activities/{aid}/withdrawal", token,
                          {"reason": "招标文件需修改，评标不能如期进行"})
    assert bare.status == 400 and "请先上传退选附件" in bare.message, bare.data
    asked = await ask_withdrawal(api, token, aid, "招标文件需修改，评标不能如期进行")
    assert asked.status == 200, asked.data
    # twenty minutes later the evaluation is 4 h 50 min away: the verifier still approves
    await move_evaluation(aid, DECIDED_AT)
    verifier = await api.login(demo["verifier"].mp_openid)
    approved = await api.call("POST", f"/verify/activities/{aid}/withdrawal", verifier,
                              {"approve": True})
    assert approved.status == 200, approved.data
    state = await api.call("GET", f"/draws/activities/{aid}/withdrawal", token)
    assert state.data["approved"] and not state.data["started"]
    log = (await api.call("GET", f"/verify/activities/{aid}/log", verifier)).data["entries"]
    approval = next(e for e in log if e["action"] == "withdrawal_approve")
    assert approval["title"] == "同意退选" and approval["at"]
    # the agency is told to start it; the experts hear nothing until it does
    pushed = await Notification.filter(kind="draw.withdrawn").first()
    assert pushed is not None
    assert not await Notification.filter(kind="draw.cancelled").exists()
    started = await api.call("POST", f"/draws/activities/{aid}/withdrawal/start", token)
    assert started.status == 200 and started.data["started"]
    told = await Notification.filter(kind="draw.cancelled")
    assert {n.person_id for n in told} == {i.person_id for i in confirmed}
    # unanswered, they are told again ten minutes after the start, not after the approval
    followups = client.app[DOMAIN].draws.followups.withdrawals
    started_at = (await DrawActivity.get(id=aid)).withdrawal_started_at
    assert started_at is not None
    assert await followups.renotify(started_at + timedelta(minutes=9)) == 0
    assert await followups.renotify(started_at + timedelta(minutes=10)) == 2


async def test_a_request_too_late_is_refused_when_asked(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    await make_experts(client, 4)
    aid, token = await prepared(api, demo, total=1, eval_in=DECIDED_AT)
    assert (await start_draw(api, token, aid)).status == 200
    await finish(chat, aid)
    late = await ask_withdrawal(api, token, aid, "不可抗力")
    assert late.status == 400 and "不足5小时" in late.message


async def test_a_withdrawn_evaluation_frees_its_experts_for_another_draw_at_once(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """Its experts confirmed for those hours; once withdrawn, another draw for the same
    hours invites them instead of skipping them as booked."""
    await make_experts(client, 4)
    aid, token = await prepared(api, demo, total=2, eval_in=timedelta(days=1))
    assert (await start_draw(api, token, aid)).status == 200
    confirmed = sorted(i.expert_id for i in await finish(chat, aid))
    other, _ = await prepared(api, demo, total=1, eval_in=timedelta(days=1))
    later = await DrawActivity.get(id=other)
    venue = await Notice.get(activity_id=other)
    now = datetime.now(UTC)
    # while the evaluation stands, its experts are booked for those hours
    assert await blocked(later, venue, confirmed, now) == {e: f"booked:{aid}" for e in confirmed}
    assert (await ask_withdrawal(api, token, aid, "项目终止")).status == 200
    verifier = await api.login(demo["verifier"].mp_openid)
    assert (await api.call("POST", f"/verify/activities/{aid}/withdrawal", verifier,
                           {"approve": True})).status == 200
    # withdrawn: free at once (their invitations are kept, for the notices)
    assert await blocked(later, venue, confirmed, now) == {}
    assert await Invitation.filter(activity_id=aid,
                                   status=InvitationStatus.CONFIRMED).count() == 2
