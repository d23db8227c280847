"""`POST /sms/tencent/status?token=...`: Tencent Cloud SMS delivery reports, and
`POST /sms/tencent/reply?token=...`: the replies (上行) experts send to our SMS.

Tencent Cloud does not sign its callbacks, so the address set in its console carries a secret
of ours (TENCENT_SMS_CALLBACK_TOKEN), compared in constant time; the body is capped and
parsed as the documented JSON array. A report names the SerialNo the send returned (`sid`),
which the notification keeps: SUCCESS marks it delivered, FAIL failed with the operator's
code. Applying a report twice changes nothing (the provider retries). A reply is handed to
the SMS conversation (services/draws/answering/sms_answers.py) once: the same reply pushed again
(same number, time and text) is acknowledged and dropped."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from redis.asyncio import Redis

from bot.errors import TooLarge
from bot.wechat.callback import read_capped
from models.notifications import Notification, Status
from services.common.redis_keys import RedisKeys
from services.notifications import Outbox

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # a report is ~250 bytes; Tencent batches a few hundred at most
SMS_CALLBACK_TOKEN = web.AppKey("sms_callback_token", str)
REPLY_SEEN_TTL = 86400  # s a reply is remembered against the provider's retries
REPLY_TRUSTED_AGE = timedelta(hours=1)  # how old a reply's own time may be and still count


@dataclass
class SmsInbox:
    """Where replies go: `answer(phone, text, now)` (the SMS conversation), and Redis to
    drop a reply pushed twice."""

    answer: Callable[[str, str, datetime], Awaitable[object]]
    redis: Redis
    keys: RedisKeys
    outbox: Outbox  # the failed reports' errors, written as the outbox keeps them


SMS_INBOX = web.AppKey("sms_inbox", SmsInbox)


def answer(result: int, message: str, status: int = 200) -> web.Response:
    return web.json_response({"result": result, "errmsg": message}, status=status)


async def apply_reports(reports: list[dict[str, Any]], now: datetime, outbox: Outbox) -> int:
    """Delivery reports applied to their notifications; returns how many changed one."""
    changed = 0
    for report in reports:
        sid = str(report.get("sid", ""))[:64]
        if not sid:
            continue
        if report.get("report_status") == "SUCCESS":
            changed += await Notification.filter(sms_id=sid, status=Status.SENT).update(
                status=Status.DELIVERED, delivered_at=now)
            continue
        item = await Notification.get_or_none(sms_id=sid, status=Status.SENT)
        if item is None:
            continue
        error = (f"sms: not delivered: {str(report.get('errmsg', ''))[:32]} "
                 f"{str(report.get('description', ''))[:64]}").strip()
        changed += await Notification.filter(id=item.id, status=Status.SENT).update(
            status=Status.FAILED, last_error=outbox.with_error(item.last_error, error))
    return changed


async def callback_json(request: web.Request, token: str, cap: int = MAX_BODY) -> Any:
    """The JSON body of an authentic Tencent Cloud callback (the `token` of its address
    compared in constant time, at most `cap` bytes), or Refused with the answer to give."""
    if not token:
        raise web.HTTPNotFound()  # the provider is not configured here
    if not hmac.compare_digest(request.query.get("token", "").encode(), token.encode()):
        raise Refused(answer(1, "forbidden", 403))
    try:
        body = await read_capped(request, cap)
    except TooLarge:
        raise Refused(answer(1, "too large", 413)) from None
    try:
        return json.loads(body)
    except ValueError:
        raise Refused(answer(1, "not JSON", 400)) from None


async def _body(request: web.Request) -> Any:
    return await callback_json(request, request.app.get(SMS_CALLBACK_TOKEN, ""))


class Refused(Exception):
    def __init__(self, response: web.Response) -> None:
        self.response = response


async def tencent_status(request: web.Request) -> web.Response:
    try:
        reports = await _body(request)
    except Refused as refused:
        return refused.response
    if not isinstance(reports, list) or not all(isinstance(r, dict) for r in reports):
        return answer(1, "expected a JSON array of reports", 400)
    changed = await apply_reports(reports, datetime.now(UTC), request.app[SMS_INBOX].outbox)
    log.info("SMS delivery reports: %d received, %d applied", len(reports), changed)
    return answer(0, "OK")


async def tencent_reply(request: web.Request) -> web.Response:
    """{"mobile": "13...", "nationcode": "86", "text": "1", "time": 1457336869, "sign": ...,
    "extend": ""}: handed to the SMS conversation of the person with that phone."""
    try:
        reply = await _body(request)
    except Refused as refused:
        return refused.response
    if not isinstance(reply, dict) or not str(reply.get("mobile", "")).isdigit() \
            or not isinstance(reply.get("text"), str):
        return answer(1, "expected mobile and text", 400)
    if str(reply.get("nationcode", "86")) != "86":
        return answer(0, "OK")  # only mainland numbers are on record
    inbox = request.app[SMS_INBOX]
    phone, text = str(reply["mobile"])[:20], reply["text"][:500]
    digest = hashlib.sha256(f"{phone}|{reply.get('time')}|{text}".encode()).hexdigest()
    if not await inbox.redis.set(inbox.keys.sms_reply(digest), "1", nx=True,
                                 ex=REPLY_SEEN_TTL):
        return answer(0, "OK")  # pushed again: handled the first time
    try:
        await inbox.answer(phone, text, sent_at(reply.get("time"), datetime.now(UTC)))
    except Exception:
        await inbox.redis.delete(inbox.keys.sms_reply(digest))  # the retry may succeed
        raise
    return answer(0, "OK")


def sent_at(stamp: object, now: datetime) -> datetime:
    """When the expert sent the reply (its `time`, epoch seconds), as long as that is within
    the last hour (a reply the provider delivered late is judged by when it was written;
    anything older, or in the future, is not believed): else now."""
    try:
        at = datetime.fromtimestamp(int(str(stamp)), UTC)
    except (ValueError, OverflowError, OSError):
        return now
    return at if now - REPLY_TRUSTED_AGE <= at <= now else now


def setup_sms_callbacks(app: web.Application, token: str) -> None:
    app[SMS_CALLBACK_TOKEN] = token
    app.router.add_post("/sms/tencent/status", tencent_status)
    app.router.add_post("/sms/tencent/reply", tencent_reply)
