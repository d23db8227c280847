"""This library asks another for the experts of a 副场 in its region (NDRC-26 异地抽取;
FG-807 主场/副场): the agency picks the library for a condition while its request may be
edited; at the start the condition is not drawn here, the request goes signed with the
handler's value, the tenderer and no expert's data; the answer's masked names and codes are
shown once the results unseal; a refusal or a library that does not answer leaves the
condition in words, and it can then be drawn here."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestClient

from config.settings import Settings
from models.audit import AuditEntry
from models.draws import DrawActivity, Invitation, Notice
from models.federated_draws import PeerAsk
from models.notifications import Notification
from services.common.clock import CHINA
from services.demo_codes import demo_credit_code, demo_id
from services.federation import Identity, Keys, PeerRefused
from services.federation.persons_key import fingerprint, keyed, request_key
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.draw_world import (
    NONCE,
    TENDERER,
    ask_withdrawal,
    make_experts,
    prepared,
    start_draw,
    submit,
    the_evaluation_starts_now,
    the_results_unseal,
)
from tests.support.federation import GUANGZHOU, asked_of_shaoguan, signed_client
from tests.support.federation import SHAOGUAN as SHAOGUAN_ID
from tests.support.fees import evaluation_over
from tests.support.peer_library import PeerLibrary
from web.context import DOMAIN, TEXTS

OURS = GUANGZHOU




@pytest.fixture
def settings(shaoguan_library: PeerLibrary, settings: Settings) -> Settings:
    """No in-process worker: the test runs the worker's sweep of requests by hand."""
    return settings.model_copy(update={"run_worker": False})


async def condition_shown(api: Api, token: str, aid: int) -> dict[str, Any]:
    return (await api.call("GET", f"/draws/activities/{aid}", token)).data["conditions"][0]


async def test_the_other_library_draws_the_condition_and_its_masked_answer_is_shown(
        shaoguan_library: PeerLibrary, client: TestClient, api: Api, demo: dict) -> None:
    await make_experts(client, 4, first=4000, region="440203")  # here, but not drawn here
    aid, token, _ = await asked_of_shaoguan(api, demo)
    assert not await Invitation.filter(activity_id=aid).exists()
    assert (await condition_shown(api, token, aid))["peer"]["said"] == \
        "由韶关市评标专家库抽取：正在向韶关市评标专家库发送抽取请求"
    asking = client.app[DOMAIN].asking
    now = datetime.now(UTC)
    assert await asking.sweep(now) == 1
    sent = shaoguan_library.draw_requests[-1]
    assert sent["nonce"] == NONCE and sent["region"] == "440200"
    assert sent["specialty"] == "A0401" and sent["count"] == 3
    assert sent["avoid_units"][0] == {"name": TENDERER[0], "credit_code": TENDERER[1]}
    assert sent["notice"]["venue"] == "广州公共资源交易中心"
    assert "专家" not in json.dumps(sent, ensure_ascii=False)  # nothing about an expert
    shown = await condition_shown(api, token, aid)
    assert shown["peer"]["said"] == "韶关市评标专家库正在抽取（已确认 0 人）"
    # 韶关 has drawn: three confirmed, masked
    shaoguan_library.draw_state = {"status": "done", "reason": "", "experts": [
        {"name": n, "specialty": "A0401", "specialty_name": "工程 / 设计 / 建筑工程设计",
         "code": c} for n, c in (("张*", "3847"), ("李*华", "1290"), ("王*", "5521"))]}
    assert await asking.sweep(now) == 0  # not yet its time to ask again
    await asking.sweep(now + timedelta(minutes=1))
    activity = await DrawActivity.get(id=aid)
    assert activity.status == "ended" and activity.end_reason == "complete"
    sealed = await condition_shown(api, token, aid)
    assert sealed["peer"]["confirmed"] == 3 and sealed["peer"]["experts"] == []
    # every number agrees: the condition's agreed and the activity's confirmed count them
    assert (sealed["agreed"], sealed["needed"]) == (3, 0)
    counts = (await api.call("GET", f"/draws/activities/{aid}", token)).data["counts"]
    assert (counts["confirmed"], counts["planned"], counts["text"]) == (3, 3, "已确认 3/3")
    await the_results_unseal(aid, datetime.now(UTC))
    shown = await condition_shown(api, token, aid)
    assert shown["peer"]["said"] == "韶关市评标专家库已抽取完成（已确认 3 人）"
    assert [(e["name"], e["code"]) for e in shown["peer"]["experts"]] == [
        ("张*", "3847"), ("李*华", "1290"), ("王*", "5521")]
    desk = Desk(client)
    await desk.sign_in("13800000004")
    page, text = await desk.get(f"/console/activities/{aid}")
    assert page.status == 200 and "韶关市评标专家库已抽取完成（已确认 3 人）" in text
    assert "李*华" in text and "1290" in text and "440200" not in text
    # the record is whole: the results, their page and the Excel list the lent experts
    results = await api.call("GET", f"/draws/activities/{aid}/results", token)
    lent = [e for e in results.data["experts"] if e["library"]]
    assert [(e["name"], e["verification_code"], e["invitation_id"]) for e in lent] == [
        ("张*", "3847", 0), ("李*华", "1290", 0), ("王*", "5521", 0)]
    assert all(e["work_unit"] == "韶关市评标专家库（外库专家）" for e in lent)
    _, page = await desk.get(f"/console/activities/{aid}/results")
    assert 'data-testid="lent-1290"' in page and "由韶关市评标专家库告知" in page
    assert "撤销登记" not in page.split('data-testid="lent-1290"')[1].split("</tr>")[0]
    exported, _ = await desk.get(f"/console/activities/{aid}/results.xlsx")
    assert exported.status == 200
    link = await api.call("GET", f"/draws/activities/{aid}/result-page", token)
    printed = await client.get(urlsplit(link.data["url"]).path + "?" + urlsplit(
        link.data["url"]).query)
    assert printed.status == 200 and "韶关市评标专家库（外库专家）" in await printed.text()
    said = [e.detail["what"] for e in await AuditEntry.filter(action="federation").order_by("id")]
    assert said == ["ask_sent", "ask_answered", "ask_answered"]


