"""WeChat as the tests play it: the account's constants and a chat driver that pushes
signed messages to /wechat/callback."""

from __future__ import annotations

import time
from dataclasses import dataclass

from aiohttp.test_utils import TestClient

from sandbox.wechat_push import Mode, Push, Pusher, event_fields, text_fields
from tests.support.accounts import AES_KEY, APPID, TOKEN
from tests.support.leaks import scan


@dataclass
class Answer:
    status: int
    body: str
    fields: dict[str, str] | None
    elapsed: float

    @property
    def text(self) -> str:
        """The reply's text content ('' for `success`)."""
        return (self.fields or {}).get("Content", "")

    @property
    def silent(self) -> bool:
        return self.status == 200 and self.fields is None


class Chat:
    """Sends signed pushes to /wechat/callback as the WeChat server would."""

    def __init__(self, client: TestClient, mode: Mode = "plain", aes_key: str = AES_KEY,
                 token: str = TOKEN, appid: str = APPID) -> None:
        self.client = client
        self.pusher = Pusher(token, appid, aes_key if mode != "plain" else None, mode)

    async def post(self, push: Push) -> Answer:
        start = time.monotonic()
        resp = await self.client.post("/wechat/callback", params=push.query, data=push.body)
        body = await resp.text()
        elapsed = time.monotonic() - start
        fields = self.pusher.read_reply(body, push) if resp.status == 200 else None
        scan("chat reply", (fields or {}).get("Content", "") if fields else body)
        return Answer(resp.status, body, fields, elapsed)

    async def say(self, openid: str, content: str, **kw: int) -> Answer:
        return await self.post(self.pusher.build(text_fields(openid, content, **kw)))

    async def event(self, openid: str, event: str, key: str = "", **kw: str | int) -> Answer:
        return await self.post(self.pusher.build(event_fields(openid, event, key, **kw)))
