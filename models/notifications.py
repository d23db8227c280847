"""The notification outbox: written in the same transaction as the business change that
causes it, sent at least once by the relay, with a status per notification."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields

from models.orm.base import Model


class Status(StrEnum):
    QUEUED = "queued"  # waiting for its (next) attempt
    SENDING = "sending"  # claimed by a relay under a lease
    SENT = "sent"  # accepted by WeChat / the SMS gateway
    DELIVERED = "delivered"  # confirmed (TEMPLATESENDJOBFINISH success, or a chat message)
    FAILED = "failed"  # no channel could reach the person
    DEAD = "dead"  # gave up after the maximum number of attempts
    # not sent, and no failure: its point was gone (answered, checked in, past its time), or
    # a sibling sent at the same time on other channels reached the person
    SKIPPED = "skipped"


class ChannelKind(StrEnum):
    CHAT = "cs"  # customer-service message, inside the 48 h window
    TEMPLATE = "template"  # official-account template message
    SUBSCRIBE = "subscribe"  # mini-program subscribe message
    SMS = "sms"
    VOICE = "voice"  # a call to the phone (texts/notify/<kind>/voice.j2)


class Notification(Model):
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=64)  # texts/notify/<kind>/...
    person_id = fields.BigIntField(null=True, db_index=True)
    openid = fields.CharField(max_length=64, null=True)  # official account, if no person
    params: dict[str, Any] = fields.JSONField(default=dict)
    dedupe_key = fields.CharField(max_length=128, null=True, unique=True)
    status = fields.CharField(max_length=12, default=Status.QUEUED)
    channel = fields.CharField(max_length=12, null=True)
    ruled_out = fields.CharField(max_length=64, default="")  # channels that cannot reach them
    # one notice sent on several channel groups at once (services/notifications/outbox.py
    # at_once): its rows share a family, each row has its group (`channels`); one that
    # reached the person means none of the others failed
    family = fields.CharField(max_length=48, null=True, db_index=True)
    channels = fields.CharField(max_length=64, default="", db_default="")  # "" = any
    # a row that failed, yet the person was reached: by a sibling of its family, or by the
    # notice's point being met (an invitation answered): no failure for the desk to resend
    covered = fields.BooleanField(default=False, db_default=False)
    attempts = fields.IntField(default=0)
    # 0: one person's notice, claimed first; 1: a mass notice's row (a province told at
    # once), claimed when no other is due, so an invitation never waits behind 30,000
    lane = fields.SmallIntField(default=0, db_default=0)
    next_attempt_at = fields.DatetimeField()
    claimed_until = fields.DatetimeField(null=True)
    claim_token = fields.CharField(max_length=32, null=True, db_index=True)
    client_msg_id = fields.CharField(max_length=64)
    wx_msgid = fields.BigIntField(null=True, db_index=True)
    # the SMS provider's id for the message, or the voice provider's for the call
    sms_id = fields.CharField(max_length=64, null=True, db_index=True)
    last_error = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"
        indexes = (("status", "lane", "next_attempt_at"),)

    def ruled_out_channels(self) -> set[str]:
        return {c for c in self.ruled_out.split(",") if c}


class SubscribeConsent(Model):
    """How many mini-program subscribe messages a user granted, per template."""

    id = fields.BigIntField(primary_key=True)
    mp_openid = fields.CharField(max_length=64)
    template_id = fields.CharField(max_length=64)
    remaining = fields.IntField(default=0)

    class Meta:
        table = "subscribe_consent"
        unique_together = (("mp_openid", "template_id"),)
