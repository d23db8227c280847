"""A fake Tencent Cloud SMS API (SendSms, version 2021-01-11) on loopback, answering as the
documented API does: the TC3-HMAC-SHA256 signature checked against the secret key of the
SecretId it names (AuthFailure.SecretIdNotFound / SignatureFailure / SignatureExpire after
five minutes), the approved templates and their parameter count, the daily limit per phone
number, and per-number results in SendStatusSet with a SerialNo. What it takes is recorded on
the platform as an SMS (shown in the simulator), the template filled in. Like the provider
it pushes to the addresses set in its console: a delivery report per SMS to `status_url`
(`report`: the documented JSON array with `sid`, SUCCESS/DELIVRD or FAIL with the operator's
code) and a phone's reply (上行) to `reply_url` (`reply`)."""

from __future__ import annotations

import asyncio
import hmac
import json
import re
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.providers.sms.tencent import tc3_authorization
from sandbox.platform import Platform
from sandbox.platform_records import PlatformError

MAX_AGE = 300  # s: older requests are AuthFailure.SignatureExpire


@dataclass
class TencentSmsFake:
    """What the fake knows: the API keys, the approved templates (id -> content with {1},
    {2}, ...), the app id and signature, and the daily limit per number."""

    platform: Platform
    keys: dict[str, str] = field(default_factory=dict)  # SecretId -> SecretKey
    templates: dict[str, str] = field(default_factory=dict)
    app_id: str = ""
    sign_name: str = ""
    daily_limit: int = 10
    down: bool = False  # answers InternalError, as an outage does
    delay: float = 0.0  # s before answering (after sending): an answer lost on the way
    sent_today: Counter[str] = field(default_factory=Counter)
    calls: int = 0
    status_url: str = ""  # the console's 状态回调 address, token included
    reply_url: str = ""  # the console's 回复回调 address
    serials: dict[str, str] = field(default_factory=dict)  # SerialNo -> phone

    async def _push(self, url: str, body: Any) -> int:
        import aiohttp

        async with aiohttp.ClientSession() as session, session.post(
                url, json=body, timeout=aiohttp.ClientTimeout(total=10)) as resp:
            return resp.status

    async def report(self, serial: str, delivered: bool = True, code: str = "MK:0001",
                     description: str = "空号") -> int:
        """The operator's receipt for one SMS, pushed as Tencent Cloud pushes it."""
        phone = self.serials[serial]
        return await self._push(self.status_url, [{
            "user_receive_time": time.strftime("%Y-%m-%d %H:%M:%S"), "nationcode": "86",
            "mobile": phone, "report_status": "SUCCESS" if delivered else "FAIL",
            "errmsg": "DELIVRD" if delivered else code,
            "description": "用户短信送达成功" if delivered else description, "sid": serial}])

    async def reply(self, phone: str, text: str, at: float | None = None) -> int:
        """A phone answers an SMS of ours (上行)."""
        return await self._push(self.reply_url, {
            "extend": "", "mobile": phone, "nationcode": "86", "sign": self.sign_name,
            "text": text, "time": int(at if at is not None else time.time())})


def _error(code: str, message: str) -> web.Response:
    return web.json_response({"Response": {"Error": {"Code": code, "Message": message},
                                           "RequestId": secrets.token_hex(8)}})


def _checked(request: web.Request, keys: dict[str, str], body: bytes,
             action: str = "SendSms", service: str = "sms") -> web.Response | None:
    """The refusal Tencent Cloud answers a request with a bad signature or action, or None."""
    auth = request.headers.get("Authorization", "")
    found = re.match(r"TC3-HMAC-SHA256 Credential=([^/]+)/", auth)
    if not found or found.group(1) not in keys:
        return _error("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
    try:
        stamp = int(request.headers.get("X-TC-Timestamp", ""))
    except ValueError:
        return _error("AuthFailure.InvalidAuthorization", "X-TC-Timestamp is missing.")
    if abs(time.time() - stamp) > MAX_AGE:
        return _error("AuthFailure.SignatureExpire", "Signature expired.")
    expected = tc3_authorization(found.group(1), keys[found.group(1)],
                                 request.headers.get("Host", request.host), stamp, body,
                                 service=service,
                                 content_type=request.headers.get("Content-Type", ""))
    if not hmac.compare_digest(expected, auth):
        return _error("AuthFailure.SignatureFailure", "The provided credentials could not "
                                                      "be validated.")
    if request.headers.get("X-TC-Action") != action:
        return _error("InvalidAction", "The action is not found.")
    return None


def _status(phone: str, code: str, message: str, serial: str = "",
            context: str = "") -> dict[str, Any]:
    return {"SerialNo": serial, "PhoneNumber": phone, "Fee": 1 if serial else 0,
            "SessionContext": context, "Code": code, "Message": message, "IsoCode": "CN"}


def send_sms(fake: TencentSmsFake, params: dict[str, Any]) -> web.Response:
    if fake.down:
        return _error("InternalError.RequestTimeException", "internal error")
    if params.get("SmsSdkAppId") != fake.app_id:
        return _error("InvalidParameterValue.SdkAppIdNotExist", "SdkAppId not exist.")
    if params.get("SignName") != fake.sign_name:
        return _error("FailedOperation.SignatureIncorrectOrUnapproved", "signature "
                                                                        "unapproved")
    template = fake.templates.get(str(params.get("TemplateId", "")))
    if template is None:
        return _error("FailedOperation.TemplateIncorrectOrUnapproved", "template unapproved")
    values = [str(v) for v in params.get("TemplateParamSet") or []]
    if len(values) != len(re.findall(r"\{\d+\}", template)):
        return _error("InvalidParameterValue.TemplateParameterFormatError",
                      "the number of template parameters does not match")
    url = any(re.search(r"https?://|www\.", v, re.IGNORECASE) for v in values)
    out = []
    for phone in params.get("PhoneNumberSet") or []:
        local = str(phone).removeprefix("+86")
        if url:  # documented: a template variable may not carry a URL (a short one neither)
            out.append(_status(phone, "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter",
                               "URLs are not allowed in template variables"))
            continue
        if fake.sent_today[local] >= fake.daily_limit:
            out.append(_status(phone, "LimitExceeded.PhoneNumberDailyLimit",
                               "the daily limit of this number is reached"))
            continue
        text = f"【{fake.sign_name}】" + re.sub(
            r"\{(\d+)\}", lambda m: values[int(m.group(1)) - 1], template)
        try:
            fake.platform.send_sms(local, text)
        except PlatformError:
            out.append(_status(phone, "InvalidParameterValue.IncorrectPhoneNumber",
                               "incorrect phone number"))
            continue
        fake.sent_today[local] += 1
        serial = secrets.token_hex(12)
        fake.serials[serial] = local
        out.append(_status(phone, "Ok", "send success", serial,
                           str(params.get("SessionContext", ""))))
    return web.json_response({"Response": {"SendStatusSet": out,
                                           "RequestId": secrets.token_hex(8)}})


TENCENT_SMS = web.AppKey("tencent_sms", TencentSmsFake)


async def endpoint(request: web.Request) -> web.Response:
    fake = request.app[TENCENT_SMS]
    fake.calls += 1
    body = await request.read()
    refused = _checked(request, fake.keys, body)
    if refused is not None:
        return refused
    try:
        params = json.loads(body)
    except ValueError:
        return _error("InvalidParameter", "the body is not JSON")
    answer = send_sms(fake, params)
    if fake.delay:
        await asyncio.sleep(fake.delay)
    return answer
