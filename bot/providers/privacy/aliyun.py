"""Alibaba Cloud 号码隐私保护 (Dyplsapi, version 2017-05-25) over the process's aiohttp
session: BindAxb binds the staff's phone (A) and the expert's (B) to a middle number X of the
pool until an expiry, UnbindSubscription releases it. Requests are RPC-style, signed as the
API documents ("请求签名": the parameters sorted, percent-encoded the POP way, HMAC-SHA1 keyed
with the AccessKey secret and "&", Base64). Call records come back by HTTP batch push to the
address set in the console (bot/providers/privacy/callbacks.py), naming our OutId."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import aiohttp

from services.notifications import Line, PrivacyError

VERSION = "2017-05-25"
ENDPOINT = "https://dyplsapi.aliyuncs.com/"
CALLBACK_PATH = "/privacy/aliyun/report"  # the HTTP batch-push address set in the console
BUSY = ("isv.NO_AVAILABLE_NUMBER", "isv.FLOW_LIMIT", "isp.VENDOR_UNAVAILABLE",
        "isp.SYSTEM_ERROR", "Throttling")
CHINA = timedelta(hours=8)  # Expiration is written in Beijing time ("2019-09-05 12:00:00")


@dataclass(frozen=True)
class AliyunPrivacyConfig:
    access_key_id: str
    access_key_secret: str
    pool_key: str  # 号码池 Key
    endpoint: str = ENDPOINT
    timeout: float = 5.0
    record: bool = True  # IsRecordingEnabled: the provider keeps a recording of each call


def pop_encode(value: str) -> str:
    """The POP percent-encoding: RFC 3986 unreserved characters kept, everything else
    encoded (a space is %20, * is %2A, ~ stays)."""
    return quote(value, safe="-_.~")


def pop_signature(method: str, params: dict[str, str], secret: str) -> str:
    """The Signature of an RPC request's parameters (without Signature itself)."""
    query = "&".join(f"{pop_encode(k)}={pop_encode(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{pop_encode('/')}&{pop_encode(query)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signed(action: str, params: dict[str, str], key_id: str, secret: str,
           now: float) -> dict[str, str]:
    """The common parameters added to `params` and the whole signed (method POST)."""
    out = {**params, "Action": action, "Version": VERSION, "Format": "JSON",
           "AccessKeyId": key_id, "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
           "SignatureNonce": secrets.token_hex(16), "RegionId": "cn-hangzhou",
           "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))}
    out["Signature"] = pop_signature("POST", out, secret)
    return out


def beijing(moment: datetime) -> str:
    return (moment.astimezone(UTC) + CHINA).strftime("%Y-%m-%d %H:%M:%S")


class AliyunPrivacy:
    """BindAxb and UnbindSubscription for one number pool."""

    def __init__(self, session: aiohttp.ClientSession, config: AliyunPrivacyConfig,
                 clock: Any = time.time) -> None:
        self._session = session
        self._config = config
        self._clock = clock

    async def bind(self, a: str, b: str, expires: datetime, reference: str) -> Line:
        answer = await self._call("BindAxb", {
            "PoolKey": self._config.pool_key, "PhoneNoA": a, "PhoneNoB": b,
            "Expiration": beijing(expires), "OutId": reference, "OutOrderId": reference,
            "IsRecordingEnabled": "true" if self._config.record else "false"})
        dto = answer.get("SecretBindDTO") or {}
        if not dto.get("SubsId") or not dto.get("SecretNo"):
            raise PrivacyError("Alibaba Cloud BindAxb answered OK without a binding")
        return Line(str(dto["SubsId"]), str(dto["SecretNo"]))

    async def release(self, line: Line) -> None:
        await self._call("UnbindSubscription", {
            "PoolKey": self._config.pool_key, "SubsId": line.binding_id,
            "SecretNo": line.middle_number})

    async def _call(self, action: str, params: dict[str, str]) -> dict[str, Any]:
        form = signed(action, params, self._config.access_key_id,
                      self._config.access_key_secret, self._clock())
        timeout = aiohttp.ClientTimeout(total=self._config.timeout,
                                        connect=self._config.timeout / 2)
        try:
            async with self._session.post(self._config.endpoint, data=form,
                                          timeout=timeout) as resp:
                answer = await resp.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise PrivacyError(f"Alibaba Cloud {action}: no answer: {exc!r}",
                               "Unreachable", busy=True) from exc
        if not isinstance(answer, dict):
            raise PrivacyError(f"Alibaba Cloud {action}: not an object", "BadAnswer")
        code = str(answer.get("Code", ""))
        if code != "OK":
            raise PrivacyError(f"Alibaba Cloud {action}: {code}: {answer.get('Message')}",
                               code, busy=code.startswith(BUSY))
        return answer


@dataclass(frozen=True)
class SandboxPrivacy:
    """The sandbox's stand-in account: the client's configuration (its endpoint is the fake)
    and the callback token the fake pushes call records with."""

    config: AliyunPrivacyConfig
    callback_token: str


def sandbox_privacy(secret_key: str, api_base: str, timeout: float) -> SandboxPrivacy:
    """Credentials derived from SECRET_KEY; the endpoint is the sandbox's fake."""

    def derived(purpose: str) -> str:
        return hmac.new(secret_key.encode(), purpose.encode(), hashlib.sha256).hexdigest()

    config = AliyunPrivacyConfig("sandbox-pls", derived("sandbox-pls-key")[:30],
                                 "FC100000000001", f"{api_base.rstrip('/')}/aliyun-pls/",
                                 timeout)
    return SandboxPrivacy(config, derived("sandbox-pls-callback")[:32])
