"""The system administrator reads another library's directory (from this
side): the libraries this one trusts by name, the counts a library on loopback answers over
the signed protocol, "不足3人" where it withholds a count, and in words when it refuses,
answers outside the protocol, signs with a key nobody configured or does not answer."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from tests.support.api import Api
from tests.support.browser import screenshot, signed_in
from tests.support.federation import GUANGZHOU
from tests.support.peer_library import PeerLibrary

OURS = GUANGZHOU




async def test_the_administrator_reads_another_librarys_counts_and_is_told_when_it_fails(
        shaoguan_library: PeerLibrary, client: TestClient, api: Api, demo: dict) -> None:
    token = await api.login(demo["admin"].mp_openid)
    listed = await api.call("GET", "/admin/federation/peers", token)
    assert listed.data == {"on": True, "peers": [{"code": "440200", "name": "韶关市评标专家库"}]}
    read = await api.call("GET", "/admin/federation/peers/440200/directory", token,
                          params={"specialty": "A04", "region": "440200"})
    assert read.status == 200 and read.data["total"] == 57 and read.data["asked"] == 5
    assert {"code": "440203", "name": "广东省韶关市武江区", "count": None} in \
        read.data["by_region"]
    assert shaoguan_library.asked[-1] == {"specialty": "A04", "region": "440200"}
    # a place not six digits: refused here, nothing sent
    bad = await api.call("GET", "/admin/federation/peers/440200/directory", token,
                         params={"region": "4402"})
    assert bad.status == 400 and "六位行政区划代码" in bad.message
    assert len(shaoguan_library.asked) == 1
    unknown = await api.call("GET", "/admin/federation/peers/450100/directory", token)
    assert unknown.status == 404 and "选择一个已配置的专家库" in unknown.message
    for mode, words in (("refuse", "拒绝了本次查询：本专家库未配置与该专家库的互信"),
                        ("garbage", "暂时没有应答"), ("forged", "暂时没有应答")):
        shaoguan_library.mode = mode
        said = await api.call("GET", "/admin/federation/peers/440200/directory", token)
        assert said.status == 503 and words in said.message and "韶关市评标专家库" in said.message
    # the desk of an agency has no such reading
    handler = await api.login(demo["handler"].mp_openid)
    assert (await api.call("GET", "/admin/federation/peers", handler)).status == 403


async def test_the_administrator_picks_a_library_by_name_in_the_console(
        shaoguan_library: PeerLibrary, sandbox: TestServer, browser: Any) -> None:
    from playwright.async_api import expect

    desk = await signed_in(browser, sandbox, "13800000007", "/console/federation")
    # one library trusted: its counts at once
    await expect(desk.get_by_test_id("summary")).to_contain_text("韶关市评标专家库")
    await expect(desk.get_by_test_id("summary")).to_contain_text("57 人")
    await expect(desk.get_by_test_id("by-region")).to_contain_text("广东省韶关市武江区")
    await expect(desk.get_by_test_id("by-region")).to_contain_text("不足3人")
    await expect(desk.get_by_test_id("by-specialty")).to_contain_text("工程 / 设计")
    # a place picked by name, sent as its six-digit code
    await desk.get_by_label("省").select_option(label="广东省")
    await desk.get_by_label("市").select_option(label="韶关市")
    await desk.get_by_test_id("show").click()
    await expect(desk.get_by_test_id("asked")).to_contain_text("5 人")
    await expect(desk.get_by_test_id("summary")).to_contain_text("广东省韶关市")
    assert shaoguan_library.asked[-1] == {"region": "440200"}
    body = desk.locator("main")
    for raw in ("None", "null", "4402<", "unknown_peer"):
        await expect(body).not_to_contain_text(raw)
    await screenshot(desk, "var/console-federation.png")
    # the library does not answer as the protocol says: the words, the choice kept
    shaoguan_library.mode = "forged"
    await desk.get_by_test_id("show").click()
    await expect(desk.get_by_test_id("refusal")).to_contain_text("韶关市评标专家库暂时没有应答")
    await expect(desk.get_by_test_id("peer")).to_have_value("440200")
    await screenshot(desk, "var/console-federation-refused.png")
