"""WeChat's face verification 2.0 for the mini-program (WX-FACE), server side: getVerifyId
opens a verification for the person's name and ID number (`cert_info`) and gives the
`verify_id` the mini-program passes to wx.requestFacialVerify; queryVerifyInfo then tells
the true result (`verify_ret` 10000: 识别成功; "核身通过的判断条件：errcode = 0且verify_ret =
10000"), checked against the same `out_seq_no`, `openid` and the `cert_hash` of the
`cert_info`. The face itself never reaches this service."""

from __future__ import annotations

import base64
import hashlib
import logging

from bot.wechat.api import WeChatAPI
from bot.wechat.errors import WeChatAPIError
from services.common.errors import Unavailable
from services.common.ports import FaceSession

log = logging.getLogger(__name__)

CERT_TYPE = "IDENTITY_CARD"


def cert_hash(name: str, id_number: str, cert_type: str = CERT_TYPE) -> str:
    """WX-FACE's digest of cert_info: each field's content in standard base64, joined as
    `cert_type=…&cert_name=…&cert_no=…`, then SHA-256 in lower-case hex."""
    def b64(value: str) -> str:
        return base64.b64encode(value.encode()).decode()

    text = f"cert_type={b64(cert_type)}&cert_name={b64(name)}&cert_no={b64(id_number)}"
    return hashlib.sha256(text.encode()).hexdigest()


class WeChatFace:
    """services.common.ports.FaceVerifier on the mini-program's API."""

    def __init__(self, api: WeChatAPI) -> None:
        self.api = api

    async def face_session(self, out_seq_no: str, openid: str, name: str,
                           id_number: str) -> FaceSession:
        try:  # out_seq_no is unique per appid: a repeat after an unknown outcome would fail
            body = await self.api.call(
                "POST", "/cityservice/face/identify/getverifyid", idempotent=False,
                json_body={"out_seq_no": out_seq_no, "openid": openid, "cert_info": {
                    "cert_type": CERT_TYPE, "cert_name": name, "cert_no": id_number}})
        except WeChatAPIError as exc:
            log.warning("face verification not opened: %s", exc)
            raise Unavailable("checkin.face_unavailable") from exc
        return FaceSession(str(body["verify_id"]), int(body.get("expires_in") or 3600))

    async def face_result(self, verify_id: str, out_seq_no: str, openid: str, name: str,
                          id_number: str) -> int:
        try:
            body = await self.api.call(
                "POST", "/cityservice/face/identify/queryverifyinfo", json_body={
                    "verify_id": verify_id, "out_seq_no": out_seq_no, "openid": openid,
                    "cert_hash": cert_hash(name, id_number)})
        except WeChatAPIError as exc:
            log.warning("face verification result not read: %s", exc)
            raise Unavailable("checkin.face_unavailable") from exc
        return int(body.get("verify_ret") or 0)
