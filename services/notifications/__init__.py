"""Notifications: the outbox and its relay, the kinds and their words, SMS codes, the
checks that make a queued notice moot. At the bottom: every context notifies.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.notifications.change import ALL_CHANNELS, Change
from services.notifications.checks import MootCheck, MootChecks
from services.notifications.claim import Joined
from services.notifications.kind_registry import NotificationKind
from services.notifications.mail import Attachment, Mail, Mailer, MailError
from services.notifications.outbox import Lease, Outbox
from services.notifications.privacy import Line, NumberPrivacy, PrivacyError
from services.notifications.sms import CodeSms, SmsGateway, SmsMessage
from services.notifications.voice import VoiceCall, VoiceGateway

__all__ = [
    "ALL_CHANNELS",
    "Attachment",
    "Change",
    "CodeSms",
    "Joined",
    "Lease",
    "Line",
    "Mail",
    "MailError",
    "Mailer",
    "MootCheck",
    "MootChecks",
    "NotificationKind",
    "NumberPrivacy",
    "Outbox",
    "PrivacyError",
    "SmsGateway",
    "SmsMessage",
    "VoiceCall",
    "VoiceGateway",
]