async def test_a_refusal_and_a_library_down_are_said_and_the_condition_drawn_here(
        shaoguan_library: PeerLibrary, client: TestClient, api: Api, demo: dict) -> None:
    await make_experts(client, 4, first=4100, region="440203")
    aid, token, condition = await asked_of_shaoguan(api, demo)
    asking = client.app[DOMAIN].asking
    now = datetime.now(UTC)
    shaoguan_library.mode = "down"
    await asking.sweep(now)
    shown = await condition_shown(api, token, aid)
    assert shown["peer"]["said"] == \
        "韶关市评标专家库暂时没有应答（已尝试 1 次），系统将自动重试；也可改为本库抽取"
    ask = await PeerAsk.get(condition_id=condition)
    assert ask.next_at is not None and ask.next_at > now  # asked again later
    assert (await DrawActivity.get(id=aid)).status == "drawing"
    await asking.sweep(now + timedelta(seconds=16))
    assert (await PeerAsk.get(condition_id=condition)).tries == 2
    # back, and refusing
    shaoguan_library.mode = "ok"
    shaoguan_library.draw_state = {"status": "refused", "reason": "该时段本库专家已安排其他评标",
                          "experts": []}
    await asking.sweep(now + timedelta(minutes=5))
    shown = await condition_shown(api, token, aid)
    assert shown["peer"]["said"] == ("韶关市评标专家库拒绝了本次请求：该时段本库专家已安排其他"
                                     "评标；可改为本库抽取，或强制结束本次抽取")
    assert len(shaoguan_library.draw_requests) == 1  # sent once it answered
    # the handler has it drawn here: this library's own pool, its committed order
    desk = Desk(client)
    await desk.sign_in("13800000004")
    _, page = await desk.get(f"/console/activities/{aid}")
    assert f'data-testid="peer-local-{condition}"' in page
    here, _ = await desk.post(f"/console/activities/{aid}/items/condition/{condition}/local", {})
    assert here.status == 303
    assert "已改为本库抽取" in await desk.flash(f"/console/activities/{aid}")
    shown = await condition_shown(api, token, aid)
    assert shown["peer"]["said"] == "原请求韶关市评标专家库抽取，已改为本库抽取"
    assert await Invitation.filter(activity_id=aid).count() == 3
    again = await api.call("POST", f"/draws/activities/{aid}/conditions/{condition}/local",
                           token)
    assert again.status == 409
    said = [e.detail["what"] for e in await AuditEntry.filter(action="federation").order_by("id")]
    assert said == ["ask_unreachable", "ask_sent", "ask_refused", "ask_local"]


