"""The mini-program as the tests play it: calls to /miniapp/v1 with a session token. Every
answer is held to the API's OpenAPI document (tests/support/contract.py): one that breaks
it fails the test that made it."""

from __future__ import annotations

import io
import json as jsonlib
from dataclasses import dataclass

import aiohttp
from aiohttp.test_utils import TestClient

from sandbox.platform import Platform
from tests.support.contract import Contract, served
from tests.support.leaks import scan


@dataclass
class ApiAnswer:
    status: int
    data: dict

    @property
    def error(self) -> str:
        return str(self.data.get("error", ""))

    @property
    def message(self) -> str:
        return str(self.data.get("message", ""))


class Api:
    """Calls the mini-program API as the mini-program does. `contract`: the document the
    answers are held to (the API's own unless a test brings another)."""

    def __init__(self, client: TestClient, platform: Platform,
                 contract: Contract | None = None) -> None:
        self.client = client
        self.platform = platform
        self.contract = contract

    async def call(self, method: str, path: str, token: str | None = None,
                   json: dict | None = None, params: dict | None = None) -> ApiAnswer:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        resp = await self.client.request(method, "/miniapp/v1" + path, json=json,
                                         params=params, headers=headers)
        body = await resp.read()
        self._check(method, path, resp, body)
        if resp.content_type.startswith(("application/pdf", "application/vnd.", "image/")):
            return ApiAnswer(resp.status, {"body": body})  # a binary download
        text = body.decode()
        scan(f"API {method} {path}", text)
        if resp.content_type != "application/json":  # a download (a CSV export, a file)
            return ApiAnswer(resp.status, {"body": text})
        return ApiAnswer(resp.status, jsonlib.loads(text) if text else {})

    async def upload(self, path: str, token: str, content: bytes, filename: str = "f.jpg",
                     content_type: str = "image/jpeg", params: dict | None = None
                     ) -> ApiAnswer:
        form = aiohttp.FormData()
        form.add_field("file", io.BytesIO(content), filename=filename,
                       content_type=content_type)
        resp = await self.client.post("/miniapp/v1" + path, data=form, params=params,
                                      headers={"Authorization": f"Bearer {token}"})
        body = await resp.read()
        self._check("POST", path, resp, body)
        text = body.decode()
        scan(f"API POST {path}", text)
        return ApiAnswer(resp.status, jsonlib.loads(text) if text else {})

    async def send(self, method: str, path: str, token: str | None, data: bytes,
                   content_type: str | None) -> ApiAnswer:
        """`data` as it is, under `content_type` (None: no such header), as a broken client
        would send it."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if content_type is not None:
            headers["Content-Type"] = content_type
        resp = await self.client.request(method, "/miniapp/v1" + path, data=data,
                                         headers=headers, skip_auto_headers={"Content-Type"})
        body = await resp.read()
        self._check(method, path, resp, body)
        text = body.decode()
        return ApiAnswer(resp.status, jsonlib.loads(text) if resp.content_type ==
                         "application/json" and text else {"body": text[:200]})

    def _check(self, method: str, path: str, resp: aiohttp.ClientResponse,
               body: bytes) -> None:
        (self.contract or served()).check(method, path, resp.status, resp.content_type, body)

    async def login(self, mp_openid: str, unionid: str | None = None) -> str:
        """wx.login() as `mp_openid`, then our login: the session token."""
        if unionid:
            self.platform.user(mp_openid).unionid = unionid
        answer = await self.call("POST", "/auth/login",
                                 json={"code": self.platform.login_code(mp_openid)})
        assert answer.status == 200, answer.data
        return str(answer.data["token"])
