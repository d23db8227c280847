"""A fake Tencent Cloud VMS (语音消息: SendTtsVoice of version 2020-09-02) on loopback,
answering as the documented API does: the TC3-HMAC-SHA256 signature (service `vms`), the
approved templates and their parameter count, the default frequency limits per called
number (1 call in 30 s, 2 in 10 minutes, 3 a day: FailedOperation.FrequencyLimit), and a
CallId per placed call. A placed call rings on the platform (recorded as `voice`, the
template filled in, shown in the simulator with a keypad); what the callee then does is
pushed to the callback address configured, in the documented shapes: `voicekey_callback`
for a key pressed, `voiceprompt_callback` for the call's end (result 0 answered, 1 not
answered, 2 failed) and `voice_failure_callback` with the reason of a call not answered."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from bot.providers.voice.tencent import CALLBACK_PATH, SandboxVoice
from sandbox.fake_tencent_sms import _checked, _error
from sandbox.platform import Platform
from sandbox.platform_records import PlatformError

# (seconds, calls) per called number: the documented default frequency limits
LIMITS = ((30, 1), (600, 2), (86400, 3))
NO_ANSWER = 5  # failure_code 5: 无人接听


@dataclass
class Ringing:
    callid: str
    phone: str
    text: str
    context: str
    started: int
    ended: bool = False


@dataclass
class TencentVmsFake:
    """What the fake knows: the API keys, the approved templates (id -> content with {1},
    {2}, ...), the app id, where callbacks go, and the calls placed."""

    platform: Platform
    keys: dict[str, str] = field(default_factory=dict)  # SecretId -> SecretKey
    templates: dict[str, str] = field(default_factory=dict)
    app_id: str = ""
    callback_url: str = ""  # the address set in the console, token included
    limits: tuple[tuple[int, int], ...] = LIMITS
    down: bool = False  # answers InternalError, as an outage does
    delay: float = 0.0  # s before answering (after placing the call)
    calls: dict[str, Ringing] = field(default_factory=dict)
    placed: dict[str, list[float]] = field(default_factory=dict)  # phone -> call times
    requests: int = 0
    clock: Any = time.time

    def place(self, params: dict[str, Any]) -> web.Response:
        if self.down:
            return _error("InternalError", "internal error")
        if str(params.get("VoiceSdkAppid", "")) != self.app_id:
            return _error("FailedOperation.SdkAppidNotExist", "SdkAppid not exist.")
        template = self.templates.get(str(params.get("TemplateId", "")))
        if template is None:
            return _error("FailedOperation.TemplateIncorrectOrUnapproved",
                          "template unapproved or not matching")
        values = [str(v) for v in params.get("TemplateParamSet") or []]
        if len(values) != len(set(re.findall(r"\{\d+\}", template))):
            return _error("FailedOperation.TemplateIncorrectOrUnapproved",
                          "the number of template parameters does not match")
        if params.get("PlayTimes", 2) not in (1, 2, 3):
            return _error("InvalidParameterValue", "PlayTimes must be 1, 2 or 3")
        phone = str(params.get("CalledNumber", ""))
        if not phone.startswith("+86"):
            return _error("InvalidParameterValue.IncorrectPhoneNumber", "not e.164")
        local, now = phone.removeprefix("+86"), self.clock()
        before = self.placed.setdefault(local, [])
        if any(sum(1 for t in before if now - t < span) >= most for span, most in self.limits):
            return _error("FailedOperation.FrequencyLimit", "frequency limit")
        text = re.sub(r"\{(\d+)\}", lambda m: values[int(m.group(1)) - 1], template)
        try:
            self.platform.record_call(local, text)
        except PlatformError:
            return _error("InvalidParameterValue.IncorrectPhoneNumber", "incorrect number")
        before.append(now)
        callid = secrets.token_hex(16)
        self.calls[callid] = Ringing(callid, local, text, str(params.get("SessionContext", "")),
                                     int(now))
        return web.json_response({"Response": {
            "SendStatus": {"CallId": callid, "SessionContext": self.calls[callid].context},
            "RequestId": secrets.token_hex(8)}})

    def ringing(self, phone: str) -> list[Ringing]:
        return [c for c in self.calls.values() if c.phone == phone and not c.ended]

    async def answer(self, callid: str, keys: str = "") -> list[int]:
        """The callee picks up and presses `keys` (one callback per key), then hangs up;
        returns the HTTP status of each callback pushed."""
        call = self.calls[callid]
        call.ended = True
        accepted = int(self.clock())
        out = [await self.push({"voicekey_callback": {
            "call_from": "", "callid": callid, "keypress": key, "mobile": call.phone,
            "nationcode": "86"}}) for key in keys]
        out.append(await self.push({"voiceprompt_callback": self._status(call, "0",
                                                                         accepted)}))
        return out

    async def miss(self, callid: str, failure_code: int = NO_ANSWER) -> list[int]:
        """Nobody answers: the call's status, then the failure's reason."""
        call = self.calls[callid]
        call.ended = True
        return [await self.push({"voiceprompt_callback": self._status(call, "1", 0)}),
                await self.push({"voice_failure_callback": {
                    "call_from": "", "callid": callid, "mobile": call.phone,
                    "nationcode": "86", "failure_code": failure_code,
                    "failure_reason": "无人接听" if failure_code == NO_ANSWER else "其他原因"}})]

    def _status(self, call: Ringing, result: str, accepted: int) -> dict[str, str]:
        end = int(self.clock())
        return {"result": result, "accept_time": str(accepted) if accepted else "0",
                "call_from": "", "callid": call.callid, "end_calltime": str(end),
                "fee": "1" if accepted else "0", "mobile": call.phone, "nationcode": "86",
                "start_calltime": str(call.started)}

    async def push(self, body: dict[str, Any]) -> int:
        if not self.callback_url:
            return 0
        async with aiohttp.ClientSession() as session, session.post(
                self.callback_url, json=body, timeout=aiohttp.ClientTimeout(total=10)) as resp:
            await resp.read()
            return resp.status


TENCENT_VMS = web.AppKey("tencent_vms", TencentVmsFake)


def stand_in(fake: TencentVmsFake, account: SandboxVoice, service_url: str) -> None:
    """The fake approves what the sandbox's stand-in account uses, and pushes its callbacks
    to the service at `service_url`."""
    fake.keys = {account.config.secret_id: account.config.secret_key}
    fake.templates = dict(account.approved)
    fake.app_id = account.config.app_id
    fake.callback_url = (f"{service_url.rstrip('/')}{CALLBACK_PATH}"
                         f"?token={account.callback_token}")


async def endpoint(request: web.Request) -> web.Response:
    fake = request.app[TENCENT_VMS]
    fake.requests += 1
    body = await request.read()
    refused = _checked(request, fake.keys, body, action="SendTtsVoice", service="vms")
    if refused is not None:
        return refused
    try:
        params = json.loads(body)
    except ValueError:
        return _error("FailedOperation.InvalidJsonParameters", "the body is not JSON")
    answer = fake.place(params)
    if fake.delay:
        await asyncio.sleep(fake.delay)
    return answer