async def test_a_draw_force_ended_here_tells_the_other_library_to_stop(
        shaoguan_library: PeerLibrary, client: TestClient, api: Api, demo: dict) -> None:
    aid, token, condition = await asked_of_shaoguan(api, demo)
    asking = client.app[DOMAIN].asking
    now = datetime.now(UTC)
    await asking.sweep(now)
    assert (await condition_shown(api, token, aid))["peer"]["status"] == "drawing"
    ended = await api.call("POST", f"/draws/activities/{aid}/end", token,
                           {"reason": "招标人通知项目暂停"})
    assert ended.status == 200, ended.data
    await asking.sweep(now)  # at once: no wait for the next poll
    ask = await PeerAsk.get(condition_id=condition)
    assert shaoguan_library.cancelled == [ask.request_id] and ask.status == "cancelled"
    assert (await condition_shown(api, token, aid))["peer"]["said"] == \
        "本次抽取已结束，已通知韶关市评标专家库停止抽取"
    await asking.sweep(now + timedelta(minutes=5))
    assert shaoguan_library.cancelled == [ask.request_id]  # told once


async def test_the_verifier_reads_which_library_draws_and_a_change_of_library(
        shaoguan_library: PeerLibrary, client: TestClient, api: Api, demo: dict) -> None:
    """The request the trading centre verifies names the library that draws a condition; sent
    back and resubmitted to be drawn here, its comparison shows the change of library."""
    aid, token = await prepared(api, demo, total=3, regions=("4402",), submitted=False)
    condition = (await api.call("GET", f"/draws/activities/{aid}", token)).data[
        "conditions"][0]["id"]
    assert (await api.call("PUT", f"/draws/activities/{aid}/conditions/{condition}/peer",
                           token, {"peer_code": "440200"})).status == 200
    assert (await submit(api, token, aid)).status == 200
    desk = Desk(client)
    await desk.sign_in(demo["verifier"].phone)
    _, page = await desk.get(f"/console/verify/{aid}/request")
    assert "由韶关市评标专家库抽取（外库专家）" in page
    verifier = await api.login(demo["verifier"].mp_openid)
    assert (await api.call("POST", f"/verify/activities/{aid}", verifier, {
        "approve": False, "reason": "副场专家请由本库抽取"})).status == 200
    assert (await api.call("DELETE", f"/draws/activities/{aid}/conditions/{condition}/peer",
                           token)).status == 200
    assert (await submit(api, token, aid)).status == 200
    _, page = await desk.get(f"/console/verify/{aid}/request")
    changed = page.split('data-testid="changes"')[1].split("</div>")[0]
    assert "由韶关市评标专家库抽取（外库专家）" in changed, changed


