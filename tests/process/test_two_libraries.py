"""Two libraries, two instances of the service on loopback (NDRC-26 异地抽取; FG-807
主场/副场): 韶关's (this test's service) asks 广州's (`expertbot serve` of its own, on its
own database and Redis, the demo's experts loaded) for two experts for a 副场 in 广州. 广州's
standing rule accepts; it draws from its own pool with its own commitment and 韶关's
handler's value, its experts confirm by WeChat at 广州, and 韶关 sees only masked names,
the specialty and the verification codes. Each side's `expertbot audit` holds for its own
draw; a replayed request is refused. 广州 down leaves 韶关's condition in words and retried;
广州 configured to refuse says so."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.providers.federation.client import FederationClient
from config.settings import Settings
from models.audit import AuditEntry
from models.draws import DrawActivity, Invitation
from models.federated_draws import PeerAsk
from services.common.pii import mask_name
from services.demo_draws import DEMO_POOL, DEMO_POOL_SPECIALTY
from services.federation import Federation, Peer, Trust
from tests.support.api import Api
from tests.support.cli import Expertbot, Preloaded
from tests.support.console import Desk
from tests.support.draw_world import (
    make_experts,
    the_results_unseal,
)
from tests.support.helpers import eventually
from tests.support.peer_process import LibraryProcess
from tests.support.two_libraries import (
    GUANGZHOU,
    SHAOGUAN,
    as_shaoguan,
    asked_of_guangzhou,
    every_pool_expert_says_1,
    library_of_guangzhou,
    said_of,
    says,
)
from web.context import DOMAIN


@pytest.fixture
def guangzhou(infra: dict[str, str], tmp_path: Path, wechat: TestServer,
              preloaded_cli: Preloaded) -> LibraryProcess:
    return library_of_guangzhou(infra, tmp_path, wechat, preloaded_cli)


@pytest.fixture
def settings(guangzhou: LibraryProcess, settings: Settings,
             monkeypatch: pytest.MonkeyPatch) -> Settings:
    return as_shaoguan(guangzhou, settings, monkeypatch)


async def test_two_libraries_share_a_draw_over_loopback(
        guangzhou: LibraryProcess, client: TestClient, api: Api, demo: dict,
        expertbot: Expertbot) -> None:
    mine = str(client.make_url("")).rstrip("/")
    accepting = guangzhou.env(SHAOGUAN, mine, "auto")
    guangzhou.prepare(accepting)
    await guangzhou.start(accepting)
    # its operator reads at start-up that federation is on, as whom and with whom
    said = guangzhou.banner()
    assert "federation: on as 440100 广州市评标专家库" in said, said
    assert "with 440200 韶关市评标专家库" in said and "accepted by the standing rule" in said
    asking = client.app[DOMAIN].asking
    try:
        aid, token, condition = await asked_of_guangzhou(api, demo)
        await asking.sweep(datetime.now(UTC))
        shown = await said_of(api, token, aid)
        assert shown["status"] == "drawing", shown
        assert not await Invitation.filter(activity_id=aid).exists()  # none drawn here
        # 广州's experts confirm by WeChat at 广州 (a signed callback over HTTP); those
        # not invited are told they have nothing to answer
        await every_pool_expert_says_1(guangzhou, 70_000)
        await asking.sweep(datetime.now(UTC) + timedelta(minutes=1))
        activity = await DrawActivity.get(id=aid)
        assert activity.status == "ended" and activity.end_reason == "complete"
        await the_results_unseal(aid, datetime.now(UTC))
        shown = await said_of(api, token, aid)
        assert shown["said"] == "广州市评标专家库已抽取完成（已确认 2 人）"
        masked = {mask_name(name) for name, _ in DEMO_POOL}
        assert len(shown["experts"]) == 2
        for expert in shown["experts"]:
            assert expert["name"] in masked and expert["code"]
            assert expert["specialty"] == DEMO_POOL_SPECIALTY
        stored = json.dumps((await PeerAsk.get(condition_id=condition)).experts,
                            ensure_ascii=False)
        assert "1390000" not in stored and "示例设计院" not in stored  # no phone, no unit
        # each side audits its own part
        assert (await expertbot("audit", str(aid)))[0] == 0
        assert (await client.app[DOMAIN].audit.verify()).broken_at is None
        ((theirs, nonce),) = guangzhou.read(
            "SELECT id, nonce FROM draw_activity WHERE kind = 'peer'")
        assert nonce == activity.nonce  # 韶关's handler's value, mixed into 广州's seed
        code, out = await guangzhou.expertbot(accepting, "audit", str(theirs))
        assert code == 0, out
        code, out = await guangzhou.expertbot(accepting, "audit-log", "verify")
        assert code == 0, out
        # a request taken off the wire and sent again is refused
        peer = Peer(GUANGZHOU.code, GUANGZHOU.name, guangzhou.url, GUANGZHOU.public_key())
        ask = await PeerAsk.get(condition_id=condition)
        async with aiohttp.ClientSession() as http:
            trust = Trust(Federation(SHAOGUAN, {peer.code: peer}), None, "")
            path = f"/federation/v1/draws/{ask.request_id}"
            headers = trust.sign_request(peer, "GET", path, b"", int(time.time()))
            async with http.get(guangzhou.url + path, headers=headers) as first:
                assert first.status == 200
            async with http.get(guangzhou.url + path, headers=headers) as again:
                assert again.status == 401 and (await again.json())["error"] == "replayed"
            read = await FederationClient(trust, http).call(peer, "GET", path,
                                                             int(time.time()))
            assert read["status"] == "done" and read["confirmed"] == 2
        # 广州 down: the condition says so and is asked again later
        await guangzhou.stop()
        down, token, _ = await asked_of_guangzhou(api, demo)
        now = datetime.now(UTC)
        await asking.sweep(now)
        shown = await said_of(api, token, down)
        assert shown["status"] == "unreachable" and "暂时没有应答" in shown["said"]
        assert "系统将自动重试" in shown["said"]
        assert (await DrawActivity.get(id=down)).status == "drawing"
        # 广州 back, configured to refuse 韶关's requests
        await guangzhou.start(guangzhou.env(SHAOGUAN, mine, "never"))
        await asking.sweep(now + timedelta(minutes=5))
        shown = await said_of(api, token, down)
        assert shown["status"] == "refused", shown
        assert shown["said"].startswith("广州市评标专家库拒绝了本次请求：本专家库不接受")
    finally:
        await guangzhou.stop()


async def test_a_condition_drawn_here_after_the_other_library_accepted_is_released_there(
        guangzhou: LibraryProcess, client: TestClient, api: Api, demo: dict) -> None:
    """The race: 广州 accepts and two of its experts confirm; then 广州 stops answering and
    韶关's handler has the condition drawn here. 韶关 keeps telling 广州 to cancel until it
    answers; 广州, back, withdraws its draw and tells its two experts they need not come
    (its 退选 notice, with the reason), once however often it is told; 韶关's condition says
    so. Never two libraries on one condition."""
    mine = str(client.make_url("")).rstrip("/")
    accepting = guangzhou.env(SHAOGUAN, mine, "auto")
    guangzhou.prepare(accepting)
    await guangzhou.start(accepting)
    asking = client.app[DOMAIN].asking
    # this library's own experts of the condition, in its pool from the verification
    await make_experts(client, 3, first=4300, specialty=DEMO_POOL_SPECIALTY)
    try:
        aid, token, condition = await asked_of_guangzhou(api, demo)
        now = datetime.now(UTC)
        await asking.sweep(now)
        await every_pool_expert_says_1(guangzhou, 71_000)
        # 广州's answers stop reaching us: the condition is unanswered, then drawn here
        await guangzhou.stop()
        await asking.sweep(now + timedelta(minutes=1))
        assert (await said_of(api, token, aid))["status"] == "unreachable"
        local = await api.call("POST", f"/draws/activities/{aid}/conditions/{condition}/local",
                               token)
        assert local.status == 200, local.data
        assert await Invitation.filter(activity_id=aid).count() == 2  # drawn here
        await asking.sweep(now + timedelta(minutes=2))  # 广州 still down: told again later
        shown = await said_of(api, token, aid)
        assert shown["said"].startswith(
            "原请求广州市评标专家库抽取，已改为本库抽取；正在通知"), shown
        assert "已尝试 1 次" in shown["said"]
        # 广州 back: told, it releases its two experts, and says so
        await guangzhou.start(accepting)
        await asking.sweep(now + timedelta(minutes=2, seconds=20))  # its wait over
        ask = await PeerAsk.get(condition_id=condition)
        assert (ask.release, ask.released, ask.experts) == ("told", 2, [])
        assert (await said_of(api, token, aid))["said"] == (
            "原请求广州市评标专家库抽取，已改为本库抽取；广州市评标专家库已取消请求，并已通知其"
            "已确认的 2 名专家无需参加")
        ((status, reason),) = guangzhou.read(
            "SELECT status, withdraw_reason FROM draw_activity WHERE kind = 'peer'")
        assert status == "withdrawn" and "无需前往" in reason
        told = guangzhou.read("SELECT DISTINCT person_id FROM notification "
                              "WHERE kind = 'draw.cancelled'")
        assert len(told) == 2
        rows = guangzhou.read("SELECT COUNT(*) FROM notification WHERE kind = 'draw.cancelled'")
        # told again (a lost answer, a replay of the intent): the same answer, nobody twice
        peer = Peer(GUANGZHOU.code, GUANGZHOU.name, guangzhou.url, GUANGZHOU.public_key())
        async with aiohttp.ClientSession() as http:
            trust = Trust(Federation(SHAOGUAN, {peer.code: peer}), None, "")
            again = await FederationClient(trust, http).call(
                peer, "POST", f"/federation/v1/draws/{ask.request_id}/cancel",
                int(time.time()), data={"release": "local"})
        assert again["status"] == "cancelled" and again["released"] == 2
        assert again["experts"] == []
        assert guangzhou.read(
            "SELECT COUNT(*) FROM notification WHERE kind = 'draw.cancelled'") == rows
        assert len(guangzhou.read("SELECT DISTINCT person_id FROM notification "
                                  "WHERE kind = 'draw.cancelled'")) == 2
        # both trails say it
        assert (await client.app[DOMAIN].audit.verify()).broken_at is None
        code, out = await guangzhou.expertbot(accepting, "audit-log", "verify")
        assert code == 0, out
        said = [what for (what,) in guangzhou.read(
            "SELECT json_extract(detail, '$.what') FROM audit_entry "
            "WHERE action = 'federation' ORDER BY id")]
        assert said.count("draw_released") == 1, said
    finally:
        await guangzhou.stop()


async def test_a_moved_gathering_reaches_the_other_librarys_experts_across_its_restart(
        guangzhou: LibraryProcess, client: TestClient, api: Api, demo: dict) -> None:
    """韶关 drew at 广州 and both experts confirmed there; 韶关's agency moves the gathering
    an hour later while 广州 is down: 韶关 keeps the change and sends it once 广州 is back,
    and 广州's draw follows it and tells its two experts, once."""
    mine = str(client.make_url("")).rstrip("/")
    accepting = guangzhou.env(SHAOGUAN, mine, "auto")
    guangzhou.prepare(accepting)
    await guangzhou.start(accepting)
    asking = client.app[DOMAIN].asking
    try:
        aid, token, _ = await asked_of_guangzhou(api, demo)
        now = datetime.now(UTC)
        await asking.sweep(now)
        await every_pool_expert_says_1(guangzhou, 72_000)
        await asking.sweep(now + timedelta(seconds=30))
        assert (await said_of(api, token, aid))["status"] == "done"
        await guangzhou.stop()
        notice = (await api.call("GET", f"/draws/activities/{aid}", token)).data["notices"][0]
        later = datetime.fromisoformat(notice["gather_at"]) + timedelta(hours=1)
        moved = await api.call("PUT", f"/draws/activities/{aid}/notices/{notice['id']}/gathering",
                               token, {"gather_at": later.isoformat()})
        assert moved.status == 200, moved.data
        await asking.sweep(now + timedelta(seconds=40))  # 广州 down: kept, told again later
        assert (await PeerAsk.get(activity_id=aid)).told_seq == 0
        await guangzhou.start(accepting)
        await asking.sweep(now + timedelta(seconds=60))
        await asking.sweep(now + timedelta(seconds=90))  # nothing more to say
        assert (await PeerAsk.get(activity_id=aid)).told_seq == 1
        ((gather_at, seq),) = guangzhou.read(
            "SELECT n.gather_at, d.seq FROM draw_notice n JOIN peer_draw d "
            "ON d.activity_id = n.activity_id")
        assert datetime.fromisoformat(str(gather_at)).replace(tzinfo=UTC) == later.astimezone(
            UTC) and seq == 1
        told = guangzhou.read("SELECT DISTINCT person_id FROM notification "
                              "WHERE kind = 'draw.gathering_changed'")
        assert len(told) == 2
    finally:
        await guangzhou.stop()


