"""The system administrator decides other libraries' requests for experts in the console
(其他专家库的抽取请求): each by the asking library's name, the place and the specialty by name;
a refusal without a reason is refused with the choice kept, one with a reason goes back to
the asker; an accepted one is drawn here at once."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from models.federated_draws import PeerDraw
from services.federation import Identity, Keys
from tests.support.browser import screenshot, signed_in
from tests.support.federation import ASKER, OURS, draw_request, signed_client

SHAOGUAN = Identity(*OURS, Keys.new_private())


@pytest.fixture
def shaoguan(monkeypatch: pytest.MonkeyPatch) -> Identity:
    """The sandbox's service as 韶关's library, its administrator deciding 广州's requests
    (ask for it before the sandbox: the service reads it when it starts)."""
    monkeypatch.setenv("FEDERATION_CODE", SHAOGUAN.code)
    monkeypatch.setenv("FEDERATION_NAME", SHAOGUAN.name)
    monkeypatch.setenv("FEDERATION_PRIVATE_KEY", SHAOGUAN.private_key)
    monkeypatch.setenv("FEDERATION_PEERS", json.dumps([{
        "code": ASKER.code, "name": ASKER.name, "url": "http://127.0.0.1:9",
        "public_key": ASKER.public_key(), "accept": "admin"}]))
    return SHAOGUAN


async def test_the_administrator_refuses_with_a_reason_and_accepts_in_the_console(
        shaoguan: Identity, sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    federation, peer, session = signed_client(str(sandbox.make_url("")), shaoguan)
    first, second = draw_request(count=1, region="440100", specialty="A0103"), \
        draw_request(count=1, region="440100", specialty="A0103")
    async with session:
        for body in (first, second):
            said = await federation.call(peer, "POST", "/federation/v1/draws",
                                         int(time.time()), data=body)
            assert said["status"] == "pending"
    desk = await signed_in(browser, sandbox, "13800000007", "/console/federation-requests")
    refused_one = await PeerDraw.get(request_id=first["request_id"])
    row = desk.get_by_test_id(f"request-{refused_one.id}")
    await expect(row).to_contain_text("广州市评标专家库")
    await expect(row).to_contain_text("广东省广州市")
    await expect(row).to_contain_text("待审核")
    await row.get_by_test_id("refuse").click()
    await expect(desk.get_by_test_id("refusal")).to_contain_text("须填写原因")
    row = desk.get_by_test_id(f"request-{refused_one.id}")
    await row.get_by_label("拒绝原因").fill("该时段本库专家已安排其他评标")
    await row.get_by_test_id("refuse").click()
    await expect(desk.locator("main")).to_contain_text("已拒绝广州市评标专家库的抽取请求")
    await expect(desk.get_by_test_id(f"request-{refused_one.id}").get_by_test_id(
        "state")).to_contain_text("已拒绝：该时段本库专家已安排其他评标")
    accepted = await PeerDraw.get(request_id=second["request_id"])
    await desk.get_by_test_id(f"request-{accepted.id}").get_by_test_id("accept").click()
    await expect(desk.get_by_test_id(f"request-{accepted.id}").get_by_test_id(
        "state")).to_contain_text("本库抽取活动 CQYD")  # drawn here at once
    for raw in ("None", "pending", "440100", "A0103"):
        await expect(desk.locator("main")).not_to_contain_text(raw)
    await screenshot(desk, "var/console-federation-requests.png")
