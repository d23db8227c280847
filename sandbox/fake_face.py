"""The fake of WeChat's face verification 2.0 for the mini-program (WX-FACE), on the fake
API's paths and token rules:

- getVerifyId (`/cityservice/face/identify/getverifyid`): `out_seq_no` of 5-32 characters
  of [A-Za-z0-9_-], unique for the app; `cert_info` with `cert_type` IDENTITY_CARD, a name
  and a number; an `openid`; answers `verify_id` and `expires_in` 3600. Only the
  mini-program's token may call it (the official account's gets 48001);
- what wx.requestFacialVerify does on the phone is `perform(verify_id, verify_ret)` (a test
  or the simulator plays the person: 10000 识别成功, or one of the documented 9xxxx);
- queryVerifyInfo (`/cityservice/face/identify/queryverifyinfo`): `out_seq_no`, `openid`
  and the `cert_hash` of the cert_info must be those of getVerifyId ("微信后台校验
  cert_info、openid，不一致则返回对应的errcode而不是verify_ret"); then `verify_ret`.

The documentation names no errcode for these refusals; the fake answers with WeChat's
general ones (47001 data format error, 40003 invalid openid, 48001 api unauthorized) and,
for an unknown or expired verify_id, a mismatch, or a verification not yet performed, with
84001 (the errcode the face verification's first version gave an invalid verification id).
The service treats every errcode alike: not verified now, try again or ask the staff."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from sandbox.platform import Platform
from sandbox.platform_records import PlatformError

OUT_SEQ_NO = re.compile(r"[A-Za-z0-9_-]{5,32}")
LIFETIME = 3600
INVALID = 84001


def cert_hash(cert: dict[str, str]) -> str:
    """WX-FACE's cert_hash, computed independently of the service's own."""
    parts = [f"{k}={base64.b64encode(cert[k].encode()).decode()}"
             for k in ("cert_type", "cert_name", "cert_no")]
    return hashlib.sha256("&".join(parts).encode()).hexdigest()


@dataclass
class Verification:
    out_seq_no: str
    openid: str
    cert_hash: str
    expires: float
    verify_ret: int | None = None  # what the phone did; None: not yet


@dataclass
class FaceVerifyFake:
    platform: Platform
    verifications: dict[str, Verification] = field(default_factory=dict)
    seq_nos: set[str] = field(default_factory=set)

    def open(self, body: dict[str, Any]) -> dict[str, Any]:
        out_seq_no = str(body.get("out_seq_no", ""))
        cert = body.get("cert_info")
        openid = str(body.get("openid", ""))
        if not OUT_SEQ_NO.fullmatch(out_seq_no) or not isinstance(cert, dict) \
                or cert.get("cert_type") != "IDENTITY_CARD" \
                or not cert.get("cert_name") or not cert.get("cert_no"):
            raise PlatformError(47001, "data format error")
        if not openid:
            raise PlatformError(40003, "invalid openid")
        if out_seq_no in self.seq_nos:
            raise PlatformError(47001, "data format error: out_seq_no already used")
        self.seq_nos.add(out_seq_no)
        verify_id = "VERIFY_" + secrets.token_hex(16)
        self.verifications[verify_id] = Verification(
            out_seq_no, openid, cert_hash({k: str(v) for k, v in cert.items()}),
            self.platform.clock() + LIFETIME)
        return {"verify_id": verify_id, "expires_in": LIFETIME}

    def perform(self, verify_id: str, verify_ret: int = 10000) -> None:
        """The person at the phone: wx.requestFacialVerify came to `verify_ret`."""
        self.verifications[verify_id].verify_ret = verify_ret

    def query(self, body: dict[str, Any]) -> dict[str, Any]:
        found = self.verifications.get(str(body.get("verify_id", "")))
        if found is None or found.expires <= self.platform.clock():
            raise PlatformError(INVALID, "invalid verify_id")
        if (str(body.get("out_seq_no")), str(body.get("openid")), str(body.get("cert_hash"))) \
                != (found.out_seq_no, found.openid, found.cert_hash):
            raise PlatformError(INVALID, "out_seq_no, openid or cert_hash mismatch")
        if found.verify_ret is None:
            raise PlatformError(INVALID, "verification not performed")
        return {"verify_ret": found.verify_ret}


FACE_VERIFY = web.AppKey("face_verify", FaceVerifyFake)


async def _answer(request: web.Request, path: str) -> web.Response:
    """Count the call, check the mini-program's token and the body, map errors to errcodes."""
    fake = request.app[FACE_VERIFY]
    platform = fake.platform
    platform.calls[path] = platform.calls.get(path, 0) + 1
    try:
        if platform.token_owner(request.query.get("access_token")) != platform.mp_appid:
            raise PlatformError(48001, "api unauthorized")
        try:
            body = json.loads(await request.read() or b"{}")
        except ValueError:
            raise PlatformError(47001, "data format error") from None
        if not isinstance(body, dict):
            raise PlatformError(47001, "data format error")
        found = fake.open(body) if path.endswith("getverifyid") else fake.query(body)
        answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok", **found}
    except PlatformError as exc:
        answer = {"errcode": exc.errcode, "errmsg": exc.errmsg}
    return web.json_response(answer)


async def get_verify_id(request: web.Request) -> web.Response:
    return await _answer(request, "/cityservice/face/identify/getverifyid")


async def query_verify_info(request: web.Request) -> web.Response:
    return await _answer(request, "/cityservice/face/identify/queryverifyinfo")


def add_routes(app: web.Application, platform: Platform) -> None:
    app[FACE_VERIFY] = FaceVerifyFake(platform)
    app.router.add_post("/cityservice/face/identify/getverifyid", get_verify_id)
    app.router.add_post("/cityservice/face/identify/queryverifyinfo", query_verify_info)
