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


@dataclass(frozen=True)
class FaceSession:
    """A face verification WeChat opened for one person (its verify_id goes to the
    mini-program's wx.requestFacialVerify)."""

    verify_id: str
    expires_in: int  # seconds


FACE_PASSED = 10000  # queryVerifyInfo's verify_ret: 识别成功


class FaceVerifier(Protocol):
    """WeChat's face verification 2.0 for the mini-program (WX-FACE)."""

    async def face_session(self, out_seq_no: str, openid: str, name: str,
                           id_number: str) -> FaceSession:
        """getVerifyId for this person's name and ID number (Unavailable on failure)."""
        ...

    async def face_result(self, verify_id: str, out_seq_no: str, openid: str, name: str,
                          id_number: str) -> int:
        """queryVerifyInfo's verify_ret (FACE_PASSED: the face is the person's); Unavailable
        when WeChat did not answer or refused the query."""
        ...