async def test_the_other_librarys_roster_shows_its_experts_arriving(
        guangzhou: LibraryProcess, client: TestClient, api: Api, demo: dict) -> None:
    """广州 drew both experts for 韶关's 副场: once its draw ended, 广州 sends its roster, and
    again when one of its experts checks in there (by the code, in 广州's chat); 韶关's
    activity page shows who is serving and who arrived, numbered changes applied once."""
    mine = str(client.make_url("")).rstrip("/")
    accepting = guangzhou.env(SHAOGUAN, mine, "auto")
    guangzhou.prepare(accepting)
    await guangzhou.start(accepting)
    asking = client.app[DOMAIN].asking
    try:
        aid, token, condition = await asked_of_guangzhou(api, demo)
        now = datetime.now(UTC)
        await asking.sweep(now)
        await every_pool_expert_says_1(guangzhou, 73_000)

        async def roster(seq: int) -> bool:
            return (await PeerAsk.get(condition_id=condition)).roster_seq >= seq

        await eventually(lambda: roster(1), timeout=40)  # 广州's sweep, every second here
        ask = await PeerAsk.get(condition_id=condition)
        assert [e["state"] for e in ask.experts] == ["serving", "serving"]
        await asking.sweep(datetime.now(UTC) + timedelta(seconds=30))  # polled: done
        assert (await DrawActivity.get(id=aid)).status == "ended"
        # the gathering moved to within the hour: 广州 follows, its venue code opens
        notice = (await api.call("GET", f"/draws/activities/{aid}", token)).data[
            "notices"][0]
        soon = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
        assert (await api.call(
            "PUT", f"/draws/activities/{aid}/notices/{notice['id']}/gathering", token,
            {"gather_at": soon.isoformat()})).status == 200
        await asking.sweep(datetime.now(UTC))
        ((code, openid),) = guangzhou.read(
            "SELECT i.code, w.openid FROM draw_invitation i JOIN wechat_identity w "
            "ON w.person_id = i.person_id AND w.channel = 'oa' "
            "WHERE i.status = 'confirmed' ORDER BY i.id LIMIT 1")
        await says(guangzhou, openid, code, 73_100)  # the code in its chat: checked in
        await eventually(lambda: roster(2), timeout=40)
        arrived = [e for e in (await PeerAsk.get(condition_id=condition)).experts
                   if e["code"] == code]
        assert arrived and arrived[0]["checkin_at"] and not arrived[0]["checkout_at"]
        await the_results_unseal(aid, datetime.now(UTC))
        desk = Desk(client)
        await desk.sign_in(demo["handler"].phone)
        _, page = await desk.get(f"/console/activities/{aid}")
        assert "副场到场情况（广州市评标专家库告知）" in page and "已签到" in page
        assert "尚未签到" in page  # the other expert
        said = [e.detail["what"] for e in await AuditEntry.filter(action="federation")]
        assert said.count("ask_roster") == 2
    finally:
        await guangzhou.stop()
