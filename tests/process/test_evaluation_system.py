"""A trading centre's evaluation system as a process of its own (`python -m
sandbox.evaluation`, its own SQLite database), this service in-process, both ways over the
signed protocol (docs/evaluation-systems.md). The system reads the committee and posts a
table with one deviating expert: the library keeps it once and proposes exactly that expert;
the same table again is a replay, nothing doubled. The committee's changes reach the system
by the worker's sweep: applied in order; with the system down the push waits its backoff
and is delivered once after a restart (the restarted system knows the last number it
applied, and the nonces it saw); slower than EVALUATION_TIMEOUT, or answering without a
number, the push is retried and the system answers the second delivery `applied: false` —
nothing lost, nothing doubled."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from bot.providers.federation.client import FederationClient
from config.settings import Settings
from models.draws import DrawActivity, Invitation, InvitationStatus
from models.evaluation.scores import RecordProposal, ScoreReview, ScoreTable
from models.evaluation.systems import CommitteeWatch
from sandbox.app import sync_followers
from services.evaluation import EVALUATION_PROTOCOL, LIBRARY_CODE
from services.federation import Federation, Identity, Peer, Trust
from tests.support.api import Api
from tests.support.draw_world import finish, make_experts, prepared, start_draw
from tests.support.evaluation import centre_of, library_key
from tests.support.ports import free_port
from tests.support.wechat import Chat
from web.context import DOMAIN


class SystemProcess:
    """The fake system's process: started, stopped, restarted on the same database."""

    def __init__(self, db: Path, library_url: str, library_public_key: str) -> None:
        self.port = free_port()
        self.db = db
        self.library = (library_url, library_public_key)
        self.proc: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "sandbox.evaluation", "--port", str(self.port),
            "--library", self.library[0], "--library-key", self.library[1],
            "--db", str(self.db), "--seed", "process-test", stdout=asyncio.subprocess.DEVNULL)
        # its imports take seconds on a loaded machine (7.5 s were not always enough)
        deadline = time.monotonic() + 30
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline and self.proc.returncode is None:
                try:
                    async with session.get(f"{self.url}/identity") as answer:
                        if answer.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.05)
        await self.stop()  # not left running past the test that gave up on it
        raise AssertionError("the evaluation system did not start")

    async def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            await asyncio.wait_for(self.proc.wait(), timeout=10)
            self.proc = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def http(self, method: str, path: str, body: dict[str, Any] | None = None
                   ) -> tuple[int, dict[str, Any]]:
        async with aiohttp.ClientSession() as session, session.request(
                method, self.url + path, json=body) as answer:
            return answer.status, await answer.json()

    async def fault(self, **wanted: Any) -> None:
        assert (await self.http("POST", "/control", wanted))[0] == 200

    async def drive(self, action: str, **body: Any) -> dict[str, Any]:
        status, said = await self.http("POST", f"/drive/{action}", body)
        assert status == 200, said
        return said

    async def state(self, activity_id: int) -> dict[str, Any]:
        return (await self.http("GET", f"/state?activity_id={activity_id}"))[1]


@pytest.fixture
def settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Pushes time out after 1 s; the test runs the worker's sweep by hand."""
    monkeypatch.setenv("EVALUATION_TIMEOUT", "1")
    return settings.model_copy(update={"run_worker": False})


@pytest.fixture
async def system(client: TestClient, settings: Settings, tmp_path: Path
                 ) -> AsyncIterator[SystemProcess]:
    ours = Identity(LIBRARY_CODE, LIBRARY_CODE, library_key(settings))
    running = SystemProcess(tmp_path / "system.sqlite3", str(client.make_url("")).rstrip("/"),
                            ours.public_key())
    await running.start()
    yield running
    await running.stop()


async def evaluation(client: TestClient, api: Api, chat: Chat, demo: dict,
                     system: SystemProcess, first: int) -> tuple[int, list[Invitation]]:
    """Three experts drawn and confirmed, the results unsealed (the evaluation starts in
    20 minutes), the system registered for the activity's centre with its address."""
    await make_experts(client, 4, first=first, specialty="A0802")
    await sync_followers(api.platform)
    aid, token = await prepared(api, demo, total=3, specialty="A0802")
    assert (await start_draw(api, token, aid)).status == 200
    served = sorted(await finish(chat, aid), key=lambda i: i.id)
    assert len(served) == 3
    start = datetime.now(UTC) + timedelta(minutes=20)
    await DrawActivity.filter(id=aid).update(eval_start=start,
                                             eval_end=start + timedelta(hours=6))
    _, me = await system.http("GET", "/identity")
    admin = await api.login(demo["admin"].mp_openid)
    made = await api.call("POST", "/admin/evaluation-systems", admin, {
        "code": me["code"], "name": me["name"], "centres": [await centre_of(aid)],
        "public_key": me["public_key"], "url": system.url})
    assert made.status == 200, made.data
    return aid, served


