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
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    secret_id: str = Field("", validation_alias="TENCENTCLOUD_SECRET_ID")
    secret_key: str = Field("", validation_alias="TENCENTCLOUD_SECRET_KEY")
    app_id: str = Field("", validation_alias="TENCENT_SMS_APP_ID")
    sign_name: str = Field("", validation_alias="TENCENT_SMS_SIGN_NAME")
    # {"draw.invite": {"id": "1234567", "params": ["time", "venue"]}, "code.login": ...}
    templates: dict[str, Any] = Field({}, validation_alias="TENCENT_SMS_TEMPLATES")
    endpoint: str = Field("", validation_alias="TENCENT_SMS_ENDPOINT")
    region: str = Field("ap-guangzhou", validation_alias="TENCENT_SMS_REGION")
    timeout: float = Field(5.0, gt=0, validation_alias="TENCENT_SMS_TIMEOUT")  # s per call
    # the secret part of the callback addresses set in the console (Tencent Cloud does not
    # sign its callbacks): https://<host>/sms/tencent/status?token=<this>
    callback_token: str = Field("", validation_alias="TENCENT_SMS_CALLBACK_TOKEN")

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
