"""The outbox's settings: channels sent at once, rates, attempts, leases, the SMS code budget
and how long rows and people are kept. One concept of the service's settings, composed by
config/settings/core.py."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings


class OutboxSettings(BaseSettings):
    """Notifications: the channels, the rates, the attempts, how long rows are kept."""

    channels_at_once: dict[str, list[list[str]]] = Field(
        {"draw.invitation": [["cs", "template", "subscribe"], ["sms"]],
         "draw.urge": [["cs", "template", "subscribe", "sms"], ["voice"]],
         "draw.cancelled": [["cs", "template", "subscribe", "sms"], ["voice"]]},
        validation_alias="CHANNELS_AT_ONCE",
        description="kinds sent on several groups of channels at the same time, one "
                    "notification per group, JSON (channels `cs`, `template`, `subscribe`, "
                    "`sms`, `voice`); other kinds go on the first channel that reaches the "
                    "person (voice groups are dropped while `VOICE_PROVIDER` is off)")
    outbox_rate: int = Field(
        200, validation_alias="OUTBOX_RATE",
        description="notifications sent per second, all relays together (0 = no limit)")
    outbox_user_rate: int = Field(
        20, validation_alias="OUTBOX_USER_RATE",
        description="notifications per recipient per minute (0 = no limit)")
    notify_latest_seconds: float = Field(
        5.0, ge=0, le=8, validation_alias="NOTIFY_LATEST_SECONDS",
        description="how long a notice that carries the latest state of something (a "
                    "draw's progress and arrivals, to its agency) waits for the next change: "
                    "changes within it are told in one notice, the superseded ones never sent; "
                    "each is told within it and the relay's 2-s sweep (0 = each change its own "
                    "notice, sent at once)")
    outbox_linger: float = Field(
        0.1, ge=0, le=1, validation_alias="OUTBOX_LINGER",
        description="seconds a relay woken by a change waits before it claims, and the "
                    "least between two of its claims while changes keep coming: the notices "
                    "of every change committed meanwhile are claimed, read and recorded "
                    "together (fewer database statements a change); a notice waits at most "
                    "this and the batch under way when it was queued (0 = claim at once)")
    receipts_hold: float = Field(
        5.0, ge=0, le=25, validation_alias="RECEIPTS_HOLD",
        description="seconds WeChat's receipts of template messages that reached the user may "
                    "wait to be recorded together (one database statement for all of them, "
                    "instead of one every second); a receipt of a message that failed is "
                    "recorded at once, since its notice goes on by the next channel (0 = every "
                    "second)")
    outbox_max_attempts: int = Field(8, validation_alias="OUTBOX_MAX_ATTEMPTS",
                                     description="attempts before a notification is dead")
    outbox_lease: float = Field(60.0, validation_alias="OUTBOX_LEASE",
                                description="seconds a relay holds a claimed notification")
    sms_codes_per_hour: int = Field(
        600, ge=0, validation_alias="SMS_CODES_PER_HOUR",
        description="verification-code SMS to every number together in a clock hour (0 = no "
                    "limit); past it codes are refused until the hour ends, and at 80 % the "
                    "service logs a warning (each number also gets at most 1 a minute, 5 an "
                    "hour, 10 a day)")
    # the log period is at least 6 months (网络安全法 Art. 21)
    retention_days: int = Field(
        5479, ge=1, validation_alias="PERSONAL_DATA_RETENTION_DAYS",
        description="days after deregistration (15 years) before the nightly retention job "
                    "anonymises a person (docs/rules-that-are-ours.md)")
    log_retention_days: int = Field(
        365, ge=183, validation_alias="LOG_RETENTION_DAYS",
        description="days a sent notification row is kept before the retention job removes "
                    "it")
