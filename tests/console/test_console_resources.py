"""A page asks the browser for nothing the service does not serve: its icon is in the page
(else the browser asks /favicon.ico on every console page, a 404 in its console), and every
script, style and image it names is there."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from tests.support.console import Desk

NAMED = re.compile(r'<(?:script|link|img)\b[^>]*?\b(?:src|href)="([^"]+)"')


async def _names_only_what_is_served(client: TestClient, page: str) -> None:
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert icon, "the page names no icon: the browser asks for /favicon.ico"
    for named in NAMED.findall(page):
        if named.startswith("data:"):
            continue
        assert named.startswith("/"), named  # nothing from another site
        resp = await client.get(named)
        assert resp.status == 200, (named, resp.status)
        resp.release()
    # what the browser would ask for without the icon in the page is not served
    missing = await client.get("/favicon.ico")
    assert missing.status == 404
    missing.release()


async def test_console_and_link_pages_name_their_icon_and_only_what_is_served(
        client: TestClient, demo: dict) -> None:
    desk = Desk(client)
    _, page = await desk.get("/console/sign-in")
    await _names_only_what_is_served(client, page)
    await desk.sign_in(demo["handler"].phone)
    for path in ("/console/home", "/console/activities"):
        resp, page = await desk.get(path)
        assert resp.status == 200, path
        await _names_only_what_is_served(client, page)
    # an expert's page from an SMS link (refused here: a link nobody signed)
    resp, page = await desk.get("/a/not-a-token")
    assert resp.status == 403
    await _names_only_what_is_served(client, page)
