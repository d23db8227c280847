"""E-invoices and e-mail, read from the environment (apart from the main settings: both are
off unless asked for, but in sandbox mode).

FAPIAO_PROVIDER: "wechatpay" (WeChat Pay's 电子发票 API, with the payment merchant's keys;
needs FAPIAO_TAX_CODE, the 税收分类编码 the tax office approved for the fees) or "off" (the
finance desk types the numbers of invoices issued elsewhere); default: wechatpay in sandbox
mode with payments on. INVOICE_ISSUE: "auto" (a paid fee is invoiced by itself) or "manual"
(the desk issues, one or many). MAIL_PROVIDER: "smtp" (SMTP_*), "sandbox" (the sandbox's
SMTP catcher on loopback, shown in the simulator) or "off"; default: smtp when SMTP_HOST is
set, sandbox in sandbox mode, else off."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.providers.mail.smtp import SmtpConfig
from config.settings import Settings, SettingsError

SANDBOX_TAX_CODE = "3070201020000000000"  # what the sandbox's merchant was approved for


class InvoiceSettings(BaseSettings):
    """E-invoices and the mail that carries them."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    fapiao_provider: str = Field(
        "", validation_alias="FAPIAO_PROVIDER",
        description="e-invoices through WeChat Pay's 电子发票 API (`wechatpay`, the payment "
                    "merchant's keys; the merchant must have 电子发票 enabled) or `off` (the "
                    "desk records numbers of invoices issued elsewhere). Empty: `wechatpay` "
                    "in sandbox mode with payments on, else `off`")
    invoice_issue: Literal["auto", "manual"] = Field(
        "auto", validation_alias="INVOICE_ISSUE",
        description="`auto`: a paid fee is invoiced by itself; `manual`: the finance desk "
                    "issues (one, or the ticked ones)")
    fapiao_tax_code: str = Field(
        "", validation_alias="FAPIAO_TAX_CODE",
        description="with `FAPIAO_PROVIDER=wechatpay`: the 19-digit 税收分类编码 your tax "
                    "office approved for the fees (the sandbox: a placeholder)")
    mail_provider: str = Field(
        "", validation_alias="MAIL_PROVIDER",
        description="where invoice mails go: `smtp` (an SMTP server), `sandbox` (the "
                    "sandbox's catcher, shown in the simulator) or `off` (the push then only "
                    "links the file). Empty: `smtp` when `SMTP_HOST` is set, `sandbox` in "
                    "sandbox mode, else `off`")
    smtp_host: str = Field("", validation_alias="SMTP_HOST",
                           description="the mail server")
    smtp_port: int = Field(587, ge=1, le=65535, validation_alias="SMTP_PORT",
                           description="the mail server's port")
    smtp_user: str = Field("", validation_alias="SMTP_USER",
                           description="the user signing in to the mail server")
    smtp_password: str = Field("", validation_alias="SMTP_PASSWORD",
                               description="that user's password")
    smtp_from: str = Field("", validation_alias="SMTP_FROM",
                           description="the sender, e.g. `评标专家库 <noreply@example.cn>`")
    smtp_security: Literal["none", "starttls", "ssl"] = Field(
        "starttls", validation_alias="SMTP_SECURITY",
        description="how the connection to the mail server is secured")
    smtp_timeout: float = Field(10.0, gt=0, validation_alias="SMTP_TIMEOUT",
                                description="seconds per mail server call")

    def fapiao_mode(self, settings: Settings) -> str:
        mode = self.fapiao_provider or ("wechatpay" if settings.sandbox and
                                        settings.payments_on else "off")
        if mode not in ("wechatpay", "off"):
            raise SettingsError(f"FAPIAO_PROVIDER={mode}: expected wechatpay or off")
        if mode == "wechatpay" and not settings.payments_on:
            raise SettingsError("FAPIAO_PROVIDER=wechatpay needs WeChat Pay (WECHATPAY_MCHID "
                                "and its keys)")
        return mode

    def tax_code(self, settings: Settings) -> str:
        code = self.fapiao_tax_code or (SANDBOX_TAX_CODE if settings.sandbox or
                                        settings.env == "test" else "")
        if not (code.isdigit() and len(code) == 19):
            raise SettingsError("FAPIAO_PROVIDER=wechatpay needs FAPIAO_TAX_CODE: the 19-digit "
                                "税收分类编码 your tax office approved for the fees")
        return code

    def mail_mode(self, settings: Settings) -> str:
        mode = self.mail_provider or ("smtp" if self.smtp_host else
                                      "sandbox" if settings.sandbox else "off")
        if mode not in ("smtp", "sandbox", "off"):
            raise SettingsError(f"MAIL_PROVIDER={mode}: expected smtp, sandbox or off")
        return mode

    def smtp(self, host: str = "", port: int = 0, security: str = "") -> SmtpConfig:
        """The SMTP client's configuration (the sandbox passes its catcher's address)."""
        if not (host or self.smtp_host) or not (self.smtp_from or host):
            raise SettingsError("MAIL_PROVIDER=smtp needs SMTP_HOST and SMTP_FROM")
        return SmtpConfig(host or self.smtp_host, port or self.smtp_port,
                          self.smtp_from or "评标专家库 <noreply@sandbox.invalid>",
                          self.smtp_user, self.smtp_password,
                          security or self.smtp_security,  # type: ignore[arg-type]
                          self.smtp_timeout)
