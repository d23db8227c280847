"""Settings read from the environment (pydantic-settings); nothing here is read at import time."""

from __future__ import annotations

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from config.settings.draws import DrawSettings
from config.settings.keys import KeySettings
from config.settings.outbox import OutboxSettings
from config.settings.pay import WeChatPaySettings
from config.settings.process import ProcessSettings
from config.settings.providers import ProviderSettings
from config.settings.wechat import WeChatSettings

# Secrets that production must receive from the environment; development generates them.
SECRET_FIELDS = (
    "wechat_token",
    "wechat_appid",
    "wechat_secret",
    "wechat_aes_key",
    "miniapp_appid",
    "miniapp_secret",
    "secret_key",
    "id_encryption_key",
)


PAY_FIELDS = ("wechatpay_private_key", "wechatpay_cert_serial", "wechatpay_apiv3_key",
              "wechatpay_public_key", "wechatpay_public_key_id")


class SettingsError(Exception):
    """The configuration cannot be used; the message names the variable."""


class Settings(ProcessSettings, WeChatSettings, ProviderSettings, OutboxSettings,
               WeChatPaySettings, DrawSettings, KeySettings):
    """Everything the service itself can be configured with: one concept a base class, each
    beside this module; the providers' own settings are read apart, when a provider is named
    (docs/configuration.md lists every variable, written from these definitions)."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    @model_validator(mode="after")
    def _dedup_covers_the_replay_window(self) -> Settings:
        # an exact replay inside the window must find the first delivery's dedup record
        if self.dedup_ttl < self.callback_max_age:
            raise SettingsError("DEDUP_TTL must be at least CALLBACK_MAX_AGE")
        return self

    @model_validator(mode="after")
    def _require_production_secrets(self) -> Settings:
        if self.env != "production":
            return self
        for name in SECRET_FIELDS:
            if not getattr(self, name):
                raise SettingsError(f"{name.upper()} must be set when EXPERTBOT_ENV=production")
        for name in ("database_url", "redis_url", "public_base_url"):
            if not getattr(self, name):
                raise SettingsError(f"{name.upper()} must be set when EXPERTBOT_ENV=production")
        if self.wechat_sandbox:
            raise SettingsError("WECHAT_SANDBOX=1 is not allowed when EXPERTBOT_ENV=production")
        if not self.sms_provider:  # codes and invitations by SMS must not vanish silently
            raise SettingsError("SMS_PROVIDER must be set when EXPERTBOT_ENV=production: "
                                "tencent (Tencent Cloud SMS), a provider class path, or log "
                                "(SMS only written to the log: nobody receives them)")
        if self.wechatpay_mchid:
            for name in PAY_FIELDS:
                if not getattr(self, name):
                    raise SettingsError(f"{name.upper()} must be set when WECHATPAY_MCHID is")
        return self

    @model_validator(mode="after")
    def _password_cost_is_weak_only_in_tests(self) -> Settings:
        if self.password_cost < 14 and self.env != "test":
            raise SettingsError("PASSWORD_SCRYPT_LOG_N below 14 is for EXPERTBOT_ENV=test only")
        return self

    @staticmethod
    def minutes(value: str) -> list[int]:
        return [int(v) for v in value.replace(" ", "").split(",") if v]

    @property
    def payments_on(self) -> bool:
        return all(getattr(self, name) for name in ("wechatpay_mchid", *PAY_FIELDS))

    def pay_api_base(self, own_base_url: str) -> str:
        """Where WeChat Pay calls go: the sandbox's fake gateway in sandbox mode."""
        if self.wechatpay_api_base:
            return self.wechatpay_api_base.rstrip("/")
        if self.sandbox:
            return own_base_url.rstrip("/") + "/sandbox/pay"
        return "https://api.mch.weixin.qq.com"

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def own_url(self) -> str:
        """Where this service is reached: PUBLIC_BASE_URL, or the default local address."""
        return (self.public_base_url or "http://127.0.0.1:8080").rstrip("/")

    @property
    def logs_as(self) -> str:
        """The log format: LOG_FORMAT, or json in production and text elsewhere."""
        return self.log_format or ("json" if self.is_production else "text")

    @property
    def sandbox(self) -> bool:
        """Sandbox mode: on by default outside production."""
        if self.wechat_sandbox is None:
            return not self.is_production
        return self.wechat_sandbox

    @property
    def inprocess_worker(self) -> bool:
        """Development runs the arq worker inside `serve`, so one process does everything."""
        if self.run_worker is None:
            return self.env == "development"
        return self.run_worker

    def for_batch_work(self) -> Settings:
        """These settings for a process that answers nobody in real time (the worker, the
        command line): statements may run as long as WORKER_STATEMENT_TIMEOUT."""
        return self.model_copy(update={"db_statement_timeout": self.worker_statement_timeout})

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite://{self.var_dir / 'expertbot.sqlite3'}"

    @property
    def aes_keys(self) -> list[str]:
        """Current EncodingAESKey first, then the previous one during a rotation."""
        return [k for k in (self.wechat_aes_key, self.wechat_aes_key_previous) if k]

    @property
    def sms_mode(self) -> str:
        return self.sms_provider or ("sandbox" if self.sandbox else "log")

    @property
    def realname_mode(self) -> str:
        return self.realname_provider or ("sandbox" if self.sandbox else "off")

    @property
    def dishonesty_mode(self) -> str:
        return self.dishonesty_provider or ("sandbox" if self.sandbox else "off")

    @property
    def voice_mode(self) -> str:
        return self.voice_provider or ("sandbox" if self.sandbox else "off")

    @property
    def transfer_authorised(self) -> bool:
        if self.wechatpay_transfer_authorised is None:
            return self.sandbox
        return self.wechatpay_transfer_authorised

    @property
    def privacy_mode(self) -> str:
        return self.privacy_provider or ("sandbox" if self.sandbox else "off")

    def api_base(self, own_base_url: str) -> str:
        """Where outgoing WeChat API calls go: the sandbox in sandbox mode unless overridden."""
        if self.wechat_api_base:
            return self.wechat_api_base.rstrip("/")
        if self.sandbox:
            return own_base_url.rstrip("/") + "/sandbox"
        return "https://api.weixin.qq.com"
