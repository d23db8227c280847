"""The e-invoice provider and the mailer this process uses (config/settings/invoice.py),
started with the runtime: in sandbox mode the SMTP catcher is started here, on loopback."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.providers.mail.smtp import SmtpMailer
from bot.providers.pay.client import WeChatPayClient
from bot.providers.pay.fapiao import WeChatPayFapiao
from config.settings import Settings
from config.settings.invoice import InvoiceSettings
from services.common.texts import Texts
from services.notifications import Mailer
from services.payments import InvoiceWords
from services.payments.invoicing import EInvoicing, InvoiceTitle

# the sandbox's SMTP catcher, on the app while MAIL_PROVIDER=sandbox (the tests read it)
MAIL_CATCHER = web.AppKey("mail_catcher", object)


@dataclass(frozen=True)
class Invoicing:
    provider: EInvoicing | None
    mailer: Mailer | None
    auto: bool
    catcher: Any = None  # the sandbox's MailCatcher (MAIL_PROVIDER=sandbox)


@contextlib.asynccontextmanager
async def invoicing(settings: Settings, pay: WeChatPayClient | None
                    ) -> AsyncIterator[Invoicing]:
    """Refuses to start (SettingsError) when what is asked for is incomplete."""
    config = InvoiceSettings()
    provider = None
    if config.fapiao_mode(settings) == "wechatpay" and pay is not None:
        provider = WeChatPayFapiao(pay, config.tax_code(settings))
    mode, catcher, mailer = config.mail_mode(settings), None, None
    if mode == "sandbox":
        from sandbox.smtp_catcher import MailCatcher

        catcher = MailCatcher()
        await catcher.start()
        mailer = SmtpMailer(config.smtp("127.0.0.1", catcher.port, "none"))
    elif mode == "smtp":
        mailer = SmtpMailer(config.smtp())
    try:
        yield Invoicing(provider, mailer, config.invoice_issue == "auto", catcher)
    finally:
        if catcher is not None:
            await catcher.stop()


def mail_text(texts: Texts) -> Callable[[dict[str, str]], tuple[str, str]]:
    """The invoice mail in our words (texts/mail/invoice.j2: subject, then the body)."""

    def render(params: dict[str, str]) -> tuple[str, str]:
        subject, _, body = texts.render("mail/invoice.j2", **params).strip().partition("\n")
        return subject.strip(), body.strip() + "\n"

    return render


def invoice_words(texts: Texts, invoicing: Invoicing | None) -> InvoiceWords:
    """The receipt's words on the invoice (texts/payment/invoice_promise.j2), true to how this
    process invoices: issued by itself (INVOICE_ISSUE=auto) or from the desk through the
    provider, or elsewhere (FAPIAO_PROVIDER=off); mailed only when a mailer is set."""
    mode = ("elsewhere" if invoicing is None or invoicing.provider is None
            else "auto" if invoicing.auto else "desk")
    mailed = invoicing is not None and invoicing.mailer is not None

    def words(title: InvoiceTitle, email: str) -> str:
        return texts.render("payment/invoice_promise.j2", mode=mode, mailed=mailed,
                            email=email, unit_name=title.unit_name or "",
                            unit_code=title.unit_code or "")

    return words
