"""What the domain and its edges need from the WeChat platform, as protocols without its wire
format (bot.wechat.api implements them). Their refusals are domain errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class MiniSession:
    """A mini-program login: WeChat's session_key never leaves the server."""

    openid: str
    session_key: str
    unionid: str | None = None


class MiniLogin(Protocol):
    async def login(self, code: str) -> MiniSession:
        """wx.login()'s code exchanged: BadInput (a bad or used code), NotAllowed (a blocked
        user) or Unavailable (WeChat did not answer) otherwise."""
        ...


class QrImages(Protocol):
    async def qr_image(self, scene: str, expire_seconds: int) -> str:
        """The image address of a temporary parametric QR code (Unavailable on failure)."""
        ...
