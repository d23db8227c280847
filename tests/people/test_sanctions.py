"""Sanctions, a project's supervising department and the library's caps, as the draw meets
them: each keeps an expert out with a recorded skip reason the audit reads again.

Sources: 招标投标法实施条例 Art. 71 (TBL-REG): "责令改正…情节严重的，禁止其在一定期限内参加依法
必须进行招标的项目的评标；情节特别严重的，取消其担任评标委员会成员的资格"; Art. 46: "行政监督部门的
工作人员不得担任本部门负责监督项目的评标委员会成员"; the library's caps per expert and per
expert and tenderer (their values are ours: docs/rules-that-are-ours.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.draws import Condition, DrawActivity, Invitation, SkippedCandidate
from models.experts import ExpertProfile
from models.notifications import Notification
from models.people import Person
from models.sanctions import Sanction
from models.wechat import Channel, WeChatIdentity
from sandbox.platform import Platform
from services.common.clock import CHINA
from services.demo_codes import demo_credit_code
from services.draws.randomness.audit import DrawAudit, draw_key, order
from services.draws.record.results import Results
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.draw_world import NONCE, finish, make_experts, prepared, start_draw
from tests.support.helpers import eventually
from tests.support.wechat import Chat


async def _first_in_order(aid: int) -> ExpertProfile:
    """The candidate the committed seed and the handler's value put first."""
    activity = await DrawActivity.get(id=aid)
    (condition,) = await Condition.filter(activity_id=aid)
    first = order(draw_key(activity.seed or "", NONCE), condition.id, "main",
                  condition.pool or [])[0]
    return await ExpertProfile.get(id=first)


async def _signed_in(api: Api, expert: ExpertProfile) -> str:
    """The expert's mini-program session."""
    identity = await WeChatIdentity.get(person_id=expert.person_id,
                                        channel=Channel.MINI_PROGRAM)
    return await api.login(identity.openid)


async def _everyone() -> int:
    """A committee as large as the pool: everyone who may serve is invited."""
    return await ExpertProfile.filter(active=True).count()


async def _audit_ok(aid: int) -> list[str]:
    activity = await DrawActivity.get(id=aid)
    report = DrawAudit.audit(activity.seed or "", activity.seed_hash or "",
                             await Results.audit_records(activity), activity.nonce or "")
    return report.problems


def _months_on(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, min(day.day, 28))


