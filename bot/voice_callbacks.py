"""`POST /voice/tencent/callback?token=...`: what Tencent Cloud VMS reports about our calls,
all to the one address set in its console (it does not sign callbacks: the address carries
a secret of ours, compared in constant time; the body is capped and parsed as the
documented JSON):
- `voicekey_callback`: a key the callee pressed, handed to the call's invitation once
  (handlers/voice_reply.py); the same key pushed again for the same call is acknowledged;
- `voiceprompt_callback`: the call ended; result 0 (answered) marks the notification
  delivered, 1 (not answered) or 2 (failed) marks it failed;
- `voice_failure_callback`: why a call was not answered, kept on the notification.
Every callback names the CallId the call returned, which the notification keeps (`sms_id`);
one naming no call of ours is acknowledged and ignored."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from redis.asyncio import Redis

from bot.sms_callbacks import REPLY_SEEN_TTL, Refused, answer, callback_json
from models.notifications import ChannelKind, Notification, Status
from services.outbox import with_error
from services.redis_keys import RedisKeys

log = logging.getLogger(__name__)

MAX_BODY = 4 * 1024  # one callback is ~300 bytes
KEY_PATIENCE = 4  # times 0.5 s a key waits for its call to be recorded
RESULTS = {"1": "not answered", "2": "call failed"}


@dataclass
class VoiceInbox:
    """Where keys go: `keypress(call, key, mobile, now)`, the callback's secret, and Redis
    to drop a key pushed twice."""

    keypress: Callable[[Notification, str, str, datetime], Awaitable[object]]
    answered: Callable[[Notification, datetime], Awaitable[None]]  # a call picked up
    token: str
    redis: Redis
    keys: RedisKeys


VOICE_INBOX = web.AppKey("voice_inbox", VoiceInbox)


async def _call(report: dict[str, Any], patience: int = 0) -> Notification | None:
    """The call the report names; a key may come before the relay has recorded the call it
    just placed (it records a batch at a time): looked for again `patience` times."""
    callid = str(report.get("callid", ""))[:64]
    if not callid:
        return None
    for attempt in range(patience + 1):
        found = await Notification.get_or_none(sms_id=callid, channel=ChannelKind.VOICE)
        if found is not None or attempt == patience:
            return found
        await asyncio.sleep(0.5)
    return None


async def call_ended(call: Notification, result: str, now: datetime) -> int:
    if result == "0":
        return await Notification.filter(id=call.id, status=Status.SENT).update(
            status=Status.DELIVERED, delivered_at=now)
    return await Notification.filter(id=call.id, status=Status.SENT).update(
        status=Status.FAILED, last_error=with_error(
            call.last_error, f"voice: {RESULTS.get(result, 'result ' + result[:8])}"))


async def tencent_voice(request: web.Request) -> web.Response:
    inbox = request.app.get(VOICE_INBOX)
    if inbox is None:
        raise web.HTTPNotFound()  # VOICE_PROVIDER is off
    try:
        body = await callback_json(request, inbox.token, MAX_BODY)
    except Refused as refused:
        return refused.response
    if not isinstance(body, dict) or not any(
            isinstance(body.get(k), dict) for k in ("voicekey_callback", "voiceprompt_callback",
                                                    "voice_failure_callback")):
        return answer(1, "expected a voice callback", 400)
    now = datetime.now(UTC)
    if isinstance(key := body.get("voicekey_callback"), dict):
        call = await _call(key, patience=KEY_PATIENCE)
        if call is not None:
            await _pressed(inbox, call, key, now)
    if isinstance(status := body.get("voiceprompt_callback"), dict):
        call = await _call(status)
        if call is not None:
            result = str(status.get("result", ""))
            await call_ended(call, result, now)
            if result == "0":
                await inbox.answered(call, now)
    if isinstance(failure := body.get("voice_failure_callback"), dict):
        call = await _call(failure)
        if call is not None:
            reason = (f"voice: {str(failure.get('failure_code', ''))[:4]} "
                      f"{str(failure.get('failure_reason', ''))[:32]}")
            await Notification.filter(id=call.id).update(
                last_error=with_error(call.last_error, reason))
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
