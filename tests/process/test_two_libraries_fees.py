"""Lent experts are paid once (FG-807: the 副场's experts paid by the library that lent them,
by the agreed rule; the asking agency funds them; docs/federation.md, fees): 广州's library
(`expertbot serve` of its own) lent two experts for 韶关's 副场. Once the evaluation is over
there, 广州 offers its sheet at its standard and sends it to 韶关; 韶关's agency funds it
by its bank transfer's reference while 广州 is down (killed) — kept, and told once 广州 is back;
广州's finance approves it and 韶关's page says so. Said twice, funded once."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.providers.federation.client import FederationClient
from config.settings import Settings
from models.audit import AuditEntry
from models.draws import DrawActivity
from models.federated_draws import PeerAsk
from services.federation import Federation, Peer, Trust
from tests.support.api import Api
from tests.support.cli import Preloaded
from tests.support.console import Desk
from tests.support.helpers import eventually
from tests.support.peer_process import LibraryProcess
from tests.support.two_libraries import (
    GUANGZHOU,
    SHAOGUAN,
    as_shaoguan,
    asked_of_guangzhou,
    every_pool_expert_says_1,
    library_of_guangzhou,
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


async def test_the_lent_experts_fees_are_funded_once_across_a_restart(
        guangzhou: LibraryProcess, client: TestClient, api: Api, demo: dict) -> None:
    mine = str(client.make_url("")).rstrip("/")
    accepting = guangzhou.env(SHAOGUAN, mine, "auto")
    guangzhou.prepare(accepting)
    await guangzhou.start(accepting)
    asking = client.app[DOMAIN].asking
    try:
        aid, token, condition = await asked_of_guangzhou(api, demo)
        await asking.sweep(datetime.now(UTC))
        await every_pool_expert_says_1(guangzhou, 74_000)
        await asking.sweep(datetime.now(UTC) + timedelta(seconds=30))
        assert (await PeerAsk.get(condition_id=condition)).status == "done"
        # the evaluation is over at both places, since yesterday: 广州 offers its sheet
        over = datetime.now(UTC) - timedelta(days=1, minutes=5)
        guangzhou.change("UPDATE draw_activity SET finished_at = ? WHERE kind = 'peer'",
                         over.isoformat())
        await DrawActivity.filter(id=aid).update(finished_at=over)

        async def sheet_state(state: str) -> bool:
            fees = (await PeerAsk.get(condition_id=condition)).fees
            return fees is not None and fees["state"] == state

        # 广州's sweep (every second here)
        await eventually(lambda: sheet_state("paying"), timeout=40)
        sheet = (await PeerAsk.get(condition_id=condition)).fees
        assert sheet is not None and len(sheet["experts"]) == 2
        total = sheet["total_fen"]
        assert total == sum(e["amount_fen"] for e in sheet["experts"]) > 0
        desk = Desk(client)
        await desk.sign_in(demo["handler"].phone)
        _, page = await desk.get(f"/console/activities/{aid}/fees")
        assert "副场外库专家劳务费（广州市评标专家库抽取并支付）" in page
        assert f"合计 {total / 100:.2f}元" in page and "待本机构出资" in page
        # 广州 killed (a crash): the agency's funding is kept and told once 广州 is back
        await guangzhou.kill()
        funded = await api.call(
            "POST", f"/draws/activities/{aid}/fees/lent/{condition}/funding", token,
            {"reference": "SG-20261127-001", "total_yuan": f"{total / 100:.2f}"})
        assert funded.status == 200, funded.data
        said = funded.data["sheets"][0]["funding"]
        assert said["reference"] == "SG-20261127-001" and not said["told"]
        again = await api.call(
            "POST", f"/draws/activities/{aid}/fees/lent/{condition}/funding", token,
            {"reference": "SG-20261127-002", "total_yuan": f"{total / 100:.2f}"})
        assert again.status == 409 and "正在告知对方专家库" in again.message
        await guangzhou.start(accepting)
        await asking.fees.sweep(datetime.now(UTC) + timedelta(minutes=5))
        assert (await PeerAsk.get(condition_id=condition)).funding_told == "told"
        ((state, reference, theirs),) = guangzhou.read(
            "SELECT f.state, f.reference, f.activity_id FROM fee_funding f")
        assert state == "submitted" and reference == "韶关市评标专家库：SG-20261127-001"
        # the same funding said again (an answer lost on the way): the same answer, once
        peer = Peer(GUANGZHOU.code, GUANGZHOU.name, guangzhou.url, GUANGZHOU.public_key())
        ask = await PeerAsk.get(condition_id=condition)
        async with aiohttp.ClientSession() as http:
            trust = Trust(Federation(SHAOGUAN, {peer.code: peer}), None, "")
            replay = await FederationClient(trust, http).call(
                peer, "POST", f"/federation/v1/draws/{ask.request_id}/fees/funded",
                int(time.time()), data={"reference": "SG-20261127-001", "total_fen": total})
        assert replay["applied"] is False and replay["state"] == "submitted"
        assert len(guangzhou.read("SELECT id FROM draw_log WHERE action = 'funding_submit'")
                   ) == 1
        # 广州's finance approves the sheet it funded; 韶关's page follows
        async with guangzhou.http() as http:
            theirs_api = Api(http, api.platform)  # type: ignore[arg-type]
            finance = await theirs_api.login(demo["finance"].mp_openid)
            listed = await theirs_api.call("GET", "/finance/fee-sheets", finance,
                                           params={"state": "submitted"})
            assert listed.data["sheets"][0]["agency"] == "外库：韶关市评标专家库（请求方出资）"
            decided = await theirs_api.call(
                "POST", f"/finance/fee-sheets/{theirs}/decision", finance,
                {"approve": True, "reason": "", "total_yuan": f"{total / 100:.2f}"})
            assert decided.status == 200, decided.data
        await eventually(lambda: sheet_state("approved"), timeout=40)
        _, page = await desk.get(f"/console/activities/{aid}/fees")
        assert "对方财务已批准，向专家发放" in page and "对方已收到" in page
        said = [e.detail["what"] for e in await AuditEntry.filter(action="federation")]
        assert said.count("ask_funding_told") == 1 and "ask_fees" in said
    finally:
        await guangzhou.stop()
