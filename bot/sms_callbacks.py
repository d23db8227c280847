"""`POST /sms/tencent/status?token=...`: Tencent Cloud SMS delivery reports.

Tencent Cloud does not sign its callbacks, so the address set in its console carries a secret
of ours (TENCENT_SMS_CALLBACK_TOKEN), compared in constant time; the body is capped and
parsed as the documented JSON array. A report names the SerialNo the send returned (`sid`),
which the notification keeps: SUCCESS marks it delivered, FAIL failed with the operator's
code. Applying a report twice changes nothing (the provider retries)."""

from __future__ import annotations

import hmac
import json
import logging
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from bot.callback import read_capped
from bot.errors import TooLarge
from models.notifications import Notification, Status
from services.outbox import with_error

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # a report is ~250 bytes; Tencent batches a few hundred at most
SMS_CALLBACK_TOKEN = web.AppKey("sms_callback_token", str)


def _answer(result: int, message: str, status: int = 200) -> web.Response:
    return web.json_response({"result": result, "errmsg": message}, status=status)


async def apply_reports(reports: list[dict[str, Any]], now: datetime) -> int:
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
            status=Status.FAILED, last_error=with_error(item.last_error, error))
    return changed


async def tencent_status(request: web.Request) -> web.Response:
    token = request.app.get(SMS_CALLBACK_TOKEN, "")
    if not token:
        raise web.HTTPNotFound()  # Tencent Cloud SMS is not configured here
    if not hmac.compare_digest(request.query.get("token", "").encode(), token.encode()):
        return _answer(1, "forbidden", 403)
    try:
        body = await read_capped(request, MAX_BODY)
    except TooLarge:
        return _answer(1, "too large", 413)
    try:
        reports = json.loads(body)
    except ValueError:
        return _answer(1, "not JSON", 400)
    if not isinstance(reports, list) or not all(isinstance(r, dict) for r in reports):
        return _answer(1, "expected a JSON array of reports", 400)
    changed = await apply_reports(reports, datetime.now(UTC))
    log.info("SMS delivery reports: %d received, %d applied", len(reports), changed)
    return _answer(0, "OK")


def setup_sms_callbacks(app: web.Application, token: str) -> None:
    app[SMS_CALLBACK_TOKEN] = token
    app.router.add_post("/sms/tencent/status", tencent_status)
