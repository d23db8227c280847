"""The lent experts' fees at the 副场's centre, in Chromium (FG-807: paid by the library that
lent them, by the agreed rule; funded by the asking agency — docs/federation.md, fees):
韶关's verifier opens 本库专家劳务费 for the draw made for 广州, records one fee other than
the standard's with its reason and sends the sheet to 广州; 广州 (a signed client) asks for
the WeChat Pay QR code, then says it funded by bank transfer — twice, funded once; 韶关's
finance approves it and the desk may pay. Every amount in yuan, every word Chinese."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from config.settings import Settings
from models.draws import DrawActivity, DrawLog
from models.federated_draws import PeerDraw
from models.money.payouts import FeeFunding
from sandbox.pay.gateway import PayGateway
from services.demo_draws import load_fee_standard
from tests.support.api import Api
from tests.support.browser import screenshot, signed_in
from tests.support.draw_world import finish, make_experts
from tests.support.federation import (
    asking,
    centre_of_shaoguan,
    draw_request,
    lending_here,
)
from tests.support.wechat import Chat


@pytest.fixture
def settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """This service as 韶关's library, its standing rule accepting 广州's requests."""
    lending_here(monkeypatch, "auto")
    return settings


async def test_the_centre_sends_its_experts_fees_and_pays_them_once_funded(
        client: TestClient, settings: Settings, chat: Chat, api: Api, demo: dict,
        browser: Any, pay_gateway: PayGateway) -> None:
    from playwright.async_api import expect

    now = datetime.now(UTC)
    await load_fee_standard(now - timedelta(days=1))
    await make_experts(client, 3, first=3700, region="440203", specialty="A0401")
    await centre_of_shaoguan(demo)
    federation, peer, session = asking(client, settings)
    body = draw_request(count=2)
    async with session:
        await federation.call(peer, "POST", "/federation/v1/draws", int(time.time()), data=body)
        activity_id = (await PeerDraw.get(request_id=body["request_id"])).activity_id
        assert activity_id is not None
        first, second = await finish(chat, activity_id)
        await DrawActivity.filter(id=activity_id).update(finished_at=datetime.now(UTC))

        desk = await signed_in(browser, client.server, demo["verifier"].phone,
                               f"/console/lent/{activity_id}")
        await desk.get_by_test_id("lent-fees-link").click()
        await expect(desk.get_by_test_id("lent-fees")).to_contain_text("元")
        row = desk.get_by_test_id(f"lent-fee-{second.id}")
        await row.get_by_label("的劳务费").fill("350.00")
        await row.get_by_role("button", name="保存").click()
        await expect(desk.get_by_test_id("flash")).to_contain_text("调整原因")  # refused
        row = desk.get_by_test_id(f"lent-fee-{second.id}")
        await expect(row.get_by_label("的劳务费")).to_have_value("350.00")  # kept as typed
        await row.get_by_label("的调整原因").fill("提前离场一小时")
        await row.get_by_role("button", name="保存").click()
        await expect(desk.get_by_test_id("flash")).to_contain_text("专家费已记录")
        await expect(desk.get_by_test_id(f"lent-fee-{second.id}").get_by_label(
            "的调整原因")).to_have_value("提前离场一小时")
        desk.once("dialog", lambda d: d.accept())
        await desk.get_by_test_id("lent-offer").click()
        await expect(desk.get_by_test_id("flash")).to_contain_text("已发给请求方专家库")
        await expect(desk.get_by_test_id("lent-funding")).to_contain_text("待扫码付款")
        # nothing is paid before the asker funds and our finance approves, said beside it
        await expect(desk.get_by_test_id(f"lent-payout-{first.id}")).to_be_disabled()
        funding = await FeeFunding.get(activity_id=activity_id)
        assert funding.state == "paying" and funding.amounts[str(second.id)] == 35_000
        # 广州's agency asks for our QR code, then says it paid by bank transfer instead
        path = f"/federation/v1/draws/{body['request_id']}/fees"
        qr = await federation.call(peer, "POST", f"{path}/checkout", int(time.time()), data={})
        assert qr["code_url"].startswith("weixin://") and qr["total_fen"] == funding.total_fen
        said = {"reference": "GZ-0001", "total_fen": funding.total_fen}
        first_said = await federation.call(peer, "POST", f"{path}/funded", int(time.time()),
                                           data=said)
        again = await federation.call(peer, "POST", f"{path}/funded", int(time.time()),
                                      data=said)
        assert first_said["applied"] and not again["applied"]
        assert again["state"] == "submitted"
    assert await DrawLog.filter(activity_id=activity_id, action="funding_submit").count() == 1
    # our finance approves what 广州's agency funded
    finance = await api.login(demo["finance"].mp_openid)
    listed = await api.call("GET", "/finance/fee-sheets", finance, params={"state": "submitted"})
    assert listed.data["sheets"][0]["agency"] == "外库：广州市评标专家库（请求方出资）"
    decided = await api.call("POST", f"/finance/fee-sheets/{activity_id}/decision", finance, {
        "approve": True, "reason": "", "total_yuan": f"{funding.total_fen / 100:.2f}"})
    assert decided.status == 200, decided.data
    await desk.reload()
    await expect(desk.get_by_test_id("lent-funding")).to_contain_text("财务已批准")
    await expect(desk.get_by_test_id("lent-funding")).to_contain_text("广州市评标专家库：GZ-0001")
    await expect(desk.get_by_test_id(f"lent-payout-{first.id}")).to_be_enabled()
    await screenshot(desk, "var/console-lent-fees.png")
