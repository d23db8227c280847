"""Settings of the number-privacy provider Alibaba Cloud 号码隐私保护, read only when
PRIVACY_PROVIDER=aliyun (the sandbox's stand-in account is derived from SECRET_KEY)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.providers.privacy.aliyun import ENDPOINT, AliyunPrivacyConfig
from config.settings import SettingsError
from config.settings.sms import check_callback_token


class AliyunPrivacySettings(BaseSettings):
    """Alibaba Cloud 号码隐私保护, read when `PRIVACY_PROVIDER=aliyun`."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    access_key_id: str = Field(
        "", validation_alias="ALIBABA_CLOUD_ACCESS_KEY_ID",
        description="a RAM key allowed `dypls:BindAxb` and `dypls:UnbindSubscription`: its "
                    "id")
    access_key_secret: str = Field("", validation_alias="ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                                   description="that RAM key's secret")
    pool_key: str = Field("", validation_alias="ALIYUN_PLS_POOL_KEY",
                          description="the number pool's key (号码池 Key)")
    endpoint: str = Field(ENDPOINT, validation_alias="ALIYUN_PLS_ENDPOINT",
                          description="where Dyplsapi requests go")
    timeout: float = Field(5.0, gt=0, validation_alias="ALIYUN_PLS_TIMEOUT",
                           description="seconds per Dyplsapi request")
    record: bool = Field(True, validation_alias="ALIYUN_PLS_RECORD",
                         description="whether calls are recorded (IsRecordingEnabled)")
    callback_token: str = Field(
        "", validation_alias="ALIYUN_PLS_CALLBACK_TOKEN",
        description="a random secret of at least 16 characters (the push carries no "
                    "signature): the HTTP batch-push address of call records "
                    "(呼叫结束后话单报告) is `https://<host>/privacy/aliyun/report?token=<it>`")

    def config(self) -> AliyunPrivacyConfig:
        """The client's configuration; a SettingsError naming what is missing."""
        missing = [name for name, value in (
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", self.access_key_id),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", self.access_key_secret),
            ("ALIYUN_PLS_POOL_KEY", self.pool_key),
            ("ALIYUN_PLS_CALLBACK_TOKEN", self.callback_token)) if not value]
        if missing:
            raise SettingsError(f"PRIVACY_PROVIDER=aliyun needs {', '.join(missing)}")
        check_callback_token("ALIYUN_PLS_CALLBACK_TOKEN", self.callback_token)
        return AliyunPrivacyConfig(self.access_key_id, self.access_key_secret, self.pool_key,
                                   self.endpoint, self.timeout, self.record)
