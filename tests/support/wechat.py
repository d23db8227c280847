"""WeChat as the tests play it: the account's constants, a chat driver that pushes signed
messages to /wechat/callback, and the mini-program's push service (/wechat/miniapp/callback)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from aiohttp.test_utils import TestClient

from sandbox.platform import Platform
from sandbox.wechat_push import (
    Format,
    Mode,
    Push,
    Pusher,
    event_fields,
    privacy_fields,
    text_fields,
)
from tests.support.accounts import AES_KEY, APPID, MINI_AES_KEY, MINI_APPID, MINI_TOKEN, TOKEN
from tests.support.helpers import eventually
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


class MiniPush:
    """WeChat's push service of the mini-program: signed (and, in safe mode, encrypted)
    privacy events to /wechat/miniapp/callback."""

    def __init__(self, client: TestClient, mode: Mode = "safe", fmt: Format = "xml",
                 token: str = MINI_TOKEN, aes_key: str = MINI_AES_KEY) -> None:
        self.client = client
        self.pusher = Pusher(token, MINI_APPID, aes_key, mode, fmt)

    async def post(self, push: Push) -> tuple[int, str]:
        resp = await self.client.post("/wechat/miniapp/callback", params=push.query,
                                      data=push.body)
        return resp.status, await resp.text()

    def build(self, openid: str, event: str, revoke: str = "", **kw: str | int) -> Push:
        return self.pusher.build(privacy_fields(openid, event, revoke, MINI_APPID,
                                                **kw))  # type: ignore[arg-type]

    async def event(self, openid: str, event: str, revoke: str = "",
                    **kw: str | int) -> tuple[int, str]:
        return await self.post(self.build(openid, event, revoke, **kw))


async def answered(chat: Chat, platform: Platform, openid: str, text: str) -> str:
    """What the person was told: the passive reply or — past WeChat's time budget, as the
    first question of a process on a slow machine can be (the help's dictionary loads) —
    the customer-service message sent in its place (the person just wrote: WeChat lets us
    answer them)."""
    platform.interact(openid)
    before = len(platform.sent_to(openid, "custom_text"))
    said = await chat.say(openid, text)
    if not said.silent:
        return said.text
    await eventually(lambda: len(platform.sent_to(openid, "custom_text")) > before,
                     timeout=30)
    return str(platform.sent_to(openid, "custom_text")[-1].payload["content"])