async def test_a_suspended_expert_is_skipped_told_may_appeal_and_is_drawn_after_the_period(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform) -> None:
    """Art. 71: a ban "在一定期限内": the administrator suspends for 3 months; the expert is
    told and appeals once; the next draw skips them with that reason, and the audit
    re-derives it; a draw after the period invites them again."""
    await make_experts(client, 4, first=3100)
    aid, token = await prepared(api, demo, total=2)
    suspended = await _first_in_order(aid)
    admin = await api.login(demo["admin"].mp_openid)
    today = datetime.now(UTC).astimezone(CHINA).date()
    ends = _months_on(today, 3) - timedelta(days=1)
    refused = await api.call("POST", "/admin/sanctions", admin, {
        "expert_number": suspended.expert_number, "kind": "suspension",
        "reason": "评标时擅离职守", "starts_on": today.isoformat()})
    assert refused.status == 400 and "截止日期" in refused.message  # a period needs its end
    decided = await api.call("POST", "/admin/sanctions", admin, {
        "expert_number": suspended.expert_number, "kind": "suspension",
        "reason": "2026年11月某项目评标时擅离职守", "starts_on": today.isoformat(),
        "ends_on": ends.isoformat()})
    assert decided.status == 200, decided.data
    assert decided.data["kind_title"] == "暂停评标资格" and decided.data["in_force"]
    # the administrator reads a name, not an id
    assert decided.data["expert_name"] == (await Person.get(id=suspended.person_id)).name
    # told, by WeChat or, for a follower WeChat does not let us reach, by SMS
    person = await Person.get(id=suspended.person_id)
    openid = (await WeChatIdentity.get(person_id=person.id,
                                       channel=Channel.OFFICIAL_ACCOUNT)).openid
    await eventually(lambda: bool(platform.sent_to(openid)) or any(
        "暂停评标资格" in m for m in platform.sms_to(person.phone or "")), timeout=15)
    told = await Notification.get(kind="expert.sanctioned", person_id=suspended.person_id)
    assert told.params["kind"] == "暂停评标资格" and f"{ends.day}日" in told.params["period"]
    # the expert reads it and appeals once; a second appeal is refused in words
    mine = await _signed_in(api, suspended)
    listed = await api.call("GET", "/expert/sanctions", mine)
    (item,) = listed.data["items"]
    assert item["reason"] == "2026年11月某项目评标时擅离职守" and item["in_force"]
    sid = item["id"]
    appealed = await api.call("POST", f"/expert/sanctions/{sid}/appeal", mine,
                              {"appeal": "当日因突发疾病离开，已向组长报告，附医院证明。"})
    assert appealed.status == 200 and appealed.data["appealed_at"]
    again = await api.call("POST", f"/expert/sanctions/{sid}/appeal", mine, {"appeal": "再申诉"})
    assert again.status == 409 and "只能申诉一次" in again.message
    # another expert cannot appeal it
    neighbour = await ExpertProfile.get(
        expert_number="T-3100" if suspended.expert_number != "T-3100" else "T-3101")
    other = await _signed_in(api, neighbour)
    assert (await api.call("POST", f"/expert/sanctions/{sid}/appeal", other,
                           {"appeal": "x"})).status == 404
    # the administrator sees it waiting, upholds it; the expert is told
    waiting = await api.call("GET", "/admin/sanctions", admin, params={"view": "appealed"})
    assert [i["id"] for i in waiting.data["items"]] == [sid]
    ruled = await api.call("POST", f"/admin/sanctions/{sid}/ruling", admin,
                           {"outcome": "upheld", "ruling": "未能提供离开前报告的记录，维持处理。"})
    assert ruled.status == 200 and ruled.data["outcome_title"] == "维持处理"
    assert await Notification.exists(kind="expert.appeal_ruled", person_id=suspended.person_id)
    # the draw: the first in order is skipped with the sanction, the audit agrees
    assert (await start_draw(api, token, aid)).status == 200
    await finish(chat, aid)
    skip = await SkippedCandidate.get(expert_id=suspended.id)
    assert skip.reason == f"sanction:{sid}" and skip.rank == 0
    assert not await Invitation.exists(activity_id=aid, expert_id=suspended.id)
    assert await _audit_ok(aid) == []
    # a skip made up with someone else's sanction is caught
    stranger = await Sanction.create(
        expert_id=neighbour.id,
        kind="suspension", reason="x", decided_on=today, starts_on=today, ends_on=ends,
        decided_by=suspended.person_id)
    await SkippedCandidate.filter(id=skip.id).update(reason=f"sanction:{stranger.id}")
    assert any("not theirs" in p for p in await _audit_ok(aid))
    await SkippedCandidate.filter(id=skip.id).update(reason=skip.reason)
    await stranger.delete()
    # after the period the expert is drawn again: a draw whose evaluation falls after it
    later, later_token = await prepared(api, demo, total=await _everyone(),
                                        eval_in=timedelta(days=(ends - today).days + 3))
    assert (await start_draw(api, later_token, later)).status == 200
    assert await Invitation.exists(activity_id=later, expert_id=suspended.id)
    assert not await SkippedCandidate.filter(condition__activity_id=later).exists()


async def test_a_revoked_sanction_keeps_nobody_out(api: Api, chat: Chat, client: TestClient,
                                                    demo: dict) -> None:
    """An appeal that succeeds (撤销) lifts the exclusion from the ruling on."""
    await make_experts(client, 3, first=3200)
    aid, token = await prepared(api, demo, total=3)
    target = await _first_in_order(aid)
    admin = await api.login(demo["admin"].mp_openid)
    today = datetime.now(UTC).astimezone(CHINA).date()
    decided = await api.call("POST", "/admin/sanctions", admin, {
        "expert_number": target.expert_number, "kind": "removal",
        "reason": "收受投标人财物", "starts_on": today.isoformat()})
    assert decided.status == 200 and decided.data["period"].endswith("起")
    mine = await _signed_in(api, target)
    sid = decided.data["id"]
    early = await api.call("POST", f"/admin/sanctions/{sid}/ruling", admin,
                           {"outcome": "revoked", "ruling": "x"})
    assert early.status == 409 and "还没有" in early.message  # nothing to rule on yet
    assert (await api.call("POST", f"/expert/sanctions/{sid}/appeal", mine,
                           {"appeal": "系同名人员，非本人。"})).status == 200
    # the administrator's home counts the appeal waiting, and no longer once ruled
    desk = Desk(client)
    await desk.sign_in(demo["admin"].phone)
    assert "<b>1</b>待复核的处分申诉" in (await desk.get("/console/home"))[1]
    ruled = await api.call("POST", f"/admin/sanctions/{sid}/ruling", admin,
                           {"outcome": "revoked", "ruling": "经核实系同名人员，撤销处理。"})
    assert ruled.status == 200 and not ruled.data["in_force"]
    in_force = await api.call("GET", "/admin/sanctions", admin, params={"view": "in_force"})
    assert sid not in [i["id"] for i in in_force.data["items"]]
    assert "<b>0</b>待复核的处分申诉" in (await desk.get("/console/home"))[1]
    assert (await start_draw(api, token, aid)).status == 200
    assert await Invitation.exists(activity_id=aid, expert_id=target.id)


