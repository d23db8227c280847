"""Settings of the built-in SMS providers, read only when SMS_PROVIDER names one."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.providers.sms.tencent import Template, TencentSmsConfig
from config.settings import SettingsError

TENCENT_ENDPOINT = "https://sms.tencentcloudapi.com"


MIN_TOKEN = 16  # characters of a callback address's secret


def check_callback_token(name: str, token: str) -> None:
    """A provider that does not sign its callbacks is known by the secret in the address:
    one short enough to guess is refused at start-up."""
    if len(token) < MIN_TOKEN or token.strip() != token:
        raise SettingsError(f"{name} must be at least {MIN_TOKEN} characters without spaces "
                            "(a random one: python3 -c 'import secrets; "
                            "print(secrets.token_urlsafe(24))')")


class TencentSmsSettings(BaseSettings):
    """Tencent Cloud SMS, read when `SMS_PROVIDER=tencent`."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    secret_id: str = Field(
        "", validation_alias="TENCENTCLOUD_SECRET_ID",
        description="with `SMS_PROVIDER=tencent` (or `VOICE_PROVIDER`, `REALNAME_PROVIDER`): "
                    "the id of an API key of a CAM user allowed `sms:SendSms` (and "
                    "`vms:SendTtsVoice` for calls)")
    secret_key: str = Field("", validation_alias="TENCENTCLOUD_SECRET_KEY",
                            description="that API key's secret")
    app_id: str = Field("", validation_alias="TENCENT_SMS_APP_ID",
                        description="the SMS application's SdkAppId")
    sign_name: str = Field("", validation_alias="TENCENT_SMS_SIGN_NAME",
                           description="the approved signature (签名内容)")
    templates: dict[str, Any] = Field(
        {}, validation_alias="TENCENT_SMS_TEMPLATES",
        description="approved templates per message kind, JSON: `{\"draw.invitation\": "
                    "{\"id\": \"1234567\", \"params\": [\"gather_at\", \"venue\", "
                    "\"due\", \"link_token\"]}, \"code.login\": {\"id\": \"1234568\", "
                    "\"params\": [\"code\"]}}` (`params`: which of the notification's "
                    "values fill {1}, {2}, ...; verification codes are `code.bind`, "
                    "`code.login`, `code.register`, `code.phone`). Tencent Cloud refuses a "
                    "URL in a variable (`ProhibitedUseUrlInTemplateParameter`): a template "
                    "with the answer link writes `https://<PUBLIC_BASE_URL host>/a/{4}` "
                    "itself and takes `link_token`. The answers to an SMS or keypress are "
                    "`sms.reply:<variant>`, one template each (no template may be all "
                    "variable): `confirmed` (`verification_code`, `gather_at`, `venue`), "
                    "`late` (`due`), `duplicate` (`decision`, `verification_code`), "
                    "`released`, `released_sanctioned` (a yes from an expert sanctioned "
                    "since the invitation), `declined_with_reason` / `ask_reason` "
                    "(`decision`), `reason_saved`, `acknowledged`, `reply_help`, "
                    "`no_invitation`, `reply_several` (`count`), and the 智能客服's by SMS "
                    "`help_answer` (`title`, `answer`, `key`: the page is "
                    "`https://<host>/help/{3}`), `help_unsure` (`hotline`, `hours`), "
                    "`help_callback` (`number`); the words of each are "
                    "`texts/chat/draw/<variant>.j2` or `texts/sms/<variant>.j2`. A kind "
                    "without a template is not sent by SMS (the error is kept on the "
                    "notification)")
    endpoint: str = Field(
        "", validation_alias="TENCENT_SMS_ENDPOINT",
        description="where SendSms goes (the tests point it at the fake Tencent Cloud SMS "
                    "API of `sandbox/fake_tencent_sms.py`, served at `/sandbox/tencent-sms`). "
                    "Empty: `https://sms.tencentcloudapi.com`")
    region: str = Field("ap-guangzhou", validation_alias="TENCENT_SMS_REGION",
                        description="the region SendSms is asked in")
    timeout: float = Field(5.0, gt=0, validation_alias="TENCENT_SMS_TIMEOUT",
                           description="seconds per SendSms call")
    callback_token: str = Field(
        "", validation_alias="TENCENT_SMS_CALLBACK_TOKEN",
        description="a random secret of at least 16 characters (shorter stops the "
                    "start-up; Tencent Cloud does not sign its callbacks): the console's "
                    "status callback address is `https://<host>/sms/tencent/status?token=<it>` "
                    "and its reply (上行) address `https://<host>/sms/tencent/reply?token=<it>`")

    def config(self, sandbox_base: str | None) -> TencentSmsConfig:
        """The client's configuration; a SettingsError naming what is missing."""
        missing = [name for name, value in (
            ("TENCENTCLOUD_SECRET_ID", self.secret_id),
            ("TENCENTCLOUD_SECRET_KEY", self.secret_key), ("TENCENT_SMS_APP_ID", self.app_id),
            ("TENCENT_SMS_SIGN_NAME", self.sign_name),
            ("TENCENT_SMS_CALLBACK_TOKEN", self.callback_token)) if not value]
        if missing:
            raise SettingsError(f"SMS_PROVIDER=tencent needs {', '.join(missing)}")
        check_callback_token("TENCENT_SMS_CALLBACK_TOKEN", self.callback_token)
        templates = {}
        for kind, spec in self.templates.items():
            if not isinstance(spec, dict) or not str(spec.get("id", "")).strip():
                raise SettingsError(f"TENCENT_SMS_TEMPLATES: {kind} needs an id "
                                    '({"id": "...", "params": [...]})')
            templates[kind] = Template(str(spec["id"]), tuple(map(str, spec.get("params",
                                                                               []))))
        endpoint = self.endpoint or (f"{sandbox_base.rstrip('/')}/tencent-sms"
                                     if sandbox_base else TENCENT_ENDPOINT)
        return TencentSmsConfig(self.secret_id, self.secret_key, self.app_id, self.sign_name,
                                templates, endpoint, self.region, self.timeout)
