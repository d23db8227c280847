"""Settings read from the environment (pydantic-settings); nothing here is read at import time."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent.parent

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


class Settings(BaseSettings):
    """Everything the service can be configured with; see the README for each variable."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    env: Literal["development", "production", "test"] = Field(
        "development", validation_alias="EXPERTBOT_ENV"
    )
    var_dir: Path = Field(ROOT / "var", validation_alias="EXPERTBOT_VAR_DIR")
    texts_dir: Path = Field(ROOT / "texts", validation_alias="EXPERTBOT_TEXTS_DIR")
    log_level: str = Field("INFO", validation_alias="LOG_LEVEL")
    # "json" (one object a line, for a collector) or "text"; default json in production
    log_format: Literal["", "json", "text"] = Field("", validation_alias="LOG_FORMAT")
    # who may read GET /metrics: addresses or networks (the scraper's), and a bearer token
    metrics_allow: str = Field("127.0.0.1,::1", validation_alias="METRICS_ALLOW")
    metrics_token: str = Field("", validation_alias="METRICS_TOKEN")

    database_url: str = Field("", validation_alias="DATABASE_URL")
    redis_url: str = Field("", validation_alias="REDIS_URL")
    redis_prefix: str = Field("eb:", validation_alias="REDIS_PREFIX")

    wechat_token: str = Field("", validation_alias="WECHAT_TOKEN")
    wechat_appid: str = Field("", validation_alias="WECHAT_APPID")
    wechat_secret: str = Field("", validation_alias="WECHAT_SECRET")
    wechat_aes_key: str = Field("", validation_alias="WECHAT_AES_KEY")
    wechat_aes_key_previous: str = Field("", validation_alias="WECHAT_AES_KEY_PREVIOUS")
    wechat_api_base: str = Field("", validation_alias="WECHAT_API_BASE")
    wechat_api_timeout: float = Field(3.0, validation_alias="WECHAT_API_TIMEOUT")
    miniapp_appid: str = Field("", validation_alias="MINIAPP_APPID")
    miniapp_secret: str = Field("", validation_alias="MINIAPP_SECRET")
    # the mini-program's message server (消息推送配置: its own Token, EncodingAESKey, mode)
    miniapp_token: str = Field("", validation_alias="MINIAPP_TOKEN")
    miniapp_aes_key: str = Field("", validation_alias="MINIAPP_AES_KEY")
    miniapp_mode: Literal["plain", "compat", "safe"] = Field(
        "safe", validation_alias="MINIAPP_MESSAGE_MODE")
    wechat_sandbox: bool | None = Field(None, validation_alias="WECHAT_SANDBOX")
    public_base_url: str = Field("", validation_alias="PUBLIC_BASE_URL")
    # the 帮助中心's 客服热线 and the hours the centre's staff answer (人工客服); empty: not shown
    help_hotline: str = Field("", validation_alias="HELP_HOTLINE")
    help_hours: str = Field("", validation_alias="HELP_HOURS")
    # the province's unified identity platform (an OpenID Connect issuer) agencies sign in
    # through: "" none (the console's own sign-in), "sandbox" the sandbox's fake, or its
    # issuer URL with the client registered there; where one raises an account's level
    unified_identity: str = Field("", validation_alias="UNIFIED_IDENTITY")
    unified_identity_client_id: str = Field("", validation_alias="UNIFIED_IDENTITY_CLIENT_ID")
    unified_identity_client_secret: str = Field(
        "", validation_alias="UNIFIED_IDENTITY_CLIENT_SECRET")
    unified_identity_level_url: str = Field("", validation_alias="UNIFIED_IDENTITY_LEVEL_URL")
    unified_identity_timeout: float = Field(5.0, gt=0, le=30,
                                            validation_alias="UNIFIED_IDENTITY_TIMEOUT")
    # proxies in front of the service (addresses or networks, comma-separated) whose
    # X-Forwarded-For names the client: the answer pages' limits count per client address
    trusted_proxies: str = Field("", validation_alias="TRUSTED_PROXIES")
    # SMS: "sandbox" (the sandbox platform records it), "log", or "package.module:ClassName",
    # a class implementing bot.providers.sms.gateway.SmsProvider (loaded and checked at start-up,
    # where a bad one is an error naming SMS_PROVIDER); default: sandbox in sandbox mode, log
    # otherwise (production must name one: an SMS written to the log reaches nobody).
    # SMS_API_BASE defaults to the WeChat API base (the sandbox).
    sms_provider: str = Field("", validation_alias="SMS_PROVIDER")
    sms_api_base: str = Field("", validation_alias="SMS_API_BASE")
    # Voice calls: "sandbox" (the Tencent Cloud VMS client against the sandbox's fake),
    # "tencent" (TENCENT_VMS_* and TENCENTCLOUD_SECRET_*, config/settings/voice.py) or "off";
    # default: sandbox in sandbox mode, off otherwise. An invitation still open after
    # VOICE_AFTER_MINUTES is called, again every VOICE_RETRY_MINUTES while it stays open,
    # at most VOICE_ATTEMPTS times (GD-DRAW: 3).
    voice_provider: str = Field("", validation_alias="VOICE_PROVIDER")
    voice_after_minutes: float = Field(3.0, ge=0, validation_alias="VOICE_AFTER_MINUTES")
    voice_retry_minutes: float = Field(5.0, gt=0, validation_alias="VOICE_RETRY_MINUTES")
    voice_attempts: int = Field(3, ge=1, le=3, validation_alias="VOICE_ATTEMPTS")
    # Calls through a middle number (虚拟呼叫): "aliyun" (Alibaba Cloud 号码隐私保护 with
    # config/settings/privacy.py), "sandbox" (the same client against the sandbox's fake) or
    # "off"; default: sandbox in sandbox mode, off otherwise.
    privacy_provider: str = Field("", validation_alias="PRIVACY_PROVIDER")
    # The real-name check at registration: "tencent" (Tencent Cloud 身份信息认证 with
    # TENCENTCLOUD_SECRET_ID/KEY), "sandbox" (the same client against the sandbox's fake) or
    # "off" (identity is checked at review); default: sandbox in sandbox mode, off otherwise.
    realname_provider: str = Field("", validation_alias="REALNAME_PROVIDER")
    # The 失信被执行人 check (bot/providers/dishonesty/http.py): the provider's base URL (with
    # DISHONESTY_KEY/SECRET), "sandbox" (the same client against the sandbox's fake) or "off";
    # default: sandbox in sandbox mode, off otherwise. Every active expert is checked again
    # DISHONESTY_EVERY_DAYS days after the last full run started.
    dishonesty_provider: str = Field("", validation_alias="DISHONESTY_PROVIDER")
    dishonesty_key: str = Field("", validation_alias="DISHONESTY_KEY")
    dishonesty_secret: str = Field("", validation_alias="DISHONESTY_SECRET")
    dishonesty_every_days: int = Field(7, ge=1, le=366, validation_alias="DISHONESTY_EVERY_DAYS")
    # Kinds sent on several groups of channels at the same time, one notification per group
    # (JSON: kind -> list of groups; channels cs, template, subscribe, sms, voice); every
    # other kind goes out on the first channel that reaches the person.
    channels_at_once: dict[str, list[list[str]]] = Field(
        {"draw.invitation": [["cs", "template", "subscribe"], ["sms"]],
         "draw.urge": [["cs", "template", "subscribe", "sms"], ["voice"]],
         "draw.cancelled": [["cs", "template", "subscribe", "sms"], ["voice"]]},
        validation_alias="CHANNELS_AT_ONCE")
    # Template ids from the WeChat console, per notification kind (JSON objects).
    wechat_templates: dict[str, str] = Field({}, validation_alias="WECHAT_TEMPLATES")
    miniapp_templates: dict[str, str] = Field({}, validation_alias="MINIAPP_TEMPLATES")
    # verification-code SMS to every number together in one clock hour (0: no such budget);
    # the service warns at 80 % of it (services/people/codes.py)
    sms_codes_per_hour: int = Field(600, ge=0, validation_alias="SMS_CODES_PER_HOUR")
    outbox_rate: int = Field(200, validation_alias="OUTBOX_RATE")  # per second, 0 = off
    outbox_user_rate: int = Field(20, validation_alias="OUTBOX_USER_RATE")  # per minute
    outbox_max_attempts: int = Field(8, validation_alias="OUTBOX_MAX_ATTEMPTS")
    outbox_lease: float = Field(60.0, validation_alias="OUTBOX_LEASE")  # s a claim is held
    # days after deregistration before a person is anonymised, and notification rows are kept
    # (docs/rules-that-are-ours.md; the log period at least 6 months, 网络安全法 Art. 21)
    retention_days: int = Field(5479, ge=1, validation_alias="PERSONAL_DATA_RETENTION_DAYS")
    log_retention_days: int = Field(365, ge=183, validation_alias="LOG_RETENTION_DAYS")

    # WeChat Pay (APIv3). Payments are off while WECHATPAY_MCHID is empty; once it is set the
    # rest must be. Keys are PEM text. The WeChat Pay public key (and its PUB_KEY_ID_...) checks
    # responses and notifications; platform certificates in WECHATPAY_PLATFORM_CERT_DIR are
    # accepted too, during a switch. The sandbox's fake gateway signs with
    # SANDBOX_WECHATPAY_PRIVATE_KEY (development only).
    wechatpay_mchid: str = Field("", validation_alias="WECHATPAY_MCHID")
    wechatpay_private_key: str = Field("", validation_alias="WECHATPAY_PRIVATE_KEY")
    wechatpay_cert_serial: str = Field("", validation_alias="WECHATPAY_CERT_SERIAL")
    wechatpay_apiv3_key: str = Field("", validation_alias="WECHATPAY_APIV3_KEY")
    wechatpay_public_key: str = Field("", validation_alias="WECHATPAY_PUBLIC_KEY")
    wechatpay_public_key_id: str = Field("", validation_alias="WECHATPAY_PUBLIC_KEY_ID")
    wechatpay_platform_cert_dir: str = Field("", validation_alias="WECHATPAY_PLATFORM_CERT_DIR")
    wechatpay_api_base: str = Field("", validation_alias="WECHATPAY_API_BASE")
    wechatpay_timeout: float = Field(3.0, validation_alias="WECHATPAY_TIMEOUT")
    # 商家转账's scene for experts' fees: 1005 佣金报酬 (the merchant opens it on the platform)
    wechatpay_transfer_scene: str = Field("1005", validation_alias="WECHATPAY_TRANSFER_SCENE")
    # 用户授权免确认: the merchant has WeChat Pay's authorised transfers (granted by WeChat Pay,
    # not self-service): experts may authorise once and are then paid without confirming.
    # Unset: on in sandbox mode (the fake gateway has it), off otherwise
    wechatpay_transfer_authorised: bool | None = Field(
        None, validation_alias="WECHATPAY_TRANSFER_AUTHORISED")
    sandbox_wechatpay_private_key: str = Field("", validation_alias="SANDBOX_WECHATPAY_PRIVATE_KEY")

    # Attendance: reminders before the gathering time, and after it the system's own reminders
    # to those not checked in (minutes; messages only, the calls are the agency's clicks).
    reminder_minutes: str = Field("1440,120", validation_alias="REMINDER_MINUTES")
    urge_minutes: str = Field("0,10,20", validation_alias="URGE_MINUTES")
    # the answer window of an urgent (应急) draw's invitations, when the activity's own is
    # longer (services/draws/setup/urgency.py; docs/rules-that-are-ours.md)
    emergency_response_minutes: int = Field(5, ge=2, le=60,
                                            validation_alias="EMERGENCY_RESPONSE_MINUTES")

    # HMAC master key (QR scenes, signed links) and the ID-number encryption key (AES-256, base64).
    secret_key: str = Field("", validation_alias="SECRET_KEY")
    id_encryption_key: str = Field("", validation_alias="ID_ENCRYPTION_KEY")
    # SM4 keys by version ("1:<base64 16 bytes>,2:..."); empty: version 1 derived from the above
    sm4_keys: str = Field("", validation_alias="SM4_KEYS")
    # desk roles signing in with a second factor (TOTP or a recovery code), comma-separated
    desk_2fa_roles: str = Field("admin,security_admin,audit_admin,verifier,finance",
                                validation_alias="DESK_2FA_ROLES")
    # days a desk password lasts before it must be changed (0: never)
    desk_password_days: int = Field(90, ge=0, le=3650, validation_alias="DESK_PASSWORD_DAYS")
    # scrypt's cost for new password hashes (log2 N); below the default only in the tests,
    # where hundreds of demo worlds would otherwise spend minutes hashing on purpose
    password_cost: int = Field(14, ge=1, le=20, validation_alias="PASSWORD_SCRYPT_LOG_N")

    # Time budgets, in seconds. WeChat drops a callback after 5 s; library defaults exceed that.
    reply_budget: float = Field(3.0, validation_alias="REPLY_BUDGET")
    lock_wait: float = Field(1.0, validation_alias="USER_LOCK_WAIT")
    redis_timeout: float = Field(0.5, validation_alias="REDIS_TIMEOUT")
    db_timeout: float = Field(1.0, validation_alias="DB_TIMEOUT")
    # One PostgreSQL statement (asyncpg's command_timeout) in the web process: a database that
    # hangs on a pooled connection must still give a busy reply within 1.5 s, and asyncpg
    # spends up to this long again sending the cancel request. Worker and command-line
    # processes, which answer nobody in real time, use WORKER_STATEMENT_TIMEOUT.
    db_statement_timeout: float = Field(0.6, gt=0, validation_alias="DB_STATEMENT_TIMEOUT")
    worker_statement_timeout: float = Field(30.0, gt=0,
                                            validation_alias="WORKER_STATEMENT_TIMEOUT")
    db_pool_max: int = Field(10, validation_alias="DB_POOL_MAX")
    dedup_ttl: int = Field(300, ge=60, validation_alias="DEDUP_TTL")
    max_body: int = Field(64 * 1024, validation_alias="CALLBACK_MAX_BODY")
    # a receipt that can be neither applied nor kept (Redis and the database down) is answered
    # after this long, past WeChat's 5 s, so that WeChat delivers it again
    retry_hold: float = Field(5.5, ge=0, validation_alias="CALLBACK_RETRY_HOLD")
    # the message mode set in the WeChat console (明文 / 兼容 / 安全): plain, compat or safe;
    # in compat and safe mode a push without a valid msg_signature over its encrypted body
    # is refused. A push whose timestamp is more than CALLBACK_MAX_AGE s from now is refused.
    wechat_mode: Literal["plain", "compat", "safe"] = Field(
        "safe", validation_alias="WECHAT_MESSAGE_MODE")
    callback_max_age: int = Field(300, ge=30, le=3600, validation_alias="CALLBACK_MAX_AGE")
    # On SIGTERM: seconds `serve` keeps accepting while /readyz says "draining", then at
    # most how long it waits for the requests it has received (config/serve.py)
    shutdown_drain: float = Field(2.0, ge=0, validation_alias="SHUTDOWN_DRAIN")
    # the web process's event loop (config/serve.py): uvloop, or asyncio's own
    event_loop: Literal["uvloop", "asyncio"] = Field("uvloop", validation_alias="EVENT_LOOP")
    shutdown_grace: float = Field(3.0, gt=0, validation_alias="SHUTDOWN_GRACE")

    run_worker: bool | None = Field(None, validation_alias="EXPERTBOT_INPROCESS_WORKER")

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