async def test_the_supervising_departments_staff_are_never_drawn_for_its_projects(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """Art. 46: "行政监督部门的工作人员不得担任本部门负责监督项目的评标委员会成员": an expert
    who declared the department is skipped for its projects, and drawn for others."""
    made = await make_experts(client, 3, first=3300)
    bureau = ("广州市住房和城乡建设局", demo_credit_code(900))
    staff = made[0]
    mine = await api.login("mp_ex_3300")
    declared = await api.call("PUT", "/expert/department", mine, {
        "dept_name": bureau[0], "dept_credit_code": bureau[1]})
    assert declared.status == 200, declared.data
    # a committee as large as the pool reaches everyone: the staff member is met in order
    aid, token = await prepared(api, demo, total=await _everyone(), supervisor=bureau)
    assert (await start_draw(api, token, aid)).status == 200
    await finish(chat, aid)
    skip = await SkippedCandidate.get(expert_id=staff.id)
    assert skip.reason == "supervisor"
    assert not await Invitation.exists(activity_id=aid, expert_id=staff.id)
    assert await _audit_ok(aid) == []
    # a made-up one (an expert the department does not employ) is caught
    await SkippedCandidate.filter(id=skip.id).update(expert_id=made[1].id)
    assert any("does not employ" in p for p in await _audit_ok(aid))
    await SkippedCandidate.filter(id=skip.id).update(expert_id=staff.id)
    # another department's project draws them
    other, other_token = await prepared(api, demo, total=await _everyone(),
                                        eval_in=timedelta(days=5),
                                        supervisor=("广州市交通运输局", demo_credit_code(901)))
    assert (await start_draw(api, other_token, other)).status == 200
    assert await Invitation.exists(activity_id=other, expert_id=staff.id)


async def test_caps_skip_an_expert_at_the_limit_and_not_for_another_tenderer(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """Caps per expert and tenderer, and per expert: an expert who served this tenderer
    once is skipped for its next project at a cap of 1, not for another tenderer's; at an
    overall cap of 1 they are skipped for both."""
    await make_experts(client, 4, first=3400)
    admin = await api.login(demo["admin"].mp_openid)
    assert (await api.call("GET", "/admin/draw-policy", admin)).data["tenderer_cap"] is None
    set_ = await api.call("PUT", "/admin/draw-policy", admin,
                          {"tenderer_cap": 1, "tenderer_months": 12})
    assert set_.status == 200
    first, token = await prepared(api, demo, total=2)
    assert (await start_draw(api, token, first)).status == 200
    served = {i.expert_id for i in await finish(chat, first)}
    assert len(served) == 2
    # the same tenderer, three days later: both are skipped at the cap
    again, again_token = await prepared(api, demo, total=await _everyone(),
                                        eval_in=timedelta(days=3))
    assert (await start_draw(api, again_token, again)).status == 200
    skipped = {s.expert_id: s.reason for s in await SkippedCandidate.filter(
        condition__activity_id=again)}
    assert set(skipped) == served and set(skipped.values()) == {"tenderer_cap:1:12"}
    assert await _audit_ok(again) == []
    # another tenderer's project invites them
    other_tenderer = ("某市第二中学", demo_credit_code(51))
    other, other_token = await prepared(api, demo, total=await _everyone(),
                                        eval_in=timedelta(days=4),
                                        tenderer=other_tenderer)
    assert (await start_draw(api, other_token, other)).status == 200
    assert served <= set(await Invitation.filter(activity_id=other).values_list(
        "expert_id", flat=True))
    # an overall cap of 1: skipped for every tenderer
    assert (await api.call("PUT", "/admin/draw-policy", admin, {
        "expert_cap": 1, "expert_months": 6})).status == 200
    third, third_token = await prepared(api, demo, total=await _everyone(),
                                        eval_in=timedelta(days=6),
                                        tenderer=("某市第三中学", demo_credit_code(52)))
    assert (await start_draw(api, third_token, third)).status == 200
    reasons = {s.expert_id: s.reason for s in await SkippedCandidate.filter(
        condition__activity_id=third)}
    assert {reasons.get(e) for e in served} == {"cap:1:6"}
    assert await _audit_ok(third) == []