async def test_an_evaluation_withdrawn_after_the_other_library_drew_releases_its_experts(
        shaoguan_library: PeerLibrary, client: TestClient, api: Api, demo: dict) -> None:
    """韶关 drew all three; then the evaluation is withdrawn here (退选, verified): 韶关 is
    told to release its experts, once, and the condition says it did."""
    aid, token, condition = await asked_of_shaoguan(api, demo)
    asking, now = client.app[DOMAIN].asking, datetime.now(UTC)
    shaoguan_library.draw_state = {"status": "done", "reason": "", "experts": [
        {"name": n, "specialty": "A0401", "specialty_name": "工程 / 设计 / 建筑工程设计",
         "code": c} for n, c in (("张*", "3847"), ("李*华", "1290"), ("王*", "5521"))]}
    await asking.sweep(now)
    assert (await DrawActivity.get(id=aid)).status == "ended"
    assert (await ask_withdrawal(api, token, aid, "招标文件需修改，评标不能如期进行")).status == 200
    verifier = await api.login(demo["verifier"].mp_openid)
    assert (await api.call("POST", f"/verify/activities/{aid}/withdrawal", verifier,
                           {"approve": True})).status == 200
    assert await asking.sweep(now) == 1
    assert shaoguan_library.releases == ["withdrawn"]
    ask = await PeerAsk.get(condition_id=condition)
    assert (ask.release, ask.released) == ("told", 3)
    assert (await condition_shown(api, token, aid))["peer"]["said"] == (
        "本次评标已退选：韶关市评标专家库已取消请求，并已通知其已确认的 3 名专家无需参加")
    assert await asking.sweep(now + timedelta(minutes=30)) == 0  # told once
    said = [e.detail["what"] for e in await AuditEntry.filter(action="federation").order_by("id")]
    assert said.count("ask_released") == 1


async def test_the_persons_avoided_travel_as_keyed_hashes_and_the_supervisor_by_name(
        shaoguan_library: PeerLibrary, client: TestClient, api: Api, demo: dict) -> None:
    """A person avoided by ID number goes as an HMAC under a key made for the request, sent
    with it (the other library can tell its own experts among them); the number itself
    never; so do the persons and units the project lists as having taken part in its 前期
    work; the department supervising the project goes by name and code."""
    bureau = ("广州市住房和城乡建设局", demo_credit_code(960))
    aid, token = await prepared(api, demo, total=3, regions=("4402",), submitted=False,
                                supervisor=bureau)
    number = demo_id("440203", date(1975, 6, 1), 31, True)
    typed = await api.call("POST", f"/draws/activities/{aid}/avoidances", token,
                           {"kind": "person", "name": "张三", "code": number})
    assert typed.status == 200, typed.data
    # who took part in the project's 前期 work travels as the avoided do (GD-CG-1 Art. 21)
    designer = demo_id("440203", date(1980, 2, 2), 7, False)
    for item in ({"kind": "person", "name": "李设计", "code": designer, "stage": "设计"},
                 {"kind": "unit", "name": "某勘察设计院", "code": demo_credit_code(961),
                  "stage": "论证"}):
        listed = await api.call("POST", f"/draws/activities/{aid}/involvement", token, item)
        assert listed.status == 200, listed.data
    condition = (await api.call("GET", f"/draws/activities/{aid}", token)).data[
        "conditions"][0]["id"]
    assert (await api.call("PUT", f"/draws/activities/{aid}/conditions/{condition}/peer",
                           token, {"peer_code": "440200"})).status == 200
    assert (await submit(api, token, aid)).status == 200
    verifier = await api.login(demo["verifier"].mp_openid)
    assert (await api.call("POST", f"/verify/activities/{aid}", verifier,
                           {"approve": True, "small_pool_ok": True})).status == 200
    assert (await start_draw(api, token, aid)).status == 200
    await client.app[DOMAIN].asking.sweep(datetime.now(UTC))
    sent = shaoguan_library.draw_requests[-1]
    assert sent["supervisor"] == {"name": bureau[0], "credit_code": bureau[1]}
    # hashed under a key 韶关 derives from its own key and ours as registered: never sent
    persons, ours = sent["avoid_persons"], shaoguan_library.caller
    assert "key" not in persons and ours is not None
    (one,) = persons["sets"]
    assert one["for"] == fingerprint(shaoguan_library.identity.public_key())
    assert persons["by"] == fingerprint(ours.public_key)
    key = request_key(shaoguan_library.identity, ours.public_key, sent["request_id"])
    assert one["hashes"] == keyed(key, [number, designer])
    assert {"name": "某勘察设计院", "credit_code": demo_credit_code(961)} in sent["avoid_units"]
    said = json.dumps(sent, ensure_ascii=False)
    assert number not in said and designer not in said and "张三" not in said \
        and "李设计" not in said


