"""The agency funds the lent experts' fees at its desk, in Chromium (FG-807: paid by the
library that lent them; docs/federation.md, fees): 韶关 drew the 副场 and, the evaluation
over, sends its sheet (signed; a replay and a malformed one change nothing); the agency is
told, reads it masked on its fee page, and with 韶关 down the QR code is refused in words
while its bank transfer's reference is kept and said to be on its way — retried, never
asked of the agency twice."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from config.settings import Settings
from models.federated_draws import PeerAsk
from models.notifications import Notification
from services.federation import PeerRefused
from tests.support.api import Api
from tests.support.browser import screenshot, signed_in
from tests.support.federation import GUANGZHOU, asked_of_shaoguan, signed_client
from tests.support.federation import SHAOGUAN as SHAOGUAN_ID
from tests.support.fees import evaluation_over
from tests.support.peer_library import PeerLibrary
from web.context import DOMAIN


@pytest.fixture
def settings(shaoguan_library: PeerLibrary, settings: Settings) -> Settings:
    """No in-process worker: the test runs the worker's sweep by hand."""
    return settings.model_copy(update={"run_worker": False})


SHEET = {"state": "paying", "total_fen": 105_000, "reference": "", "returned_reason": "",
         "experts": [
             {"code": "3847", "name": "张*", "supplementary": False, "amount_fen": 70_000,
              "computed_fen": 70_000, "reason": "", "paid": False, "phone": "13900000000"},
             {"code": "5120", "name": "李*华", "supplementary": True, "amount_fen": 35_000,
              "computed_fen": 70_000, "reason": "提前离场一小时", "paid": False}]}


async def test_the_agency_funds_the_other_librarys_sheet_kept_while_it_is_down(
        shaoguan_library: PeerLibrary, client: TestClient, api: Api, demo: dict,
        browser: Any) -> None:
    from playwright.async_api import expect

    aid, _, condition = await asked_of_shaoguan(api, demo)
    shaoguan_library.draw_state = {"status": "done", "reason": "", "experts": []}
    asking = client.app[DOMAIN].asking
    await asking.sweep(datetime.now(UTC))
    await evaluation_over(aid)
    federation, peer, session = signed_client(str(client.make_url("")), GUANGZHOU,
                                              SHAOGUAN_ID)
    ask = await PeerAsk.get(condition_id=condition)
    path = f"/federation/v1/asks/{ask.request_id}/fees"
    async with session:
        first = await federation.call(peer, "POST", path, int(time.time()),
                                      data={"seq": 1, "sheet": SHEET})
        again = await federation.call(peer, "POST", path, int(time.time()),
                                      data={"seq": 1, "sheet": {**SHEET, "total_fen": 1}})
        with pytest.raises(PeerRefused) as bad:
            await federation.call(peer, "POST", path, int(time.time()), data={
                "seq": 2, "sheet": {**SHEET, "total_fen": -5}})
    assert first["applied"] and not again["applied"] and bad.value.reason == "bad_request"
    kept = (await PeerAsk.get(condition_id=condition)).fees
    assert kept is not None and kept["total_fen"] == 105_000
    assert "phone" not in kept["experts"][0]
    told = await Notification.filter(kind="draw.lent_fees")  # the handler, the legal person
    assert told and len({n.person_id for n in told}) == len(told)
    assert all(n.params["total"] == "1050.00" and "3847" not in str(n.params) for n in told)

    shaoguan_library.mode = "down"
    desk = await signed_in(browser, client.server, demo["handler"].phone,
                           f"/console/activities/{aid}/fees")
    sheet = desk.get_by_test_id(f"peer-sheet-{condition}")
    await expect(sheet).to_contain_text("副场外库专家劳务费（韶关市评标专家库抽取并支付）")
    await expect(sheet).to_contain_text("待本机构出资")
    await expect(sheet).to_contain_text("合计 1050.00元")
    await expect(sheet).to_contain_text("*李*华")
    await expect(sheet).to_contain_text("提前离场一小时")
    await desk.get_by_test_id(f"peer-pay-{condition}").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("暂时没有应答")
    await desk.get_by_test_id(f"peer-reference-{condition}").fill("GZ-20261127-088")
    desk.once("dialog", lambda d: d.accept())
    await desk.get_by_test_id(f"peer-fund-{condition}").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text(
        "对方专家库暂时没有应答，系统会自动重试告知")
    said = desk.get_by_test_id(f"peer-funding-{condition}")
    await expect(said).to_contain_text("GZ-20261127-088")
    await expect(said).to_contain_text("正在告知对方专家库")
    await expect(desk.get_by_test_id(f"peer-fund-{condition}")).to_have_count(0)
    await screenshot(desk, "var/console-peer-sheet.png")
    # still down at the next sweep: kept, told again later with a longer wait
    await asking.fees.sweep(datetime.now(UTC) + timedelta(minutes=2))
    ask = await PeerAsk.get(condition_id=condition)
    assert ask.funding_told == "telling" and ask.funding_tries == 2  # at once, then swept
    assert ask.funding_at is not None and ask.funding is not None
    assert ask.funding["total_fen"] == 105_000
    # reordered: number 3 (approved there) arrives before number 2; the late 2 changes nothing
    federation, peer, session = signed_client(str(client.make_url("")), GUANGZHOU,
                                              SHAOGUAN_ID)
    async with session:
        third = await federation.call(peer, "POST", path, int(time.time()), data={
            "seq": 3, "sheet": {**SHEET, "state": "approved"}})
        late = await federation.call(peer, "POST", path, int(time.time()), data={
            "seq": 2, "sheet": {**SHEET, "state": "returned", "returned_reason": "金额有误"}})
    assert third["applied"] and not late["applied"] and late["seq"] == 3
    fees = (await PeerAsk.get(condition_id=condition)).fees
    assert fees is not None and fees["state"] == "approved"
    assert await Notification.filter(kind="draw.lent_fees").count() == len(told)  # no more
