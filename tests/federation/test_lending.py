"""Another library asks this one for experts for a 副场 here (NDRC-26 异地抽取; FG-807): the
request is decided as that library's `accept` says (a standing rule, never, or this
library's administrator with a reason), drawn from this library's pool with its own
committed seed and the asking handler's value, its experts invited and confirming by chat
here, and the asker told only the masked name, the specialty and the verification code of
each confirmed expert. The draw audits like any other (`expertbot audit`)."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from config.settings import Settings
from models.audit import AuditEntry
from models.draws import Avoidance, DrawActivity, Invitation, InvitationStatus, Notice
from models.evaluation.scores import RecordProposal
from models.experts import ExpertProfile
from models.federated_draws import PeerDraw
from models.notifications import Notification
from models.people import Person, Role, RoleGrant, phone_is
from models.performance import PerformanceRecord
from services.common.clock import CHINA, china_today
from services.demo_codes import demo_credit_code, demo_id
from services.draws.facts import Actor
from services.draws.record import Entry
from services.draws.setup import PeerSetup
from services.federation import PeerRefused
from services.federation.persons_key import fingerprint, sent_form
from tests.support.api import Api
from tests.support.cli import Expertbot
from tests.support.console import Desk
from tests.support.draw_world import finish, make_experts, openid_of, the_results_unseal
from tests.support.federation import (
    ASKER,
    asking,
    centre_of_shaoguan,
    draw_request,
    lending_here,
)
from tests.support.fees import evaluation_over, nine_today, publish, worked
from tests.support.performance import mini_token
from tests.support.wechat import Chat
from web.context import DOMAIN


@pytest.fixture
def settings(settings: Settings, monkeypatch: pytest.MonkeyPatch,
             request: pytest.FixtureRequest) -> Settings:
    """This service as 韶关's library, trusting 广州's, deciding its requests as the test's
    parameter says (by default its administrator)."""
    lending_here(monkeypatch, getattr(request, "param", "admin"))
    return settings


@pytest.mark.parametrize("settings", ["auto"], indirect=True)
async def test_a_standing_rule_accepts_draws_here_with_the_askers_value_and_answers_masked(
        client: TestClient, settings: Settings, chat: Chat, api: Api, demo: dict,
        expertbot: Expertbot) -> None:
    # 韶关: 5 experts of the specialty, one of them working for the asker's tenderer
    experts = await make_experts(client, 5, first=3000, region="440203", specialty="A0401")
    tenderer_code = demo_credit_code(3004)
    federation, peer, session = asking(client, settings)
    body = draw_request(count=3, tenderer=("某市第一中学", tenderer_code))
    async with session:
        said = await federation.call(peer, "POST", "/federation/v1/draws", int(time.time()),
                                     data=body)
        assert said["status"] == "drawing" and said["experts"] == []
        draw = await PeerDraw.get(request_id=body["request_id"])
        activity = await DrawActivity.get(id=draw.activity_id)
        # this library's own draw: its seed committed, the asker's value mixed in
        assert activity.kind == "peer" and activity.nonce == body["nonce"]
        assert activity.seed_hash and activity.agency_id == 0
        assert await Avoidance.filter(activity_id=activity.id,
                                      credit_code=tenderer_code).exists()
        invited = await Invitation.filter(activity_id=activity.id)
        assert len(invited) == 3 and experts[4].id not in {i.expert_id for i in invited}
        # the experts confirm here, by chat, as for any draw
        reply = await chat.say(await openid_of(invited[0].person_id), "1")
        assert reply.status == 200
        confirmed = await finish(chat, activity.id)
        assert len(confirmed) == 3
        answer = await federation.call(peer, "GET",
                                       f"/federation/v1/draws/{body['request_id']}",
                                       int(time.time()))
    assert answer["status"] == "done" and answer["confirmed"] == 3
    assert answer["region"] == "440200" and answer["specialty"] == "A0401"
    codes = {i.code for i in confirmed}
    for expert in answer["experts"]:
        assert set(expert) == {"name", "specialty", "specialty_name", "code"}
        assert expert["name"].startswith("专*") and expert["code"] in codes
        assert expert["specialty"] == "A0401" and "/" in expert["specialty_name"]
    shown = json.dumps(answer, ensure_ascii=False)
    for personal in ("1390000", "T-3", "单位", "o_ex_", "440104"):
        assert personal not in shown
    # both the exchange and this library's draw are on its trail; the draw audits
    said_what = [e.detail["what"] for e in await AuditEntry.filter(
        action="federation").order_by("id")]
    assert said_what[:3] == ["draw_received", "draw_accepted", "draw_started"]
    assert said_what.count("draw_answered") == 2  # drawing (none yet), then done with 3
    assert (await expertbot("audit", str(activity.id)))[0] == 0
    token = await api.login(demo["audit_admin"].mp_openid)
    trail = await api.call("GET", "/admin/audit-trail", token)
    words = [e["what"] for e in trail.data["entries"] if e["title"] == "其他专家库的库间调用"]
    assert "广州市评标专家库（440100）请求本库为其副场抽取专家" in words
    # our statistics count the draw apart from our agencies' draws; our experts' answers count
    admin = await api.login(demo["admin"].mp_openid)
    month = datetime.fromisoformat(body["eval_start"]).astimezone(CHINA).strftime("%Y-%m")
    figures = await api.call("GET", "/admin/statistics", admin,
                             params={"from_month": month, "to_month": month})
    assert (figures.data["total"]["lent"], figures.data["total"]["draws"]) == (1, 0)
    assert figures.data["total"]["invited"] == 3


async def test_the_administrator_decides_on_the_console_and_a_refusal_says_why(
        client: TestClient, settings: Settings, api: Api, demo: dict) -> None:
    await make_experts(client, 3, first=3100, region="440204", specialty="A0401")
    federation, peer, session = asking(client, settings)
    first, second = draw_request(count=2), draw_request(count=2)
    async with session:
        said = await federation.call(peer, "POST", "/federation/v1/draws", int(time.time()),
                                     data=first)
        assert said["status"] == "pending"
        await federation.call(peer, "POST", "/federation/v1/draws", int(time.time()),
                              data=second)
        token = await api.login(demo["admin"].mp_openid)
        listed = await api.call("GET", "/admin/federation/requests", token)
        assert [r["status_title"] for r in listed.data["requests"]] == ["待审核", "待审核"]
        row = listed.data["requests"][1]
        assert row["peer_name"] == "广州市评标专家库" and row["region_name"] == "广东省韶关市"
        assert row["region"] == "440200" and row["count"] == 2
        assert "建筑工程设计" in row["specialty_name"] and "韶关市公共资源交易中心" in row["venue"]
        # each system administrator is told at once, once a request (the same request sent
        # again is the same), and her home counts what waits on her
        await federation.call(peer, "POST", "/federation/v1/draws", int(time.time()),
                              data=first)
        admins = {g.person_id for g in await RoleGrant.filter(role=Role.ADMIN,
                                                               revoked_at=None)}
        told = await Notification.filter(kind="draw.lent_asked").order_by("id")
        assert admins and sorted(n.person_id for n in told) == sorted([*admins, *admins])
        assert (told[0].params["library"], told[0].params["count"]) == ("广州市评标专家库", 2)
        desk = Desk(client)
        await desk.sign_in("13800000007")
        _, home = await desk.get("/console/home")
        assert '<b>2</b>待决定的其他专家库抽取请求' in home
        # on the console: a refusal without a reason is refused, what was typed kept
        page, text = await desk.get("/console/federation-requests")
        assert page.status == 200 and "广东省韶关市" in text and "待审核" in text
        waiting = await PeerDraw.get(request_id=first["request_id"])
        refused, text = await desk.post(f"/console/federation-requests/{waiting.id}",
                                        {"accept": "0", "reason": ""})
        assert refused.status == 409 and "须填写原因" in text
        refused, _ = await desk.post(f"/console/federation-requests/{waiting.id}",
                                     {"accept": "0", "reason": "该时段本库专家已安排其他评标"})
        assert refused.status == 303
        assert "已拒绝广州市评标专家库的抽取请求" in await desk.flash(
            "/console/federation-requests")
        answer = await federation.call(peer, "GET",
                                       f"/federation/v1/draws/{first['request_id']}",
                                       int(time.time()))
        assert answer["status"] == "refused"
        assert answer["reason"] == "该时段本库专家已安排其他评标"
        other = await PeerDraw.get(request_id=second["request_id"])
        accepted = await api.call("POST", f"/admin/federation/requests/{other.id}/decision",
                                  token, {"accept": True})
        assert accepted.status == 200 and accepted.data["status_title"] == "抽取中"
        assert accepted.data["activity_number"].startswith("CQYD")
        again = await api.call("POST", f"/admin/federation/requests/{other.id}/decision",
                               token, {"accept": False, "reason": "重复"})
        assert again.status == 409
        drawing = await federation.call(peer, "GET",
                                        f"/federation/v1/draws/{second['request_id']}",
                                        int(time.time()))
        assert drawing["status"] == "drawing"
        assert await Invitation.filter(status=InvitationStatus.SENT).count() == 2
        # the asking library's draw stopped: ours for it stops, no new invitation
        stopped = await federation.call(
            peer, "POST", f"/federation/v1/draws/{second['request_id']}/cancel",
            int(time.time()))
        assert stopped["status"] == "cancelled"
        activity = await DrawActivity.get(id=(await PeerDraw.get(id=other.id)).activity_id)
        assert activity.status == "ended" and activity.end_reason == "forced"
        listed = await api.call("GET", "/admin/federation/requests", token)
        assert listed.data["requests"][0]["status_title"] == "请求方已取消"
        # an agency's desk has no such list
        handler = await api.login(demo["handler"].mp_openid)
        assert (await api.call("GET", "/admin/federation/requests", handler)).status == 403


@pytest.mark.parametrize("settings", ["never"], indirect=True)
async def test_never_refuses_in_words_a_bad_request_and_a_replay_are_refused(
        client: TestClient, settings: Settings) -> None:
    federation, peer, session = asking(client, settings)
    async with session:
        said = await federation.call(peer, "POST", "/federation/v1/draws", int(time.time()),
                                     data=draw_request())
        assert said["status"] == "refused" and "不接受" in said["reason"]
        bad: dict[str, Any] = {**draw_request(), "region": "4402"}
        path = "/federation/v1/draws"
        payload = json.dumps(bad, ensure_ascii=False).encode()
        headers = federation.trust.sign_request(peer, "POST", path, payload, int(time.time()))
        headers["Content-Type"] = "application/json"
        url = str(client.make_url(path))
        async with session.post(url, data=payload, headers=headers) as refused:
            answer = await refused.json()
            assert refused.status == 400 and answer["error"] == "bad_request"
            assert "六位行政区划代码" in answer["message"]
        async with session.post(url, data=payload, headers=headers) as again:
            assert again.status == 401 and (await again.json())["error"] == "replayed"
    assert await PeerDraw.filter(request_id=bad["request_id"]).count() == 0
    assert not await DrawActivity.filter(kind="peer").exists()



@pytest.mark.parametrize("settings", ["auto"], indirect=True)
async def test_experts_lent_are_paid_by_the_asking_librarys_rule_between_both_standards(
        client: TestClient, settings: Settings, chat: Chat, api: Api, demo: dict) -> None:
    """FG-807: 副场 experts are paid by either side's standard, 就高不就低 encouraged. The
    asking library (the 主场's) sends its administrator's rule and its standard; this
    library pays its experts at the 副场 by that rule, and says which standard applied."""
    await make_experts(client, 2, first=3200, region="440203", specialty="A0401")
    today = china_today(datetime.now(UTC))
    assert (await publish(api, demo, today)).status == 200  # ours: 400 yuan for 3 hours
    federation, peer, session = asking(client, settings)
    theirs = {"name": "广州库劳务费标准", "base_hours": 3, "base_fen": 50000,
              "hour_fen": 12000, "part_hour_counts": True, "daily_cap_fen": 100000,
              "cancel_fen": 20000, "travel_fen": 15000, "meal_fen": 10000}
    async with session:
        bad = draw_request(count=1)
        bad["fee"] = {"rule": "higher", "standard": {**theirs, "base_fen": -1}}
        with pytest.raises(PeerRefused) as refused:  # a bad field is named, nothing kept
            await federation.call(peer, "POST", "/federation/v1/draws", int(time.time()),
                                  data=bad)
        assert "劳务费标准的基础金额" in refused.value.message
        assert not await PeerDraw.exists(request_id=bad["request_id"])
        body = draw_request(count=1)
        body["fee"] = {"rule": "higher", "standard": theirs}
        said = await federation.call(peer, "POST", "/federation/v1/draws", int(time.time()),
                                     data=body)
        assert said["status"] == "drawing"
    draw = await PeerDraw.get(request_id=body["request_id"])
    (served,) = await finish(chat, draw.activity_id)
    # at the 副场: the centre's staff check the ID card and enter the code the asking
    # library was given (the evaluation begins in 50 minutes, the gathering in 20)
    soon = datetime.now(UTC)
    await DrawActivity.filter(id=draw.activity_id).update(
        eval_start=soon + timedelta(minutes=50), eval_end=soon + timedelta(hours=5))
    await Notice.filter(activity_id=draw.activity_id).update(
        gather_at=soon + timedelta(minutes=20))
    # the demo's verifier keeps 广州's centre: here they keep 韶关's (this library's region)
    await RoleGrant.filter(role="verifier", region="4401").update(region="4402")
    staff = await api.login(demo["verifier"].mp_openid)
    checked = await api.call("POST", f"/venues/activities/{draw.activity_id}/identity-check",
                             staff, {"verification_code": served.code,
                                     "id_card_matches": True})
    assert checked.status == 200 and checked.data["checked_in"], checked.data
    now = await evaluation_over(draw.activity_id)
    await worked(served, nine_today(now), 2.5)
    fees = None
    for n in (3200, 3201):  # whichever of the two was drawn
        token = await api.login(f"mp_ex_{n}")
        got = await api.call("GET", "/expert/fees", token)
        if got.data["fees"]:
            fees = got.data["fees"]
    assert fees is not None and len(fees) == 1
    (fee,) = fees
    # the venue is named as a 副场, and the higher of the two standards paid, named
    assert fee["venue"] == "韶关市公共资源交易中心（副场）"
    assert fee["computed_yuan"] == "500.00"
    assert "就高不就低，适用主场所在库标准「广州库劳务费标准」" in fee["breakdown"]


@pytest.mark.parametrize("settings", ["auto"], indirect=True)
async def test_an_asker_that_withdraws_has_our_confirmed_experts_told_once(
        client: TestClient, settings: Settings, chat: Chat) -> None:
    """The asker's evaluation withdrawn (docs/federation.md, stopping, version 1.1): our draw
    for it is withdrawn and each expert who confirmed is told why and asked to acknowledge,
    once however often the asker says it; a `release` the protocol does not have is refused
    and changes nothing; an expert's 收到 is recorded."""
    await make_experts(client, 3, first=3100, region="440203", specialty="A0401")
    federation, peer, session = asking(client, settings)
    body = draw_request(count=2)
    cancel = f"/federation/v1/draws/{body['request_id']}/cancel"
    async with session:
        await federation.call(peer, "POST", "/federation/v1/draws", int(time.time()), data=body)
        activity = await DrawActivity.get(id=(await PeerDraw.get(
            request_id=body["request_id"])).activity_id)
        confirmed = await finish(chat, activity.id)
        assert len(confirmed) == 2
        with pytest.raises(PeerRefused) as bad:
            await federation.call(peer, "POST", cancel, int(time.time()),
                                  data={"release": "everything"})
        assert bad.value.reason == "bad_request"
        assert (await DrawActivity.get(id=activity.id)).status == "ended"
        said = await federation.call(peer, "POST", cancel, int(time.time()),
                                     data={"release": "withdrawn"})
        again = await federation.call(peer, "POST", cancel, int(time.time()),
                                      data={"release": "withdrawn"})
    assert said["status"] == again["status"] == "cancelled"
    assert said["released"] == again["released"] == 2 and said["experts"] == []
    withdrawn = await DrawActivity.get(id=activity.id)
    assert withdrawn.status == "withdrawn" and "请求方已退选本次评标" in withdrawn.withdraw_reason
    told = await Notification.filter(kind="draw.cancelled")
    assert sorted({n.person_id for n in told}) == sorted(i.person_id for i in confirmed)
    assert len({n.family or n.id for n in told}) == 2  # one notice each, not one per call
    assert all("无需前往" in n.params["reason"] for n in told)
    reply = await chat.say(await openid_of(confirmed[0].person_id), "收到")
    assert reply.status == 200
    assert (await Invitation.get(id=confirmed[0].id)).acknowledged_at is not None
    said_what = [e.detail["what"] for e in await AuditEntry.filter(action="federation")]
    assert said_what.count("draw_released") == 1


@pytest.mark.parametrize("settings", ["auto"], indirect=True)
async def test_the_askers_avoided_persons_and_supervisor_are_skipped_and_nothing_leaks(
        client: TestClient, settings: Settings, expertbot: Expertbot, chat: Chat) -> None:
    """The asker avoids two persons who are experts here (and one who is not) by keyed hash,
    and the project's supervising department, whose staff one of ours is: of five experts
    here, those three are never drawn; the key is not kept once the request is decided; no
    ID number is in the request kept, the answer or the trail; the draw audits."""
    experts = await make_experts(client, 5, first=3200, region="440203", specialty="A0401")
    number = [demo_id("440104", date(1970, 1, 1) + timedelta(days=n), n % 400, True)
              for n in range(3200, 3205)]
    bureau = ("韶关市住房和城乡建设局", demo_credit_code(960))
    await ExpertProfile.filter(id=experts[4].id).update(dept_name=bureau[0],
                                                         dept_credit_code=bureau[1])
    outsider = demo_id("440203", date(1980, 5, 5), 77, True)
    federation, peer, session = asking(client, settings)
    body = {**draw_request(count=3), "supervisor": {"name": bureau[0], "credit_code": bureau[1]}}
    # hashed under the key the two libraries derive (our key as registered there, theirs
    # as registered here): the message carries no key
    body["avoid_persons"] = sent_form(ASKER, [peer.public_key], body["request_id"],
                                      [number[1], number[3], outsider])
    assert "key" not in body["avoid_persons"]
    async with session:
        said = await federation.call(peer, "POST", "/federation/v1/draws", int(time.time()),
                                     data=body)
        for persons in ({"key": "短", "hashes": ["0" * 64]},  # a 1.1 asker's, broken
                        # hashed for a key this library does not hold
                        {"by": fingerprint(ASKER.public_key()),
                         "sets": [{"for": "0" * 16, "hashes": ["0" * 64]}]}):
            with pytest.raises(PeerRefused) as refused:
                await federation.call(peer, "POST", "/federation/v1/draws", int(time.time()),
                                      data={**draw_request(), "avoid_persons": persons})
            assert refused.value.reason == "bad_request"
    assert said["status"] in ("drawing", "short")
    draw = await PeerDraw.get(request_id=body["request_id"])
    invited = {i.expert_id for i in await Invitation.filter(activity_id=draw.activity_id)}
    assert invited == {experts[0].id, experts[2].id}  # three of five never drawn
    avoided = await Avoidance.filter(activity_id=draw.activity_id, kind="person")
    assert sorted(a.expert_id or 0 for a in avoided) == [experts[1].id, experts[3].id]
    assert draw.request["avoid_persons"] == {"count": 3}  # the hashes are gone
    kept = json.dumps([draw.request, said], ensure_ascii=False)
    assert not any(n in kept for n in [*number, outsider])
    entries = json.dumps([e.detail for e in await AuditEntry.all()], ensure_ascii=False)
    assert not any(n in entries for n in [*number, outsider])
    accepted = next(e for e in await AuditEntry.filter(action="federation").order_by("id")
                    if e.detail["what"] == "draw_accepted")
    assert accepted.detail["avoided"] == 2
    await finish(chat, draw.activity_id)  # both confirm: the draw ends short, and audits
    audited = await expertbot("audit", str(draw.activity_id))
    assert audited[0] == 0, audited


@pytest.mark.parametrize("settings", ["auto"], indirect=True)
async def test_the_askers_changes_reach_our_experts_once_and_in_order(
        client: TestClient, settings: Settings, chat: Chat) -> None:
    """The asker moves the gathering an hour later (change 1): our draw and its notice follow
    and both confirmed experts are told at once; change 1 again, and an older number, change
    nothing and tell nobody; a change without a number is refused; one for a request we do
    not have is 404."""
    await make_experts(client, 3, first=3300, region="440203", specialty="A0401")
    federation, peer, session = asking(client, settings)
    body = draw_request(count=2)
    update = f"/federation/v1/draws/{body['request_id']}/update"
    later = datetime.fromisoformat(body["notice"]["gather_at"]) + timedelta(hours=1)
    change = {"seq": 1, "eval_start": body["eval_start"], "eval_end": body["eval_end"],
              "notice": {**body["notice"], "gather_at": later.isoformat(), "room": "5楼副场"}}
    async with session:
        await federation.call(peer, "POST", "/federation/v1/draws", int(time.time()), data=body)
        activity_id = (await PeerDraw.get(request_id=body["request_id"])).activity_id
        confirmed = await finish(chat, activity_id)
        said = await federation.call(peer, "POST", update, int(time.time()), data=change)
        again = await federation.call(peer, "POST", update, int(time.time()), data=change)
        with pytest.raises(PeerRefused) as unnumbered:
            await federation.call(peer, "POST", update, int(time.time()),
                                  data={**change, "seq": "一"})
        with pytest.raises(PeerRefused) as unknown:
            await federation.call(peer, "POST", "/federation/v1/draws/440100-nothing/update",
                                  int(time.time()), data=change)
    assert (said["seq"], said["applied"], said["told"]) == (1, True, 2)
    assert (again["seq"], again["applied"]) == (1, False)
    assert unnumbered.value.reason == "bad_request" and unknown.value.reason == "no_request"
    notice = await Notice.get(activity_id=activity_id)
    assert notice.gather_at == later and notice.room == "5楼副场"
    told = await Notification.filter(kind="draw.gathering_changed")
    assert sorted({n.person_id for n in told}) == sorted(i.person_id for i in confirmed)
    assert len({n.family or n.id for n in told}) == 2  # once each
    said_what = [e.detail["what"] for e in await AuditEntry.filter(action="federation")]
    assert said_what.count("draw_updated") == 1


@pytest.mark.parametrize("settings", ["auto"], indirect=True)
async def test_a_lent_expert_sanctioned_here_is_shown_released_on_the_roster(
        client: TestClient, settings: Settings, chat: Chat, api: Api, demo: dict) -> None:
    """One of our experts confirmed for another library's 副场 is suspended here before the
    evaluation: the place is released as any other (services/reactions.py), and the roster
    we send that library says 受处理 for that expert, the other still serving."""
    await make_experts(client, 3, first=3400, region="440203", specialty="A0401")
    federation, peer, session = asking(client, settings)
    body = draw_request(count=2)
    async with session:
        await federation.call(peer, "POST", "/federation/v1/draws", int(time.time()), data=body)
    activity_id = (await PeerDraw.get(request_id=body["request_id"])).activity_id
    first, second = await finish(chat, activity_id)
    number = (await ExpertProfile.get(id=first.expert_id)).expert_number
    admin = await api.login(demo["admin"].mp_openid)
    today = datetime.now(UTC).astimezone(CHINA).date()
    decided = await api.call("POST", "/admin/sanctions", admin, {
        "expert_number": number, "kind": "suspension", "reason": "评标中途离开评标现场",
        "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=30)).isoformat()})
    assert decided.status == 200, decided.data
    roster = {e["code"]: e for e in await PeerSetup.roster_for_peer(activity_id)}
    assert (roster[first.code]["state"], roster[first.code]["absence"]) == ("absent", "受处理")
    assert roster[second.code]["state"] == "serving"


@pytest.mark.parametrize("settings", ["auto"], indirect=True)
async def test_the_fu_changs_centre_runs_the_lent_side_absence_and_supplement(
        client: TestClient, settings: Settings, chat: Chat, api: Api, demo: dict) -> None:
    """The draw made here for 广州's 副场 in 韶关 has an owner here: 韶关's centre. Its
    verifier lists it, sees our experts by name once the results unseal, registers one's
    请假 by the code, and runs the 补抽 for the place with her own value; the roster 广州 is
    sent carries the absence and the newcomer. An agency's desk has no way in."""
    await make_experts(client, 4, first=3500, region="440203", specialty="A0401")
    await centre_of_shaoguan(demo)
    federation, peer, session = asking(client, settings)
    body = draw_request(count=2)
    async with session:
        await federation.call(peer, "POST", "/federation/v1/draws", int(time.time()), data=body)
    activity_id = (await PeerDraw.get(request_id=body["request_id"])).activity_id
    first, _ = await finish(chat, activity_id)
    centre = await api.login(demo["verifier"].mp_openid)
    listed = await api.call("GET", "/venues/lent", centre)
    assert [(d["activity_id"], d["library"]) for d in listed.data["draws"]] == [
        (activity_id, "广州市评标专家库")]
    assert listed.data["draws"][0]["number"].startswith("CQYD")
    sealed = await api.call("GET", f"/venues/lent/{activity_id}", centre)
    assert sealed.data["sealed"] and sealed.data["experts"] == [] and \
        sealed.data["expected"] == 2
    await the_results_unseal(activity_id, datetime.now(UTC))
    shown = await api.call("GET", f"/venues/lent/{activity_id}", centre)
    names = {e["name"] for e in shown.data["experts"]}
    assert len(names) == 2 and all("*" not in n for n in names)  # our own experts, by name
    leave = await api.call("POST", f"/venues/lent/{activity_id}/absences", centre,
                           {"key": first.code, "kind": "请假"})
    assert leave.status == 200, leave.data
    assert [e["situation"] for e in leave.data["experts"] if e["absent"]] == ["请假"]
    prepared_ = await api.call("POST", f"/venues/lent/{activity_id}/supplement", centre,
                               {"gather_at": (datetime.now(UTC) + timedelta(minutes=40)
                                              ).isoformat()})
    assert prepared_.status == 200, prepared_.data
    started = await api.call("POST", f"/venues/lent/{activity_id}/supplement/start", centre,
                             {"nonce": "5521"})
    assert started.status == 200, started.data
    child = await DrawActivity.get(parent_id=activity_id)
    await finish(chat, child.id)
    roster = await PeerSetup.roster_for_peer(activity_id)
    assert sorted((e["state"], e["absence"]) for e in roster) == [
        ("absent", "请假"), ("serving", ""), ("serving", "")]
    handler = await api.login(demo["handler"].mp_openid)
    assert (await api.call("GET", "/venues/lent", handler)).status == 403


@pytest.mark.parametrize("settings", ["auto"], indirect=True)
async def test_the_askers_wish_for_a_supplement_shows_at_the_lent_desk(
        client: TestClient, settings: Settings, chat: Chat, api: Api, demo: dict) -> None:
    """广州 asks us to fill a place again (its change with wanted: 1): 韶关's centre is told
    and reads it on its lent desk; a wish out of range is refused."""
    await make_experts(client, 3, first=3700, region="440203", specialty="A0401")
    await centre_of_shaoguan(demo)
    federation, peer, session = asking(client, settings)
    body = draw_request(count=2)
    update = f"/federation/v1/draws/{body['request_id']}/update"
    change = {"seq": 1, "eval_start": body["eval_start"], "eval_end": body["eval_end"],
              "notice": body["notice"], "wanted": 1}
    async with session:
        await federation.call(peer, "POST", "/federation/v1/draws", int(time.time()), data=body)
        with pytest.raises(PeerRefused) as bad:
            await federation.call(peer, "POST", update, int(time.time()),
                                  data={**change, "wanted": 999})
        said = await federation.call(peer, "POST", update, int(time.time()), data=change)
    assert bad.value.reason == "bad_request" and said["applied"] and said["told"] == 0
    activity_id = (await PeerDraw.get(request_id=body["request_id"])).activity_id
    # the centre's verifiers are told, once, where to run it
    verifier = await Person.get(phone_is(demo["verifier"].phone))
    told = await Notification.filter(kind="draw.lent_wanted")
    assert [n.person_id for n in told] == [verifier.id]
    assert told[0].params["library"] == "广州市评标专家库" and told[0].params["wanted"] == 1
    centre = await api.login(demo["verifier"].mp_openid)
    listed = await api.call("GET", "/venues/lent", centre)
    assert [(d["activity_id"], d["wanted"]) for d in listed.data["draws"]] == [(activity_id, 1)]
    desk = Desk(client)
    await desk.sign_in(demo["verifier"].phone)
    _, page = await desk.get("/console/lent")
    assert f'data-testid="wanted-{activity_id}"' in page and "请求补抽 1 个名额" in page


@pytest.mark.parametrize("settings", ["auto"], indirect=True)
async def test_the_askers_performance_record_lands_on_our_experts_own_record_once(
        client: TestClient, settings: Settings, chat: Chat) -> None:
    """广州's agency records one of our experts (late, 擅离职守 and a conduct item we do not
    have): written on the expert's own record here only once the evaluation is over here, as
    广州's agency's, the unknown item kept in words; the expert is told; sent again, not
    written twice."""
    await make_experts(client, 3, first=3800, region="440203", specialty="A0401")
    federation, peer, session = asking(client, settings)
    body = draw_request(count=2)
    async with session:
        await federation.call(peer, "POST", "/federation/v1/draws", int(time.time()), data=body)
        activity_id = (await PeerDraw.get(request_id=body["request_id"])).activity_id
        first, _ = await finish(chat, activity_id)
        record = {"late": True, "left_early": False, "score": 70, "comment": "迟到二十分钟",
                  "absent": False, "conduct": [{"code": "tbl71-2", "name": "擅离职守"},
                                               {"code": "gz-9", "name": "评审中接打电话"}]}
        change = {"seq": 1, "eval_start": body["eval_start"], "eval_end": body["eval_end"],
                  "notice": body["notice"], "records": {first.code: record}}
        update = f"/federation/v1/draws/{body['request_id']}/update"
        await federation.call(peer, "POST", update, int(time.time()), data=change)
        rosters = client.app[DOMAIN].lending.rosters
        assert await rosters.write_records(datetime.now(UTC)) == 0  # not over here yet
        assert not await PerformanceRecord.exists(invitation_id=first.id)
        await evaluation_over(activity_id)
        assert await rosters.write_records(datetime.now(UTC)) == 1
        await federation.call(peer, "POST", update, int(time.time()),
                              data={**change, "seq": 2})
    assert await rosters.write_records(datetime.now(UTC)) == 0  # the same record: once
    kept = await PerformanceRecord.get(invitation_id=first.id)
    assert kept.late and kept.score == 70 and kept.conduct == ["tbl71-2"]
    assert "评审中接打电话" in kept.comment and kept.expert_id == first.expert_id
    told = await Notification.filter(kind="performance.recorded", person_id=first.person_id)
    assert len({n.family or n.id for n in told}) == 1


@pytest.mark.parametrize("settings", ["auto"], indirect=True)
async def test_the_askers_confirmed_score_proposal_lands_on_our_experts_own_record(
        client: TestClient, settings: Settings, api: Api, chat: Chat) -> None:
    """广州's agency confirms a deviation its evaluation system found in one of our experts'
    scores: it reaches us with the numbers and the agency's reason and is written once on the
    expert's own record here, as a confirmed proposal the expert reads and may answer; the
    record written after takes its mark. A proposal about a code we never lent: nothing."""
    await make_experts(client, 3, first=3900, region="440203", specialty="A0401")
    federation, peer, session = asking(client, settings)
    body = draw_request(count=2)
    scores = [{"bidder": "91440101MA5B000011", "bidder_name": "广州甲建设有限公司",
               "criterion": "C1", "criterion_name": "技术方案", "value": "38",
               "median": "30", "maximum": "40", "percent": "20.0"}]
    async with session:
        await federation.call(peer, "POST", "/federation/v1/draws", int(time.time()), data=body)
        activity_id = (await PeerDraw.get(request_id=body["request_id"])).activity_id
        first, _ = await finish(chat, activity_id)
        sent = {"id": 71, "kind": "deviation", "mark": "tbl71-3",
                "mark_name": "不按照招标文件规定的评标标准和方法评标",
                "reason": "技术方案评分与评标办法明显不符", "at": datetime.now(UTC).isoformat(),
                "detail": {"scores": scores, "threshold": "5"}}
        change = {"seq": 1, "eval_start": body["eval_start"], "eval_end": body["eval_end"],
                  "notice": body["notice"],
                  "proposals": {first.code: [sent], "99999999": [{**sent, "id": 72}]}}
        update = f"/federation/v1/draws/{body['request_id']}/update"
        await federation.call(peer, "POST", update, int(time.time()), data=change)
        for bad in ({first.code: [{**sent, "kind": "leaning"}]}, {first.code: "很多"}):
            with pytest.raises(PeerRefused) as refused:
                await federation.call(peer, "POST", update, int(time.time()),
                                      data={**change, "seq": 2, "proposals": bad})
            assert refused.value.reason == "bad_request"
        rosters = client.app[DOMAIN].lending.rosters
        assert await rosters.write_proposals(datetime.now(UTC)) == 1
        await federation.call(peer, "POST", update, int(time.time()),
                              data={**change, "seq": 2})
    assert await rosters.write_proposals(datetime.now(UTC)) == 0  # the same one: once
    (written,) = await RecordProposal.filter(invitation_id=first.id)
    assert (written.status, written.mark, written.expert_id) == (
        "confirmed", "tbl71-3", first.expert_id)
    assert written.reason == "技术方案评分与评标办法明显不符（广州市评标专家库代理机构确认）"
    token = await mini_token(api, first.person_id)
    mine = (await api.call("GET", "/me/performance/proposals", token)).data["proposals"]
    assert [p["id"] for p in mine] == [written.id]
    assert "偏离 20.0%" in mine[0]["explanation"] and "广州市评标专家库" in mine[0]["reason"]
    # the record written after (the asker's, once the evaluation is over) takes the mark
    await evaluation_over(activity_id)
    await client.app[DOMAIN].draws.record.performance.record(
        await DrawActivity.get(id=activity_id), first.id, Entry(False, False, [], 90, ""),
        datetime.now(UTC), Actor("agency", 0, "广州市评标专家库（请求方）"))
    assert (await PerformanceRecord.get(invitation_id=first.id)).conduct == ["tbl71-3"]
