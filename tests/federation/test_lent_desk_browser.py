"""The 副场's centre at its desk, in Chromium (FG-807: the 副场's centre runs its side):
韶关's verifier finds the draw made for 广州's 副场 under 为外库抽取, reads our experts by
name once unsealed, registers one's 请假 by the code and runs the 补抽 for the place; every
word in Chinese, times in China time."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from config.settings import Settings
from models.draws import DrawActivity
from models.federated_draws import PeerDraw
from tests.support.browser import screenshot, signed_in
from tests.support.draw_world import finish, make_experts, the_results_unseal
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


async def test_the_centre_registers_a_leave_and_runs_the_supplement_at_its_desk(
        client: TestClient, settings: Settings, chat: Chat, demo: dict, browser: Any) -> None:
    from playwright.async_api import expect

    await make_experts(client, 4, first=3600, region="440203", specialty="A0401")
    await centre_of_shaoguan(demo)
    federation, peer, session = asking(client, settings)
    body = draw_request(count=2)
    async with session:
        await federation.call(peer, "POST", "/federation/v1/draws", int(time.time()), data=body)
    activity_id = (await PeerDraw.get(request_id=body["request_id"])).activity_id
    first, _ = await finish(chat, activity_id)
    await the_results_unseal(activity_id, datetime.now(UTC))

    desk = await signed_in(browser, client.server, demo["verifier"].phone, "/console/home")
    await desk.get_by_role("link", name="为外库抽取").click()
    row = desk.get_by_test_id(f"lent-{activity_id}")
    await expect(row).to_contain_text("广州市评标专家库")
    await expect(row).to_contain_text("CQYD")
    await row.get_by_role("link", name="查看").click()
    await expect(desk.get_by_test_id("lent-arrivals")).to_contain_text("已到场 0/2")
    await expect(desk.get_by_test_id("lent-experts")).to_contain_text(first.code or "")
    await expect(desk.get_by_test_id("lent-supplement")).to_be_disabled()  # no place open
    await desk.get_by_label("专家的验证码").fill(first.code or "")
    await desk.get_by_label("情形").select_option("请假")
    await desk.get_by_test_id("lent-absence").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("已登记请假")
    await expect(desk.get_by_test_id(f"lent-expert-{first.id}")).to_contain_text("请假")
    in_china = datetime.now(UTC) + timedelta(hours=8)  # the field is China time
    await desk.get_by_label("新的集合时间").fill(
        (in_china + timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M"))
    await desk.get_by_label("随机串（4-32位）").fill("7391")
    await desk.get_by_test_id("lent-supplement").click()
    await expect(desk.get_by_test_id("flash")).to_contain_text("补抽已开始")
    assert await DrawActivity.filter(parent_id=activity_id).exists()
    # drawing: no second 补抽 while the first waits for answers, said beside the button
    await expect(desk.get_by_test_id("lent-supplement")).to_be_disabled()
    await expect(desk.get_by_text("补抽正在进行")).to_be_visible()
    await screenshot(desk, "var/console-lent-desk.png")
