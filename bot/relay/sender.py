"""The notification sender: picks a channel for each claimed notification, renders it, sends
it, and records the outcome.

Channels, in order: a customer-service message while the user's window carries one (as WeChat
counts it per trigger, bot/wechat/windows.py: taken from it before the send); a template
message (official account); a mini-program subscribe message where the user granted one;
SMS; a voice call for kinds that have words for one (voice.j2). A channel that cannot
reach the person (not following, window closed, no consent, a
field value no template can take, ...) is ruled out for the row, with the error kept on it,
and the next one tried; a transient failure (-1, 5xx, timeout) is retried later with backoff;
after the maximum number of attempts the notification is dead.

Customer-service and subscribe messages have no idempotency key: one whose outcome is
unknown (WeChat may have taken it) is counted as sent, not repeated. For them and for SMS a
Redis marker says "attempting" before the call and "sent" after it (and is dropped when the
call was plainly refused): a relay that takes over a lapsed claim whose relay died during
the call finds "attempting", counts the outcome as unknown and does not send again (at most
once), and one that finds "sent" does not either. An SMS provider's error is retried (its
interface cannot tell an unknown outcome from a refusal). Template messages carry
client_msg_id and are retried (exactly once: WeChat drops a repeat).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from redis.asyncio import Redis
from tortoise.expressions import F

from bot.providers.sms.gateway import SmsError, SmsOutcomeUnknown, SmsProvider
from bot.providers.voice.gateway import VoiceError, VoiceOutcomeUnknown, VoiceUnreachable
from bot.relay.notify_texts import NotifyTexts
from bot.relay.ratelimit import RateLimits
from bot.relay.recipients import Recipient, recipients_of, with_claim
from bot.wechat.api import WeChatAPI
from bot.wechat.errors import (
    InvalidField,
    NoSubscribeConsent,
    NotFollowing,
    OutcomeUnknown,
    OutsideServiceWindow,
    TemplateMissing,
    TooFrequent,
    UserBlocked,
    WeChatAPIError,
)
from bot.wechat.template_fields import FieldFormatError
from bot.wechat.windows import ServiceWindows, Window
from models.notifications import ChannelKind, Notification, SubscribeConsent
from services.common.pii import mask_text
from services.common.redis_keys import SEND_MARKER_TTL, RedisKeys
from services.notifications import (
    Lease,
    MootChecks,
    Outbox,
    SmsMessage,
    VoiceCall,
    VoiceGateway,
)

log = logging.getLogger(__name__)

# Errors that mean "this channel cannot reach this person": try the next channel. A value
# `fit` cannot format is one too: every attempt on that channel would fail the same way.
UNREACHABLE = (NotFollowing, OutsideServiceWindow, NoSubscribeConsent, InvalidField,
               UserBlocked, TemplateMissing, FieldFormatError, VoiceUnreachable)
# Errors of our own texts or configuration rather than of the person: logged as warnings.
OUR_FAULT = (TemplateMissing, InvalidField, FieldFormatError)
# Channels without an idempotency key: each send is remembered in Redis (the send marker).
UNKEYED = (ChannelKind.CHAT, ChannelKind.SUBSCRIBE, ChannelKind.SMS, ChannelKind.VOICE)
ATTEMPTING = "attempting:"  # the send marker's value while the call is under way


class Sender:
    def __init__(self, outbox: Outbox, api: WeChatAPI, mp_api: WeChatAPI, sms: SmsProvider,
                 texts: NotifyTexts, limits: RateLimits, redis: Redis, keys: RedisKeys,
                 max_attempts: int, miniprogram_appid: str,
                 voice: VoiceGateway | None = None, moot: MootChecks | None = None) -> None:
        self.outbox = outbox
        self.moot = moot or MootChecks()  # whose kinds lose their point, by kind
        # what the relay's claim reads with its rows on PostgreSQL: the recipients, and what
        # the moot checks read
        self.claim_reads = with_claim() + self.moot.joined if self.moot.joined else with_claim()
        self.voice = voice
        self.api = api
        self.mp_api = mp_api
        self.sms = sms
        self.texts = texts
        self.limits = limits
        self._redis = redis
        self._keys = keys
        self.max_attempts = max_attempts
        self._mp_appid = miniprogram_appid
        self.windows = ServiceWindows(redis, keys)

    def plan(self, item: Notification, to: Recipient, now: datetime) -> list[str]:
        kind, ruled = item.kind, item.ruled_out_channels()
        out = []
        if to.oa and self.texts.has(kind, "cs") and to.window is not None \
                and to.window.carries(now.timestamp()):
            out.append(ChannelKind.CHAT)
        if to.oa and self.texts.template_id(kind):
            out.append(ChannelKind.TEMPLATE)
        sub = self.texts.subscribe_id(kind)
        if to.mp_openid and sub and to.consents.get(sub, 0) > 0:
            out.append(ChannelKind.SUBSCRIBE)
        if to.phone and self.texts.has(kind, "sms"):
            out.append(ChannelKind.SMS)
        if to.phone and self.voice is not None and self.texts.has(kind, "voice"):
            out.append(ChannelKind.VOICE)
        return [c for c in out if c not in ruled]

    async def prepare(self, items: list[Notification], now: datetime,
                      claimed: list[dict[str, Any]] | None = None
                      ) -> tuple[dict[int, Recipient], dict[int, str]]:
        """Recipients (with their windows and whether each notice still has a point) and
        send markers for a claimed batch: one Redis round trip reads both. `claimed`: the
        claim's rows, the recipients read with them (recipients.with_claim)."""
        recipients = await recipients_of(items, claimed)
        for item_id, why in (await self.moot.why_moot(items, now, claimed)).items():
            recipients[item_id].moot = why
        openids = list(dict.fromkeys(r.oa.openid for r in recipients.values() if r.oa))
        values = await self._redis.mget([self._keys.send_marker(i.id) for i in items]
                                        + [self.windows.key(o) for o in openids])
        markers, found = values[:len(items)], values[len(items):]
        done = {i.id: m for i, m in zip(items, markers, strict=True) if m}
        windows = dict(zip(openids, map(Window.parse, found), strict=True))
        for to in recipients.values():
            to.window = windows.get(to.oa.openid) if to.oa else None
        return recipients, done

    async def deliver(self, item: Notification, to: Recipient | None, marker: str | None,
                      now: datetime, lease: Lease | None = None) -> None:
        """Send one claimed notification and set its outcome on it; never raises. With a
        `lease`, nothing is sent once too little of it is left (the row goes back)."""
        try:
            if marker:  # its relay died during or after a send: never sent again
                self._taken_over(item, marker, now)
                return
            assert to is not None
            await self._deliver(item, to, now, lease)
        except Exception as exc:
            log.exception("notification %s (%s) failed unexpectedly", item.id, item.kind)
            self.outbox.retry(item, now, f"unexpected: {exc!r}", self.max_attempts)

    def _taken_over(self, item: Notification, marker: str, now: datetime) -> None:
        if marker.startswith(ATTEMPTING):  # it died during the call: WeChat may have it
            channel = marker.removeprefix(ATTEMPTING)
            self.outbox.note(item, f"{channel}: outcome unknown (its relay stopped during the "
                                   "send), not re-sent")
            self.outbox.sent(item, channel, now)
        else:
            self.outbox.sent(item, marker, now, delivered=marker == ChannelKind.CHAT)

    async def _mark(self, item: Notification, value: str | None) -> None:
        """The send marker of an unkeyed channel: set, or dropped (None)."""
        key = self._keys.send_marker(item.id)
        if value is None:
            await self._redis.delete(key)
        else:
            await self._redis.set(key, value, ex=SEND_MARKER_TTL)

    async def _deliver(self, item: Notification, to: Recipient, now: datetime,
                       lease: Lease | None) -> None:
        until = item.params.get("expires_iso")
        if until and now > datetime.fromisoformat(until):  # e.g. a call after its window
            self.outbox.skipped(item, f"expired at {until} before it could be sent")
            return
        if to.moot is not None:  # answered, checked in, ...
            self.outbox.skipped(item, f"not sent: {to.moot}")
            return
        for channel in self.plan(item, to, now):
            until = await self.limits.user_wait(to.key)
            if until is not None:  # from the batch's `now`: the moment itself, not earlier
                self.outbox.retry(item, now, "per-recipient rate limit", self.max_attempts,
                                  delay=until - now, count_attempt=False)
                return
            await self.limits.wait_global(bulk=item.lane != 0)
            if lease is not None and not lease.holds():
                # another relay may claim the row once the lease lapses: do not send it here
                self.outbox.give_back(item, now)
                return
            confirmed = True
            unkeyed = channel in UNKEYED
            if unkeyed:  # before the call: a relay that dies during it leaves this behind
                await self._mark(item, ATTEMPTING + channel)
            try:
                msgid = await self._send(channel, item, to, now)
            except UNREACHABLE as exc:
                if unkeyed:
                    await self._mark(item, None)
                log.log(logging.WARNING if isinstance(exc, OUR_FAULT) else logging.INFO,
                        "notification %s (%s): %s cannot reach them: %s", item.id, item.kind,
                        channel, exc)
                if isinstance(exc, OutsideServiceWindow) and to.oa is not None:
                    await self.windows.spent(to.oa.openid)
                self.outbox.rule_out(item, channel, str(exc))
                continue
            except TooFrequent as exc:
                if unkeyed:
                    await self._mark(item, None)
                if channel == ChannelKind.CHAT and exc.errcode == 45047:
                    # 45047: the window's message count is used up until the user writes
                    # again; waiting will not help, the next channel will
                    if to.oa is not None:
                        await self.windows.spent(to.oa.openid)
                    self.outbox.rule_out(item, channel, str(exc))
                    continue
                self.outbox.retry(item, now, f"{channel}: {exc}", self.max_attempts,
                                  delay=timedelta(seconds=60))
                return
            except (OutcomeUnknown, SmsOutcomeUnknown, VoiceOutcomeUnknown) as exc:
                if channel not in UNKEYED:  # client_msg_id makes a re-send harmless
                    self.outbox.retry(item, now, f"{channel}: {exc}", self.max_attempts)
                    return
                # WeChat may have sent it, and a second send could arrive as a second
                # message: counted as sent (not delivered), never sent again
                log.warning("notification %s (%s): %s outcome unknown, not re-sent: %s",
                            item.id, item.kind, channel, exc)
                self.outbox.note(item, f"{channel}: outcome unknown, not re-sent: {exc}")
                msgid, confirmed = None, False
            except (WeChatAPIError, SmsError, VoiceError) as exc:  # refused for now: retry
                if unkeyed:
                    await self._mark(item, None)
                self.outbox.retry(item, now, f"{channel}: {exc}", self.max_attempts)
                return
            if unkeyed:
                # no idempotency key exists for these: remember the send before anything
                # else can fail, so a relay that takes the row over does not send it twice
                await self._mark(item, channel)
            if channel == ChannelKind.SUBSCRIBE:  # one consent, one message
                await SubscribeConsent.filter(
                    mp_openid=to.mp_openid, template_id=self.texts.subscribe_id(item.kind),
                    remaining__gt=0).update(remaining=F("remaining") - 1)
            self.outbox.sent(item, channel, now, wx_msgid=msgid,
                             delivered=channel == ChannelKind.CHAT and confirmed)
            return
        self.outbox.failed(item, "no channel can reach this person")

    async def _send(self, channel: str, item: Notification, to: Recipient,
                    now: datetime) -> int | None:
        kind, params = item.kind, dict(item.params)
        if channel == ChannelKind.CHAT:
            assert to.oa is not None
            if not await self.windows.take(to.oa.openid, now.timestamp()):
                # another notice took its last message, or it closed since the batch read it
                raise OutsideServiceWindow(45015, "no message left in the customer-service "
                                                  "window (as counted here)", "custom/send")
            if "media_id" in params:
                await self.api.send_image(to.oa.openid, params["media_id"])
            else:
                await self.api.send_text(to.oa.openid,
                                         mask_text(self.texts.text(kind, "cs", params)))
            return None
        if channel == ChannelKind.TEMPLATE:
            assert to.oa is not None
            template_id = self.texts.template_id(kind)
            assert template_id is not None
            page = params.get("page")
            return await self.api.send_template(
                to.oa.openid, template_id, self._masked(self.texts.fields(kind, "template",
                                                                         params)),
                client_msg_id=item.client_msg_id, url=params.get("url"),
                miniprogram={"appid": self._mp_appid, "pagepath": page} if page else None)
        if channel == ChannelKind.SUBSCRIBE:
            assert to.mp_openid is not None
            template_id = self.texts.subscribe_id(kind)
            assert template_id is not None
            await self.mp_api.send_subscribe(
                to.mp_openid, template_id,
                self._masked(self.texts.fields(kind, "subscribe", params)),
                page=params.get("page", ""))
            return None
        assert to.phone is not None
        # by phone: whether they use WeChat with us at all, so the words send someone
        # without it to a link or a desk, never to the mini-program
        params["wechat"] = "1" if to.oa is not None or to.mp_openid else ""
        if channel == ChannelKind.VOICE:
            assert self.voice is not None
            item.sms_id = await self.voice.call(VoiceCall(
                to.phone, kind, mask_text(self.texts.text(kind, "voice", params)),
                self._spoken(params), reference=str(item.id)))
            # at once, not with the batch: the callee's key names this CallId in seconds
            await Notification.filter(id=item.id).update(sms_id=item.sms_id)
            return None
        variant = params.get("variant")  # one of a kind's replies: its own template
        item.sms_id = await self.sms.send(SmsMessage(
            to.phone, f"{kind}:{variant}" if variant else kind,
            mask_text(self.texts.text(kind, "sms", params)),
            self._spoken(params), reference=str(item.id)))
        return None

    @staticmethod
    def _spoken(params: dict[str, object]) -> dict[str, str]:
        """The parameters a provider's template takes, masked as the text is."""
        return {k: mask_text(str(v)) for k, v in params.items() if isinstance(v, str | int)}

    @staticmethod
    def _masked(fields: dict[str, str]) -> dict[str, str]:
        return {k: mask_text(v) for k, v in fields.items()}
