"""What the evaluation finds about an expert another library lent (FG-807: one committee,
two libraries): proposed here by code and the name that library told, decided by the agency
like any other; once confirmed it goes home with the evaluation's changes, the numbers and
the agency's reason with it, never a name or an ID number, and this side keeps only the
code (the lending side: tests/federation/test_lending.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient

from config.settings import Settings
from models.draws import DrawActivity
from models.evaluation.scores import RecordProposal
from tests.support.api import Api
from tests.support.draw_world import make_experts, the_results_unseal
from tests.support.evaluation import BIDDERS, System, centre_of, table
from tests.support.federation import asked_of_shaoguan
from tests.support.peer_library import PeerLibrary
from web.context import DOMAIN

LENT = (("张*", "3847"), ("李*华", "1290"), ("王*", "5521"))


@pytest.fixture
def settings(shaoguan_library: PeerLibrary, settings: Settings) -> Settings:
    return settings.model_copy(update={"run_worker": False})


async def test_a_lent_experts_deviation_is_proposed_here_and_once_confirmed_goes_home(
        shaoguan_library: PeerLibrary, client: TestClient, api: Api, demo: dict) -> None:
    await make_experts(client, 3, first=4700, region="440203")
    aid, token, _ = await asked_of_shaoguan(api, demo)
    asking, now = client.app[DOMAIN].asking, datetime.now(UTC)
    await asking.sweep(now)
    shaoguan_library.draw_state = {"status": "done", "reason": "", "experts": [
        {"name": n, "specialty": "A0401", "specialty_name": "工程 / 设计 / 建筑工程设计",
         "code": c} for n, c in LENT]}
    await asking.sweep(now + timedelta(minutes=1))
    await the_results_unseal(aid, datetime.now(UTC))
    await DrawActivity.filter(id=aid).update(eval_start=datetime.now(UTC) - timedelta(hours=1))
    system = System()
    await system.register(api, demo, [await centre_of(aid)])
    path = f"/evaluation/v1/activities/{aid}"
    await system.call("PUT", f"{path}/bidders", {"bidders": BIDDERS})
    codes = [c for _, c in LENT]
    kept = await system.call("POST", f"{path}/scores", table(codes, {
        (2, BIDDERS[0]["key"], "C1"): 38}))
    assert kept["proposals"] == 1
    (shown,) = (await api.call("GET", f"/draws/activities/{aid}/performance/proposals",
                               token)).data["proposals"]
    assert (shown["lent_code"], shown["invitation_id"], shown["expert"]) == (
        "5521", 0, "王*（韶关市评标专家库）")
    assert "偏离 20.0%" in shown["explanation"]
    decided = await api.call(
        "POST", f"/draws/activities/{aid}/performance/proposals/{shown['id']}/decision",
        token, {"confirm": True, "reason": "技术方案评分与评标办法明显不符，经复核属实"})
    assert decided.status == 200, decided.data
    # home with the evaluation's next change: the numbers, the mark, the reason, no name
    await asking.updates.sweep(datetime.now(UTC))
    told = shaoguan_library.updates[-1]["proposals"]
    (sent,) = told["5521"]
    assert (sent["kind"], sent["mark"], sent["reason"]) == (
        "deviation", "tbl71-3", "技术方案评分与评标办法明显不符，经复核属实")
    assert sent["mark_name"] == "不按照招标文件规定的评标标准和方法评标"
    assert {s["value"] for s in sent["detail"]["scores"]} == {"88", "38"}  # total, C1
    assert "lent" not in sent["detail"]
    assert "王*" not in json.dumps(told, ensure_ascii=False)
    # this side keeps the code and the name it was told, never a person
    kept_here = await RecordProposal.get(id=shown["id"])
    assert (kept_here.person_id, kept_here.expert_id, kept_here.invitation_id) == (0, 0, 0)
