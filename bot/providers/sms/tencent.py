"""Tencent Cloud SMS (API 3.0, SendSms of version 2021-01-11) over the process's aiohttp
session: a thin async client, signed with TC3-HMAC-SHA256 exactly as the official SDK signs
(tests/notifications/test_sms_tencent.py compares the two). Messages in mainland China go
out only through templates approved in the console: each message kind names its template
id and which of our parameters fill its {1}, {2}, ... (TENCENT_SMS_TEMPLATES).

The delivery reports Tencent Cloud pushes to the status callback carry the `sid` (SerialNo)
this client returns, which the outbox keeps on the notification (`sms_id`)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp

from bot.providers.sms.gateway import SmsError, SmsOutcomeUnknown
from services.notifications import SmsMessage

SERVICE, VERSION, ACTION = "sms", "2021-01-11", "SendSms"
CONTENT_TYPE = "application/json; charset=utf-8"
# Error codes after which the same message may go through later (the rest are refusals of
# this message or of our configuration: retrying cannot help)
RETRYABLE = ("InternalError", "RequestLimitExceeded", "LimitExceeded.DeliveryFrequencyLimit",
             "FailedOperation.InsufficientBalanceInSmsPackage")


def tc3_authorization(secret_id: str, secret_key: str, host: str, timestamp: int,
                      body: bytes, service: str = SERVICE,
                      content_type: str = CONTENT_TYPE) -> str:
    """The Authorization header of a POST to `host` with this JSON `body` (TC3-HMAC-SHA256,
    signed headers content-type and host, as the SDK signs)."""
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    canonical = "\n".join(["POST", "/", "", f"content-type:{content_type}\nhost:{host}\n",
                           "content-type;host", hashlib.sha256(body).hexdigest()])
    scope = f"{date}/{service}/tc3_request"
    to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])

    def mac(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    key = mac(mac(mac(("TC3" + secret_key).encode(), date), service), "tc3_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, "
            f"SignedHeaders=content-type;host, Signature={signature}")


def api3_headers(secret_id: str, secret_key: str, host: str, body: bytes, *, service: str,
                 action: str, version: str, timestamp: int, region: str = "") -> dict[str, str]:
    """The headers of a Tencent Cloud API 3.0 POST (SMS, VMS, faceid alike)."""
    headers = {
        "Authorization": tc3_authorization(secret_id, secret_key, host, timestamp, body,
                                           service=service),
        "Content-Type": CONTENT_TYPE, "Host": host, "X-TC-Action": action,
        "X-TC-Timestamp": str(timestamp), "X-TC-Version": version}
    if region:
        headers["X-TC-Region"] = region
    return headers


def host_of(endpoint: str) -> str:
    return endpoint.split("://", 1)[-1].split("/", 1)[0]


class Api3Unreachable(Exception):
    """The request never reached Tencent Cloud (connecting failed): nothing was done."""


class Api3NoAnswer(Exception):
    """The request went out but no answer came back: it may have been carried out."""


async def api3_post(session: aiohttp.ClientSession, endpoint: str, body: bytes,
                    headers: dict[str, str], timeout: float) -> dict[str, Any]:
    """The `Response` object of a Tencent Cloud API 3.0 call (with `Error` when refused);
    Api3Unreachable or Api3NoAnswer when there is none, which the caller tells apart
    (SMS and VMS: retry or not; faceid: unavailable either way)."""
    try:
        async with session.post(endpoint, data=body, headers=headers,
                                timeout=aiohttp.ClientTimeout(total=timeout,
                                                              connect=timeout / 2)) as resp:
            answer = await resp.json(content_type=None)
    except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
        raise Api3Unreachable(repr(exc)) from exc
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        raise Api3NoAnswer(repr(exc)) from exc
    response = answer.get("Response", {}) if isinstance(answer, dict) else {}
    return response if isinstance(response, dict) else {}


@dataclass(frozen=True)
class Template:
    """A template approved in the console: its id, and our parameters for {1}, {2}, ..."""

    id: str
    params: tuple[str, ...] = ()


@dataclass
class TencentSmsConfig:
    secret_id: str
    secret_key: str
    app_id: str  # SmsSdkAppId
    sign_name: str  # 签名内容, as approved
    templates: dict[str, Template] = field(default_factory=dict)
    endpoint: str = "https://sms.tencentcloudapi.com"
    region: str = "ap-guangzhou"
    timeout: float = 5.0


class TencentSms:
    """SendSms for one phone number; returns its SerialNo."""

    def __init__(self, session: aiohttp.ClientSession, config: TencentSmsConfig,
                 clock: Any = time.time) -> None:
        self._session = session
        self._config = config
        self._host = host_of(config.endpoint)
        self._clock = clock

    def request(self, message: SmsMessage) -> dict[str, Any]:
        """The SendSms parameters for a message (SmsError if no template is configured)."""
        # "sms.reply:confirmed": that reply's own template, else the kind's
        template = self._config.templates.get(message.kind) or self._config.templates.get(
            message.kind.partition(":")[0])
        if template is None:
            raise SmsError(f"no Tencent Cloud SMS template for {message.kind} "
                           "(TENCENT_SMS_TEMPLATES)", "TemplateMissing")
        phone = message.phone if message.phone.startswith("+") else "+86" + message.phone
        return {"PhoneNumberSet": [phone], "SmsSdkAppId": self._config.app_id,
                "SignName": self._config.sign_name, "TemplateId": template.id,
                "TemplateParamSet": [str(message.params.get(p, "")) for p in template.params],
                "SessionContext": message.reference}

    async def send(self, message: SmsMessage) -> str | None:
        body = json.dumps(self.request(message)).encode()
        headers = api3_headers(self._config.secret_id, self._config.secret_key, self._host,
                               body, service=SERVICE, action=ACTION, version=VERSION,
                               timestamp=int(self._clock()), region=self._config.region)
        try:
            response = await api3_post(self._session, self._config.endpoint, body, headers,
                                       self._config.timeout)
        except Api3Unreachable as exc:
            raise SmsError(f"Tencent Cloud SMS unreachable: {exc}", "Unreachable") from exc
        except Api3NoAnswer as exc:
            raise SmsOutcomeUnknown(f"Tencent Cloud SMS: no answer: {exc}",
                                    "OutcomeUnknown") from exc
        error = response.get("Error")
        if error:
            raise SmsError(f"Tencent Cloud SMS: {error.get('Code')}: {error.get('Message')}",
                           str(error.get("Code", "")))
        (status,) = response.get("SendStatusSet") or [{}]
        if status.get("Code") != "Ok":
            raise SmsError(f"Tencent Cloud SMS: {status.get('Code')}: {status.get('Message')}",
                           str(status.get("Code", "")))
        return str(status.get("SerialNo") or "") or None
