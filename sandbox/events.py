"""Pushes to the service's /wechat/callback, as the WeChat server sends them."""

from __future__ import annotations

import logging

import aiohttp

from sandbox.platform import Platform
from sandbox.platform_records import Sent
from sandbox.wechat_push import Pusher, event_fields

log = logging.getLogger(__name__)


class CallbackClient:
    """Delivers pushes (user messages from the simulator, platform events) to the service."""

    def __init__(self, session: aiohttp.ClientSession, url: str, pusher: Pusher,
                 platform: Platform, to_user: str = "gh_expertbot") -> None:
        self.session = session
        self.url = url
        self.pusher = pusher
        self.platform = platform
        self.to_user = to_user

    async def push(self, fields: dict[str, str | int]) -> tuple[int, dict[str, str] | None]:
        """POST one push; returns the HTTP status and the reply's fields (None = silence)."""
        built = self.pusher.build(fields)
        async with self.session.post(self.url, params=built.query, data=built.body,
                                     timeout=aiohttp.ClientTimeout(total=5)) as resp:
            body = await resp.text()
            if resp.status != 200:
                return resp.status, None
            return resp.status, self.pusher.read_reply(body, built)

    async def template_finished(self, sent: Sent, status: str) -> None:
        """TEMPLATESENDJOBFINISH for a template message the platform delivered."""
        fields = event_fields(sent.openid, "TEMPLATESENDJOBFINISH", to_user=self.to_user,
                              MsgID=sent.msgid, Status=status)
        try:
            await self.push(fields)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("could not push TEMPLATESENDJOBFINISH: %r", exc)