async def test_a_corrected_gathering_time_reaches_the_other_library_once_in_order(
        shaoguan_library: PeerLibrary, client: TestClient, api: Api, demo: dict) -> None:
    """韶关 drew; the agency corrects the gathering time: the evaluation as it stands is
    sent, numbered 1, until 韶关 answers (down: told again later); nothing more while
    nothing changes; a second correction is number 2."""
    aid, token, _ = await asked_of_shaoguan(api, demo)
    asking, now = client.app[DOMAIN].asking, datetime.now(UTC)
    shaoguan_library.draw_state = {"status": "done", "reason": "", "experts": [
        {"name": "张*", "specialty": "A0401", "specialty_name": "工程 / 设计 / 建筑工程设计",
         "code": "3847"}] * 3}
    await asking.sweep(now)
    assert shaoguan_library.updates == []  # nothing changed since the request
    notice = await Notice.get(activity_id=aid)
    later = notice.gather_at + timedelta(hours=1)
    moved = await api.call("PUT", f"/draws/activities/{aid}/notices/{notice.id}/gathering",
                           token, {"gather_at": later.isoformat()})
    assert moved.status == 200, moved.data
    shaoguan_library.mode = "down"
    await asking.sweep(now)
    assert shaoguan_library.updates == []
    shaoguan_library.mode = "ok"
    await asking.sweep(now + timedelta(seconds=5))  # not yet: it waits its backoff
    assert shaoguan_library.updates == []
    await asking.sweep(now + timedelta(seconds=20))
    (sent,) = shaoguan_library.updates
    assert sent["seq"] == 1
    assert datetime.fromisoformat(sent["notice"]["gather_at"]) == later
    await asking.sweep(now + timedelta(minutes=1))
    assert len(shaoguan_library.updates) == 1  # acknowledged: nothing again
    again = await api.call("PUT", f"/draws/activities/{aid}/notices/{notice.id}/gathering",
                           token, {"gather_at": (later + timedelta(minutes=30)).isoformat()})
    assert again.status == 200
    await asking.sweep(now + timedelta(minutes=2))
    assert [u["seq"] for u in shaoguan_library.updates] == [1, 2]
    said = [e.detail["what"] for e in await AuditEntry.filter(action="federation").order_by("id")]
    assert said.count("ask_updated") == 2


async def test_a_roster_is_applied_once_in_order_and_a_bad_one_changes_nothing(
        shaoguan_library: PeerLibrary, client: TestClient, api: Api, demo: dict) -> None:
    """韶关's roster for its 副场 (docs/federation.md, rosters), signed by 韶关: number 1
    applied; again, and an older number, change nothing; a state the protocol does not have,
    a number that is no number and a request that is not ours are refused; another library's
    key is refused before anything is read."""
    _, _, condition = await asked_of_shaoguan(api, demo)
    shaoguan_library.draw_state = {"status": "done", "reason": "", "experts": []}
    await client.app[DOMAIN].asking.sweep(datetime.now(UTC))
    federation, peer, session = signed_client(str(client.make_url("")), GUANGZHOU,
                                              SHAOGUAN_ID)
    ask = await PeerAsk.get(condition_id=condition)
    path = f"/federation/v1/asks/{ask.request_id}/roster"
    arrived = datetime.now(UTC).replace(microsecond=0)
    row = {"name": "张*", "specialty": "A0401", "specialty_name": "工程 / 设计",
           "code": "3847", "state": "serving", "absence": "", "phone": "13900000000",
           "checkin_at": arrived.isoformat(), "checkout_at": None}
    async with session:
        first = await federation.call(peer, "POST", path, int(time.time()),
                                      data={"seq": 1, "experts": [row]})
        again = await federation.call(peer, "POST", path, int(time.time()),
                                      data={"seq": 1, "experts": []})
        for bad in ({"seq": 2, "experts": [{**row, "state": "gone"}]},
                    {"seq": "二", "experts": []}):
            with pytest.raises(PeerRefused) as refused:
                await federation.call(peer, "POST", path, int(time.time()), data=bad)
            assert refused.value.reason == "bad_request"
        with pytest.raises(PeerRefused) as unknown:
            await federation.call(peer, "POST", "/federation/v1/asks/nothing-0/roster",
                                  int(time.time()), data={"seq": 1, "experts": []})
        assert unknown.value.reason == "no_request"
    stranger, peer, session = signed_client(str(client.make_url("")), GUANGZHOU,
                                            Identity("440300", "深圳市评标专家库",
                                                     Keys.new_private()))
    async with session:
        with pytest.raises(PeerRefused) as untrusted:
            await stranger.call(peer, "POST", path, int(time.time()),
                                data={"seq": 9, "experts": []})
    assert untrusted.value.reason == "unknown_peer"
    assert (first["seq"], first["applied"]) == (1, True)
    assert (again["seq"], again["applied"]) == (1, False)
    (kept,) = (await PeerAsk.get(condition_id=condition)).experts
    assert kept["checkin_at"] == arrived.isoformat() and "phone" not in kept


