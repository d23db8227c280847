"""The desks' 操作手册 (tools/manual.py) stays true to the console: for each desk, the pages
it lists are the pages of that desk's menu, each with what it is for and its screenshot; the
帮助中心 shows it. A page added to a menu without the manual made again fails here."""

from __future__ import annotations

import json
import re

from aiohttp.test_utils import TestClient

from config.settings import ROOT
from services.common.texts import Texts
from services.demo import DEMO_PEOPLE
from tests.support.console import Desk

MANUAL = json.loads((ROOT / "texts/help/manual.json").read_text(encoding="utf-8"))["desks"]
NAV = re.compile(r'<nav>(.*?)</nav>', re.S)
HREF = re.compile(r'href="(/console/[^"]*)"')


async def test_the_manual_lists_each_desks_menu_with_its_screenshots(
        client: TestClient, demo: dict) -> None:
    texts = Texts(ROOT / "texts")
    people = {d.key: d for d in DEMO_PEOPLE}
    for desk in MANUAL:
        console = Desk(client)
        await console.sign_in(people[desk["desk"]].phone)
        _, home = await console.get("/console/home")
        menu = HREF.findall(NAV.search(home).group(1)) if NAV.search(home) else []
        assert menu, desk["desk"]
        assert [p["path"] for p in desk["pages"]] == menu, desk["desk"]
        for page in desk["pages"]:
            assert (ROOT / "console" / page["image"].removeprefix("/console/")).is_file()
            assert "还没有说明" not in texts.render("help/manual_pages.j2", key=page["path"])
    answer = await client.get("/help/manual")
    listed = await answer.text()
    assert answer.status == 200 and "代理机构法人" in listed and "客服人员" in listed
    one = await (await client.get("/help/manual/agency_legal")).text()
    assert one.count('data-testid="manual-page"') == len(MANUAL[0]["pages"])
    assert "/console/static/manual/agency_legal-activities.jpg" in one
    shot = await client.get("/console/static/manual/agency_legal-activities.jpg")
    assert shot.status == 200 and shot.content_type == "image/jpeg"
