"""`POST /voice/tencent/callback?token=...`: what Tencent Cloud VMS reports about our calls,
all to the one address set in its console (it does not sign callbacks: the address carries
a secret of ours, compared in constant time; the body is capped and parsed as the
documented JSON):
- `voicekey_callback`: a key the callee pressed, handed to the call's invitation once
  (services/draws/answering/voice_answers.py); the same key pushed again for the same call is
  acknowledged;
- `voiceprompt_callback`: the call ended; result 0 (answered) marks the notification
  delivered, 1 (not answered) or 2 (failed) marks it failed;
- `voice_failure_callback`: why a call was not answered, kept on the notification.

Every callback names the CallId the call returned, which the notification keeps (`sms_id`,
written as soon as the call is placed). A key must not be lost because its call was not
found: a call whose answer never came back (a timeout: placed, CallId unknown) is the one
voice notification of that number still without a CallId, and takes this one; a report
naming no call of ours yet is parked in Redis and tried again by the worker every few
seconds (`retry_parked`) for half an hour, then dropped with a warning."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from aiohttp import web
from redis.asyncio import Redis

from bot.providers.sms.callbacks import REPLY_SEEN_TTL, Refused, answer, callback_json
from models.notifications import ChannelKind, Notification, Status
from models.people import Person, phone_is
from services.common.redis_keys import RedisKeys
from services.notifications import Outbox

log = logging.getLogger(__name__)

MAX_BODY = 4 * 1024  # one callback is ~300 bytes
KEY_PATIENCE = 4  # times 0.5 s a key waits for its call to be recorded
RESULTS = {"1": "not answered", "2": "call failed"}
PARTS = ("voicekey_callback", "voiceprompt_callback", "voice_failure_callback")
UNKNOWN_CALL_AGE = timedelta(hours=1)  # how far back a call without a CallId is looked for
PARKED_FOR = 1800  # s a report naming no call of ours is tried again before it is dropped
VOICE_CTX = "voice_inbox"  # where the worker's context holds the inbox


@dataclass
class VoiceInbox:
    """Where keys go: `keypress(call, key, mobile, now)`, the callback's secret, and Redis
    to drop a key pushed twice and to park reports that came before their call."""

    keypress: Callable[[Notification, str, str, datetime], Awaitable[object]]
    answered: Callable[[Notification, datetime], Awaitable[None]]  # a call picked up
    token: str
    redis: Redis
    keys: RedisKeys
    outbox: Outbox  # a failed call's errors, written as the outbox keeps them


VOICE_INBOX = web.AppKey("voice_inbox", VoiceInbox)


async def _adopted(callid: str, mobile: str, now: datetime) -> Notification | None:
    """The call behind an unknown CallId: the one voice notification to this number placed
    lately whose CallId never came back (the provider's answer was lost); it takes it."""
    people = await Person.filter(phone_is(mobile[:11]), deregistered_at=None).values_list(
        "id", flat=True)
    if not mobile or len(people) != 1:
        return None
    orphans = await Notification.filter(
        person_id=people[0], channel=ChannelKind.VOICE, sms_id=None,
        status__in=[Status.SENT, Status.DELIVERED, Status.FAILED],
        sent_at__gte=now - UNKNOWN_CALL_AGE).limit(2)
    if len(orphans) != 1:
        return None
    if not await Notification.filter(id=orphans[0].id, sms_id=None).update(sms_id=callid):
        return None
    log.warning("voice callback for unknown call %s: taken by notification %s, whose "
                "CallId never came back", callid, orphans[0].id)
    return await Notification.get(id=orphans[0].id)


async def _call(report: dict[str, Any], now: datetime, patience: int = 0
                ) -> Notification | None:
    """The call the report names; a key may come before the relay has recorded the call it
    just placed: looked for again `patience` times."""
    callid = str(report.get("callid", ""))[:64]
    if not callid:
        return None
    for attempt in range(patience + 1):
        found = await Notification.get_or_none(sms_id=callid, channel=ChannelKind.VOICE)
        if found is not None:
            return found
        if attempt < patience:
            await asyncio.sleep(0.5)
    return await _adopted(callid, str(report.get("mobile", ""))[:20], now)


async def call_ended(call: Notification, result: str, now: datetime, outbox: Outbox) -> int:
    if result == "0":
        return await Notification.filter(id=call.id, status=Status.SENT).update(
            status=Status.DELIVERED, delivered_at=now)
    return await Notification.filter(id=call.id, status=Status.SENT).update(
        status=Status.FAILED, last_error=outbox.with_error(
            call.last_error, f"voice: {RESULTS.get(result, 'result ' + result[:8])}"))


async def apply(inbox: VoiceInbox, body: dict[str, Any], now: datetime,
                patience: int = 0) -> dict[str, Any]:
    """The parts of a callback applied to their calls; returns those naming no call found."""
    unknown: dict[str, Any] = {}
    if isinstance(key := body.get("voicekey_callback"), dict):
        if (call := await _call(key, now, patience)) is None:
            unknown["voicekey_callback"] = key
        else:
            await _pressed(inbox, call, key, now)
    # a call's end and its reason wait until the relay has saved the call's row (it would
    # write its own status and errors over them)
    if isinstance(status := body.get("voiceprompt_callback"), dict):
        if (call := await _call(status, now)) is None or call.status == Status.SENDING:
            unknown["voiceprompt_callback"] = status
        else:
            result = str(status.get("result", ""))
            await call_ended(call, result, now, inbox.outbox)
            if result == "0":
                await inbox.answered(call, now)
    if isinstance(failure := body.get("voice_failure_callback"), dict):
        if (call := await _call(failure, now)) is None or call.status == Status.SENDING:
            unknown["voice_failure_callback"] = failure
        else:
            reason = (f"voice: {str(failure.get('failure_code', ''))[:4]} "
                      f"{str(failure.get('failure_reason', ''))[:32]}")
            await Notification.filter(id=call.id).update(
                last_error=inbox.outbox.with_error(call.last_error, reason))
    return unknown


async def park(inbox: VoiceInbox, parts: dict[str, Any], now: datetime) -> None:
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    await cast("Awaitable[int]", inbox.redis.hset(
        inbox.keys.voice_parked(), digest, json.dumps({"at": int(now.timestamp()),
                                                       "parts": parts})))
    log.warning("voice callback naming no call of ours yet (%s): parked",
                ", ".join(sorted(parts)))


async def retry_parked(inbox: VoiceInbox, now: datetime) -> int:
    """Parked reports applied once their call is found (or dropped after PARKED_FOR);
    returns how many were applied."""
    where = inbox.keys.voice_parked()
    raw = await cast("Awaitable[dict[bytes, bytes]]", inbox.redis.hgetall(where))
    applied = 0
    for field, value in raw.items():
        digest = field.decode() if isinstance(field, bytes) else str(field)
        parked = json.loads(value)
        left = await apply(inbox, parked["parts"], now)
        if not left:
            applied += 1
        elif now.timestamp() - parked["at"] > PARKED_FOR:
            log.warning("dropped a voice callback whose call was never found: %s",
                        ", ".join(sorted(left)))
        else:
            if left != parked["parts"]:  # part of it applied: keep the rest
                await cast("Awaitable[int]", inbox.redis.hset(where, digest, json.dumps(
                    {"at": parked["at"], "parts": left})))
            continue
        await cast("Awaitable[int]", inbox.redis.hdel(where, digest))
    return applied


async def voice_parked(ctx: dict[str, Any]) -> int:
    """The worker's job: parked voice callbacks tried again."""
    inbox = ctx.get(VOICE_CTX)
    if not isinstance(inbox, VoiceInbox):
        return 0  # VOICE_PROVIDER is off
    return await retry_parked(inbox, datetime.now(UTC))


async def tencent_voice(request: web.Request) -> web.Response:
    inbox = request.app.get(VOICE_INBOX)
    if inbox is None:
        raise web.HTTPNotFound()  # VOICE_PROVIDER is off
    try:
        body = await callback_json(request, inbox.token, MAX_BODY)
    except Refused as refused:
        return refused.response
    if not isinstance(body, dict) or not any(isinstance(body.get(k), dict) for k in PARTS):
        return answer(1, "expected a voice callback", 400)
    now = datetime.now(UTC)
    unknown = await apply(inbox, body, now, patience=KEY_PATIENCE)
    if unknown:
        await park(inbox, unknown, now)
    return answer(0, "OK")


async def _pressed(inbox: VoiceInbox, call: Notification, report: dict[str, Any],
                   now: datetime) -> None:
    key, mobile = str(report.get("keypress", ""))[:4], str(report.get("mobile", ""))[:20]
    digest = hashlib.sha256(f"{call.id}|{key}|{mobile}".encode()).hexdigest()
    if not await inbox.redis.set(inbox.keys.voice_key(digest), "1", nx=True,
                                 ex=REPLY_SEEN_TTL):
        return  # pushed again: handled the first time
    try:
        await inbox.keypress(call, key, mobile, now)
    except Exception:
        await inbox.redis.delete(inbox.keys.voice_key(digest))  # the retry may succeed
        raise


def setup_voice_callbacks(app: web.Application) -> None:
    app.router.add_post("/voice/tencent/callback", tencent_voice)