async def test_a_roster_that_comes_before_the_answer_is_kept(
        shaoguan_library: PeerLibrary, client: TestClient, api: Api, demo: dict) -> None:
    """韶关 drew and sent its roster while its answer to the request never reached here (it
    answered too late): the roster is applied, not acknowledged and dropped, and the answer
    asked for again later keeps it."""
    aid, token, condition = await asked_of_shaoguan(api, demo)
    shaoguan_library.mode = "down"
    now = datetime.now(UTC)
    await client.app[DOMAIN].asking.sweep(now)
    ask = await PeerAsk.get(condition_id=condition)
    assert ask.status == "unreachable"
    federation, peer, session = signed_client(str(client.make_url("")), GUANGZHOU,
                                              SHAOGUAN_ID)
    row = {"name": "张*", "specialty": "A0401", "specialty_name": "工程 / 设计",
           "code": "3847", "state": "serving", "absence": "", "checkout_at": None}
    async with session:
        said = await federation.call(peer, "POST",
                                     f"/federation/v1/asks/{ask.request_id}/roster",
                                     int(time.time()), data={"seq": 1, "experts": [row]})
    assert (said["seq"], said["applied"]) == (1, True)
    shaoguan_library.mode = "ok"
    shaoguan_library.draw_state = {"status": "done", "reason": "", "experts": []}
    await client.app[DOMAIN].asking.sweep(now + timedelta(seconds=20))
    ask = await PeerAsk.get(condition_id=condition)
    assert (ask.status, [e["code"] for e in ask.experts]) == ("done", ["3847"])
    shown = (await api.call("GET", f"/draws/activities/{aid}", token)).data["conditions"]
    assert shown[0]["peer"]["said"] == "韶关市评标专家库已抽取完成（已确认 1 人）"