async def test_the_system_reads_the_committee_and_its_table_proposes_the_one_who_deviates(
        client: TestClient, api: Api, chat: Chat, demo: dict, system: SystemProcess) -> None:
    aid, served = await evaluation(client, api, chat, demo, system, 5200)
    board = await system.drive("read", activity_id=aid)
    assert board["seq"] == 1 and {m["code"] for m in board["members"]} == \
        {i.code for i in served}
    now = datetime.now(UTC)
    await DrawActivity.filter(id=aid).update(eval_end=now - timedelta(minutes=5),
                                             finished_at=now - timedelta(minutes=5))
    kept = await system.drive("scores", activity_id=aid)
    assert (kept["kept"], kept["replayed"], kept["experts"], kept["bidders"],
            kept["proposals"]) == (True, False, 3, 3, 1)
    odd = next(i for i in served if i.code == kept["deviating"])
    proposed = await RecordProposal.filter(activity_id=aid)
    assert [(p.kind, p.invitation_id) for p in proposed] == [("deviation", odd.id)]
    scores = proposed[0].detail["scores"]  # its total and the subjective C1, one bidder
    assert {s["criterion"] for s in scores} <= {"", "C1"} and len({s["bidder"] for s in
                                                                 scores}) == 1
    # the same table again (a system that lost the answer): a replay, nothing doubled
    again = await system.drive("scores", activity_id=aid)
    assert again["replayed"] is True and again["replay"] is True and again["proposals"] == 1
    assert await ScoreTable.filter(activity_id=aid).count() == 1
    assert await RecordProposal.filter(activity_id=aid).count() == 1
    held = await system.state(aid)
    tables = [s for s in held["sent"] if s["kind"] == "scores"]
    assert len(tables) == 2 and tables[0]["body"] == tables[1]["body"]
    assert [s["answer"]["replayed"] for s in tables] == [False, True]


async def _as_library(settings: Settings, system: SystemProcess) -> tuple[Trust, Peer]:
    """The library's side of the protocol with the system, to push as the library does."""
    _, me = await system.http("GET", "/identity")
    peer = Peer(me["code"], me["name"], system.url, me["public_key"])
    return Trust(Federation(Identity(LIBRARY_CODE, LIBRARY_CODE, library_key(settings)),
                            {peer.code: peer}), None, "", EVALUATION_PROTOCOL), peer


async def _raw(system: SystemProcess, aid: int, headers: dict[str, str], body: bytes
               ) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.post(
            f"{system.url}/committees/{aid}", data=body,
            headers={**headers, "Content-Type": "application/json"}) as answer:
        return answer.status, await answer.json()


def _deliveries(held: dict[str, Any], seq: int) -> list[tuple[bool, int | None, str]]:
    return [(d["applied"], d["answered"], d["fault"]) for d in held["deliveries"]
            if d["seq"] == seq]


