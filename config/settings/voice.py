"""Settings of the voice provider Tencent Cloud VMS, read only when VOICE_PROVIDER=tencent
(the sandbox's stand-in account is bot.providers.voice.tencent.sandbox_voice)."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.providers.sms.tencent import Template
from bot.providers.voice.tencent import TencentVoiceConfig
from config.settings import SettingsError
from config.settings.sms import check_callback_token

TENCENT_VMS_ENDPOINT = "https://vms.tencentcloudapi.com"


class TencentVoiceSettings(BaseSettings):
    """Tencent Cloud VMS, read when `VOICE_PROVIDER=tencent`."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    secret_id: str = Field(
        "", validation_alias="TENCENTCLOUD_SECRET_ID",
        description="the id of an API key allowed `vms:SendTtsVoice` (the same variable as "
                    "for SMS)")
    secret_key: str = Field("", validation_alias="TENCENTCLOUD_SECRET_KEY",
                            description="that API key's secret")
    app_id: str = Field("", validation_alias="TENCENT_VMS_APP_ID",
                        description="the voice application's VoiceSdkAppid")
    templates: dict[str, Any] = Field(
        {}, validation_alias="TENCENT_VMS_TEMPLATES",
        description="approved voice templates per kind, JSON as for SMS: "
                    "`{\"draw.invitation.call\": {\"id\": \"1234\", \"params\": "
                    "[\"gather_at\", \"venue\", \"address\", \"contact\", \"due\"]}}`; the "
                    "words to submit are `texts/notify/draw.invitation.call/voice.j2` with "
                    "{1}, {2}, ... for those parameters in order")
    endpoint: str = Field(
        "", validation_alias="TENCENT_VMS_ENDPOINT",
        description="where SendTtsVoice goes. Empty: `https://vms.tencentcloudapi.com`")
    region: str = Field("ap-guangzhou", validation_alias="TENCENT_VMS_REGION",
                        description="the region SendTtsVoice is asked in")
    timeout: float = Field(
        5.0, gt=0, validation_alias="TENCENT_VMS_TIMEOUT",
        description="seconds per SendTtsVoice call (a call whose answer is lost is not "
                    "placed again)")
    callback_token: str = Field(
        "", validation_alias="TENCENT_VMS_CALLBACK_TOKEN",
        description="a random secret of at least 16 characters: the console's event "
                    "callback address is `https://<host>/voice/tencent/callback?token=<it>`")

    def config(self) -> TencentVoiceConfig:
        """The client's configuration; a SettingsError naming what is missing."""
        missing = [name for name, value in (
            ("TENCENTCLOUD_SECRET_ID", self.secret_id),
            ("TENCENTCLOUD_SECRET_KEY", self.secret_key), ("TENCENT_VMS_APP_ID", self.app_id),
            ("TENCENT_VMS_CALLBACK_TOKEN", self.callback_token)) if not value]
        if missing:
            raise SettingsError(f"VOICE_PROVIDER=tencent needs {', '.join(missing)}")
        check_callback_token("TENCENT_VMS_CALLBACK_TOKEN", self.callback_token)
        templates = {}
        for kind, spec in self.templates.items():
            if not isinstance(spec, dict) or not str(spec.get("id", "")).strip():
                raise SettingsError(f"TENCENT_VMS_TEMPLATES: {kind} needs an id "
                                    '({"id": "...", "params": [...]})')
            templates[kind] = Template(str(spec["id"]),
                                       tuple(map(str, spec.get("params", []))))
        return TencentVoiceConfig(self.secret_id, self.secret_key, self.app_id, templates,
                                  self.endpoint or TENCENT_VMS_ENDPOINT, self.region,
                                  self.timeout)