async def test_the_agencys_day_counts_the_lent_experts_arrivals(
        shaoguan_library: PeerLibrary, client: TestClient, api: Api, demo: dict) -> None:
    """An evaluation today whose experts 韶关 drew: the agency's dashboard counts them as its
    own, arrived or not, as 韶关's roster says."""
    aid, token, condition = await asked_of_shaoguan(api, demo)
    shaoguan_library.draw_state = {"status": "done", "reason": "", "experts": []}
    await client.app[DOMAIN].asking.sweep(datetime.now(UTC))
    now = datetime.now(UTC)
    await the_evaluation_starts_now(aid, now)
    ask = await PeerAsk.get(condition_id=condition)
    federation, peer, session = signed_client(str(client.make_url("")), GUANGZHOU,
                                              SHAOGUAN_ID)
    row = {"name": "张*", "specialty": "A0401", "specialty_name": "工程", "state": "serving",
           "absence": "", "checkout_at": None}
    async with session:
        await federation.call(peer, "POST", f"/federation/v1/asks/{ask.request_id}/roster",
                              int(time.time()), data={"seq": 1, "experts": [
                                  {**row, "code": "3847", "checkin_at": now.isoformat()},
                                  {**row, "code": "1290", "checkin_at": None},
                                  {**row, "code": "5521", "checkin_at": None,
                                   "state": "absent", "absence": "请假"}]})
    # the expert who cannot serve: the agency is told, without a name; the place is 韶关's
    told = await Notification.filter(kind="draw.lent_absent")
    assert told and {n.params["absence"] for n in told} == {"请假"}
    assert all(n.params["library"] == "韶关市评标专家库" and "5521" not in str(n.params)
               for n in told)
    said = client.app[TEXTS].render("notify/draw.lent_absent/chat.j2", **told[0].params)
    assert "请韶关市评标专家库补抽" in said  # and the way to ask for the place again
    board = await api.call("GET", "/draws/dashboard", token)
    same_day = now.astimezone(CHINA).date() == (now - timedelta(minutes=1)).astimezone(
        CHINA).date()
    if same_day:  # (the evaluation began a minute ago: not across China's midnight)
        assert (board.data["arrived_today"], board.data["not_arrived_today"]) == (1, 2)
    # the activity's attendance counts them, and lists them once the results unseal
    path = f"/draws/activities/{aid}/attendance"
    seen = (await api.call("GET", path, token)).data
    assert (seen["arrived"], seen["expected"]) == (1, 2)
    await the_results_unseal(aid, datetime.now(UTC))
    seen = (await api.call("GET", path, token)).data
    lent = {e["verification_code"]: e for e in seen["experts"]}
    assert set(lent) == {"3847", "1290", "5521"} and (seen["arrived"], seen["expected"]) == (1, 2)
    assert lent["3847"]["checkin_at"] and not lent["1290"]["checkin_at"]
    assert lent["5521"]["absent"] and lent["3847"]["lent_from"] == "韶关市评标专家库"
    assert lent["3847"]["invitation_id"] is None and lent["3847"]["name"] == "张*"
    # the administrator's statistics count them apart from our own invitations
    admin = await api.login(demo["admin"].mp_openid)
    month = (await DrawActivity.get(id=aid)).eval_start.astimezone(CHINA).strftime("%Y-%m")
    figures = (await api.call("GET", "/admin/statistics", admin,
                              params={"from_month": month, "to_month": month})).data
    assert (figures["total"]["borrowed"], figures["total"]["borrowed_absent"]) == (2, 1)
    assert figures["total"]["invited"] == 0 and figures["total"]["draws"] == 1


async def test_the_agency_asks_the_other_library_to_fill_a_lent_place_again(
        shaoguan_library: PeerLibrary, client: TestClient, api: Api, demo: dict) -> None:
    """韶关's roster says one of its experts cannot serve: the agency asks 韶关 for a 补抽
    from its page; the ask goes with the evaluation's next change (wanted: 1), once. Asked
    before anyone is absent, it is refused in words."""
    aid, token, condition = await asked_of_shaoguan(api, demo)
    shaoguan_library.draw_state = {"status": "done", "reason": "", "experts": []}
    asking = client.app[DOMAIN].asking
    await asking.sweep(datetime.now(UTC))
    path = f"/draws/activities/{aid}/conditions/{condition}/peer/supplement"
    early = await api.call("POST", path, token)
    assert early.status == 409 and "没有需要补抽的名额" in early.message
    ask = await PeerAsk.get(condition_id=condition)
    federation, peer, session = signed_client(str(client.make_url("")), GUANGZHOU,
                                              SHAOGUAN_ID)
    row = {"name": "张*", "specialty": "A0401", "specialty_name": "工程", "absence": "",
           "state": "serving", "checkin_at": None, "checkout_at": None}
    async with session:
        await federation.call(peer, "POST", f"/federation/v1/asks/{ask.request_id}/roster",
                              int(time.time()), data={"seq": 1, "experts": [
                                  {**row, "code": "3847"},
                                  {**row, "code": "1290", "state": "absent", "absence": "缺席"}]})
    # while the results are sealed: the place open, counted without a name, and the way
    # to have it filled
    shown = await condition_shown(api, token, aid)
    assert (shown["peer"]["confirmed"], shown["peer"]["open_places"]) == (1, 1)
    assert shown["peer"]["experts"] == []
    assert shown["peer"]["said"] == ("韶关市评标专家库已抽取完成（已确认 1 人）；1 名专家不能参加，"
                                     "名额空出：可请韶关市评标专家库补抽")
    desk = Desk(client)
    await desk.sign_in(demo["handler"].phone)
    _, page = await desk.get(f"/console/activities/{aid}")
    assert f'data-testid="peer-supplement-{condition}"' in page and "1290" not in page
    await the_results_unseal(aid, datetime.now(UTC))
    _, page = await desk.get(f"/console/activities/{aid}")
    assert f'data-testid="peer-supplement-{condition}"' in page
    asked, _ = await desk.post(f"/console/activities/{aid}/items/condition/{condition}/"
                               "peer-supplement", {})
    assert asked.status == 303
    _, page = await desk.get(f"/console/activities/{aid}")
    assert "已请韶关市评标专家库为 1 个空出的名额补抽" in page
    assert (await condition_shown(api, token, aid))["peer"]["said"].endswith(
        "1 名专家不能参加，名额空出，已请韶关市评标专家库补抽")
    await asking.sweep(datetime.now(UTC) + timedelta(seconds=1))
    await asking.sweep(datetime.now(UTC) + timedelta(seconds=2))
    assert [u["wanted"] for u in shaoguan_library.updates] == [1]


