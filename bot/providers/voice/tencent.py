"""Tencent Cloud VMS (语音消息, API 3.0, SendTtsVoice of version 2020-09-02) over the
process's aiohttp session, signed with TC3-HMAC-SHA256 as the SMS client signs (service
`vms`). Each kind's call speaks a template approved in the console; TENCENT_VMS_TEMPLATES
names its id and which of our parameters fill its {1}, {2}, ...

The call-status, keypress and failure callbacks Tencent Cloud pushes name the CallId this
client returns, which the outbox keeps on the notification (bot/providers/voice/callbacks.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.providers.sms.tencent import (
    Api3NoAnswer,
    Api3Unreachable,
    Template,
    api3_headers,
    api3_post,
    host_of,
)
from bot.providers.voice.gateway import VoiceError, VoiceOutcomeUnknown, VoiceUnreachable, template
from services.common.texts import Texts
from services.notifications import VoiceCall

SERVICE, VERSION, ACTION = "vms", "2020-09-02", "SendTtsVoice"
CALLBACK_PATH = "/voice/tencent/callback"  # where the console sends every voice callback
# refusals a retry cannot change (the limits are per number: 1 call in 30 s, 2 in 10 minutes,
# 3 a day by default, raised in the console): the row rules voice out and keeps the error
UNREACHABLE = ("FailedOperation.FrequencyLimit", "FailedOperation.TemplateIncorrectOrUnapproved",
               "InvalidParameterValue.IncorrectPhoneNumber", "TemplateMissing")
PLAY_TIMES = 2  # the message is spoken twice (the documented default; at most 3)


@dataclass
class TencentVoiceConfig:
    secret_id: str
    secret_key: str
    app_id: str  # VoiceSdkAppid
    templates: dict[str, Template] = field(default_factory=dict)
    endpoint: str = "https://vms.tencentcloudapi.com"
    region: str = "ap-guangzhou"
    timeout: float = 5.0


class TencentVoice:
    """SendTtsVoice to one phone number; returns its CallId."""

    def __init__(self, session: aiohttp.ClientSession, config: TencentVoiceConfig,
                 clock: Any = time.time) -> None:
        self._session = session
        self._config = config
        self._host = host_of(config.endpoint)
        self._clock = clock

    def request(self, call: VoiceCall) -> dict[str, Any]:
        """The SendTtsVoice parameters of a call (VoiceError if no template is configured)."""
        template = self._config.templates.get(call.kind)
        if template is None:
            raise VoiceError(f"no Tencent Cloud VMS template for {call.kind} "
                             "(TENCENT_VMS_TEMPLATES)", "TemplateMissing")
        phone = call.phone if call.phone.startswith("+") else "+86" + call.phone
        return {"TemplateId": template.id, "CalledNumber": phone,
                "VoiceSdkAppid": self._config.app_id,
                "TemplateParamSet": [str(call.params.get(p, "")) for p in template.params],
                "PlayTimes": PLAY_TIMES, "SessionContext": call.reference}

    async def call(self, call: VoiceCall) -> str | None:
        body = json.dumps(self.request(call)).encode()
        headers = api3_headers(self._config.secret_id, self._config.secret_key, self._host,
                               body, service=SERVICE, action=ACTION, version=VERSION,
                               timestamp=int(self._clock()), region=self._config.region)
        try:
            response = await api3_post(self._session, self._config.endpoint, body, headers,
                                       self._config.timeout)
        except Api3Unreachable as exc:
            raise VoiceError(f"Tencent Cloud VMS unreachable: {exc}", "Unreachable") from exc
        except Api3NoAnswer as exc:
            raise VoiceOutcomeUnknown(f"Tencent Cloud VMS: no answer: {exc}",
                                      "OutcomeUnknown") from exc
        error = response.get("Error")
        if error:
            code = str(error.get("Code", ""))
            kind = VoiceUnreachable if code.startswith(UNREACHABLE) else VoiceError
            raise kind(f"Tencent Cloud VMS: {code}: {error.get('Message')}", code)
        status = response.get("SendStatus") or {}
        return str(status.get("CallId") or "") or None


@dataclass(frozen=True)
class SandboxVoice:
    """The sandbox's stand-in account: the client's configuration (its endpoint is the fake
    VMS), the templates the fake approves (id -> content) and the callback token."""

    config: TencentVoiceConfig
    approved: dict[str, str]
    callback_token: str


def voice_kinds(texts: Texts) -> list[str]:
    """The notification kinds that have words for a call (texts/notify/<kind>/voice.j2)."""
    root = texts.directory / "notify"
    return sorted(p.parent.name for p in root.glob("*/voice.j2"))


def sandbox_voice(secret_key: str, texts: Texts, api_base: str,
                  timeout: float = 5.0) -> SandboxVoice:
    """Credentials derived from SECRET_KEY, and one template per kind with a voice text:
    what would be submitted to the console, approved by the fake as it is."""

    def derived(purpose: str) -> str:
        return hmac.new(secret_key.encode(), purpose.encode(), hashlib.sha256).hexdigest()

    templates, approved = {}, {}
    for kind in voice_kinds(texts):
        content, params = template(texts, kind)
        templates[kind] = Template(f"sandbox-{kind}", params)
        approved[f"sandbox-{kind}"] = content
    config = TencentVoiceConfig("sandbox-vms", derived("sandbox-vms-key")[:32], "1400000000",
                                templates, f"{api_base.rstrip('/')}/tencent-vms",
                                timeout=timeout)
    return SandboxVoice(config, approved, derived("sandbox-vms-callback")[:32])