async def test_the_committee_s_changes_reach_the_system_down_restarted_slow_and_forgetful(
        client: TestClient, settings: Settings, api: Api, chat: Chat, demo: dict,
        system: SystemProcess) -> None:
    aid, served = await evaluation(client, api, chat, demo, system, 5300)
    assert (await system.drive("read", activity_id=aid))["seq"] == 1
    watches, t0 = client.app[DOMAIN].watches, datetime.now(UTC)

    async def absent(n: int, why: str | None) -> None:
        await Invitation.filter(id=served[n].id).update(
            status=InvitationStatus.ABSENT if why else InvitationStatus.CONFIRMED, absence=why)

    # a leave: the committee numbered 2, pushed and applied
    await absent(0, "请假")
    assert await watches.sweep(t0) == 1
    held = await system.state(aid)
    assert [c["seq"] for c in held["committees"]] == [1, 2]
    assert _deliveries(held, 2) == [(True, 2, "")]
    assert await watches.sweep(t0) == 0  # acknowledged: nothing more to send
    # down: refused with 503, retried after its backoff, nothing applied meanwhile
    await system.fault(down=True)
    await absent(1, "缺席")
    assert await watches.sweep(t0) == 1
    watch = await CommitteeWatch.get(activity_id=aid)
    assert (watch.seq, watch.acked, watch.tries) == (3, 2, 1) and "503" in watch.last_error
    assert watch.next_at is not None and \
        t0 + timedelta(seconds=14) < watch.next_at <= t0 + timedelta(seconds=15)
    assert await watches.sweep(t0 + timedelta(seconds=10)) == 0
    # restarted on the same database (its faults gone): delivered once, applied
    await system.restart()
    assert await watches.sweep(t0 + timedelta(seconds=16)) == 1
    held = await system.state(aid)
    assert [c["seq"] for c in held["committees"]] == [1, 2, 3]
    assert _deliveries(held, 3) == [(True, 3, "")]
    watch = await CommitteeWatch.get(activity_id=aid)
    assert (watch.acked, watch.tries, watch.next_at) == (3, 0, None)
    # slower than the library waits: applied, the answer lost; the retry is a second
    # delivery, answered applied: false, and acknowledges it
    await system.fault(slow=1.5)
    await absent(1, None)  # the absence withdrawn: the committee changes again
    assert await watches.sweep(t0 + timedelta(seconds=20)) == 1
    watch = await CommitteeWatch.get(activity_id=aid)
    assert (watch.seq, watch.acked, watch.tries) == (4, 3, 1) and "Timeout" in watch.last_error
    await system.fault()
    assert await watches.sweep(t0 + timedelta(seconds=36)) == 1
    held = await system.state(aid)
    assert _deliveries(held, 4) == [(True, 4, "slow"), (False, 4, "")]
    assert [c["seq"] for c in held["committees"]] == [1, 2, 3, 4]
    assert (await CommitteeWatch.get(activity_id=aid)).acked == 4
    # restarted again, it still knows the last number it applied (an older push is answered
    # with it, not applied) and the nonces it saw (the same signed push again is refused)
    trust, peer = await _as_library(settings, system)
    again = json.dumps(held["committees"][-1]["body"]).encode()
    signed = trust.sign_request(peer, "POST", f"/committees/{aid}", again, int(time.time()))
    assert await _raw(system, aid, signed, again) == (200, {"seq": 4, "applied": False})
    await system.restart()
    status, refused = await _raw(system, aid, signed, again)
    assert (status, refused["error"]) == (401, "replayed")
    older = next(c["body"] for c in held["committees"] if c["seq"] == 3)
    async with aiohttp.ClientSession() as session:
        answer = await FederationClient(trust, session, 5).call(
            peer, "POST", f"/committees/{aid}", int(time.time()), None, older)
    assert answer == {"seq": 4, "applied": False}  # its signature checked by the client
    # answering without a number: retried, and the second delivery acknowledges it
    await system.fault(forget=True)
    await absent(2, "现场回避")
    assert await watches.sweep(t0 + timedelta(seconds=40)) == 1
    watch = await CommitteeWatch.get(activity_id=aid)
    assert (watch.seq, watch.acked, watch.last_error) == (5, 4, "answer without seq")
    await system.fault()
    assert await watches.sweep(t0 + timedelta(seconds=56)) == 1
    held = await system.state(aid)
    assert _deliveries(held, 5) == [(True, None, "forget"), (False, 5, "")]
    watch = await CommitteeWatch.get(activity_id=aid)
    assert (watch.acked, watch.next_at) == (5, None)
    # nothing lost: the system holds the committee as it stands, once per number
    last = held["committees"][-1]["body"]
    assert {m["code"]: m["absence"] for m in last["members"]} == {
        served[0].code: "请假", served[1].code: "", served[2].code: "现场回避"}
    assert [c["seq"] for c in held["committees"]] == [1, 2, 3, 4, 5]


async def test_a_re_check_asked_reaches_the_system_down_and_restarted_and_its_correction_holds(
        client: TestClient, api: Api, chat: Chat, demo: dict, system: SystemProcess) -> None:
    """GPL-87-64 both ways: the system posts the table while the committee sits; the agency
    asks a re-check; the request waits out the system being down and is delivered once after
    its restart; the committee's correction is kept (the deviation proposal made again from
    it: none), the report signed, and a correction after it refused in words."""
    aid, _ = await evaluation(client, api, chat, demo, system, 5400)
    assert (await system.drive("read", activity_id=aid))["seq"] == 1
    await DrawActivity.filter(id=aid).update(eval_start=datetime.now(UTC) - timedelta(hours=1))
    kept = await system.drive("scores", activity_id=aid)  # the committee still sits
    assert kept["proposals"] == 1
    token = await api.login(demo["handler"].mp_openid)
    asked = await api.call("POST", f"/draws/activities/{aid}/scores/reviews", token,
                           {"reason": "技术方案评分偏离较大，请评标委员会复核"})
    assert asked.status == 200, asked.data
    reviews, t0 = client.app[DOMAIN].score_reviews, datetime.now(UTC)
    await system.fault(down=True)
    assert await reviews.sweep(t0) == 1
    review = await ScoreReview.get(activity_id=aid)
    assert review.acked_at is None and review.tries == 1 and "503" in review.last_error
    assert await reviews.sweep(t0 + timedelta(seconds=10)) == 0  # its backoff
    await system.restart()
    assert await reviews.sweep(t0 + timedelta(seconds=16)) == 1
    assert (await ScoreReview.get(activity_id=aid)).acked_at is not None
    assert await reviews.sweep(t0 + timedelta(minutes=20)) == 0  # received: never again
    held = await system.state(aid)
    (heard,) = held["reviews"]
    assert heard["number"] == 1 and heard["body"]["items"][0]["expert"] == kept["deviating"]
    corrected = await system.drive("correction", activity_id=aid)
    assert corrected["changed"] == 1 and corrected["proposals"] == 0
    assert await RecordProposal.filter(activity_id=aid, status="proposed").count() == 0
    assert (await system.drive("signed", activity_id=aid))["signed"] is True
    status, refused = await system.http("POST", "/drive/correction", {"activity_id": aid})
    assert status == 409 and refused["error"] == "report_signed"
    assert "重新评审" in refused["message"]
