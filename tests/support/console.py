"""A browser's view of the console for tests over real HTTP: cookies kept by the client's
jar, the CSRF token read from the page as a browser would submit it. Desks on one client
share its jar, as tabs of one browser do: the last sign-in is the session of them all."""

from __future__ import annotations

import io
import re
from typing import Any

from aiohttp import ClientResponse, FormData
from aiohttp.test_utils import TestClient
from openpyxl import load_workbook

from services.demo import DEMO_PASSWORD

CSRF = re.compile(r'name="_csrf" value="([^"]+)"')
FLASH = re.compile(r'data-testid="flash">([^<]*)<')


class Desk:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    async def get(self, path: str, **kw: Any) -> tuple[ClientResponse, str]:
        resp = await self.client.get(path, allow_redirects=kw.pop("follow", True), **kw)
        text = await resp.text() if resp.content_type.startswith("text/") else ""
        if found := CSRF.search(text):
            self.csrf = found.group(1)
        return resp, text

    async def post(self, path: str, data: dict[str, Any], csrf: bool = True,
                   follow: bool = False) -> tuple[ClientResponse, str]:
        form = {**data, "_csrf": self.csrf} if csrf else dict(data)
        resp = await self.client.post(path, data=form, allow_redirects=follow)
        text = await resp.text()
        if found := CSRF.search(text):
            self.csrf = found.group(1)
        return resp, text

    async def sign_in(self, phone: str, password: str = DEMO_PASSWORD) -> ClientResponse:
        await self.get("/console/sign-in")
        resp, _ = await self.post("/console/sign-in", {"account": phone, "password": password})
        return resp

    async def sign_out(self) -> None:
        await self.get("/console/home")
        await self.post("/console/sign-out", {})

    async def upload(self, path: str, fields: dict[str, str], filename: str, content: bytes,
                     content_type: str = "application/pdf") -> tuple[ClientResponse, str]:
        form = FormData()
        for key, value in {**fields, "_csrf": self.csrf}.items():
            form.add_field(key, value)
        form.add_field("file", io.BytesIO(content), filename=filename,
                       content_type=content_type)
        resp = await self.client.post(path, data=form, allow_redirects=False)
        return resp, await resp.text()

    async def flash(self, path: str) -> str:
        """Follow to `path` and read the message shown once there."""
        _, text = await self.get(path)
        found = FLASH.search(text)
        return found.group(1) if found else ""


def book(body: bytes) -> dict[str, list[tuple[object, ...]]]:
    """The workbook's sheets as rows (the header first)."""
    wb = load_workbook(io.BytesIO(body), read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb}


async def download(client: TestClient, path: str) -> dict[str, list[tuple[object, ...]]]:
    resp = await client.get(path)
    assert resp.status == 200, (path, await resp.text())
    assert resp.content_type.endswith("spreadsheetml.sheet")
    assert "attachment" in resp.headers["Content-Disposition"]
    return book(await resp.read())