async def test_the_agency_records_a_lent_expert_and_the_record_goes_to_their_library(
        shaoguan_library: PeerLibrary, client: TestClient, api: Api, demo: dict) -> None:
    """The agency's performance record of an expert 韶关 drew (CK-198): checked as its own
    experts' are, kept by the verification code and sent with the evaluation's next change;
    an expert 韶关 never named is no one to record."""
    aid, token, _ = await asked_of_shaoguan(api, demo)
    shaoguan_library.draw_state = {"status": "done", "reason": "", "experts": [
        {"name": "张*", "specialty": "A0401", "specialty_name": "工程", "code": "384712"}]}
    asking = client.app[DOMAIN].asking
    await asking.sweep(datetime.now(UTC))
    await asking.sweep(datetime.now(UTC) + timedelta(seconds=30))
    base = f"/draws/activities/{aid}/performance/lent"
    unscored = await api.call("PUT", f"{base}/384712", token, {"late": True})
    assert unscored.status == 400 and "评分" in unscored.message
    nobody = await api.call("PUT", f"{base}/999999", token, {"score": 90})
    assert nobody.status == 404
    made = await api.call("PUT", f"{base}/384712", token, {
        "late": True, "conduct": ["tbl71-2"], "score": 70, "comment": "迟到二十分钟"})
    assert made.status == 200, made.data
    assert made.data["recorded"] and made.data["conduct"] == ["擅离职守"]
    listed = await api.call("GET", base, token)
    assert [(e["code"], e["recorded"]) for e in listed.data["experts"]] == [("384712", True)]
    await asking.sweep(datetime.now(UTC) + timedelta(seconds=40))
    (sent,) = shaoguan_library.updates
    assert sent["records"]["384712"]["score"] == 70
    assert sent["records"]["384712"]["conduct"] == [{"code": "tbl71-2", "name": "擅离职守"}]
    # at the desk, once the evaluation is over: the lent expert's card, its form kept
    await evaluation_over(aid)
    desk = Desk(client)
    await desk.sign_in(demo["handler"].phone)
    _, page = await desk.get(f"/console/activities/{aid}/performance")
    card = page.split('data-testid="lent-performance-384712"')[1].split("</form>")[0]
    assert "已记录" in card and "韶关市评标专家库" in card and 'value="70"' in card
    changed, _ = await desk.post(f"/console/activities/{aid}/performance/lent/384712", {
        "score": "85", "comment": "到场后表现良好"})
    assert changed.status == 303
    assert (await PeerAsk.get(activity_id=aid)).records["384712"]["score"] == 85
