"""`POST /privacy/aliyun/report?token=...`: the call records Alibaba Cloud 号码隐私保护 pushes
after each call over a binding (HTTP batch push, a JSON array of SecretReport records).

The push carries no signature, so the address set in the console carries a secret of ours
(ALIYUN_PLS_CALLBACK_TOKEN), compared in constant time; the body is capped and parsed as the
documented JSON array. A record names our binding by OutId and is applied once by its call_id
(services/draws/followups/virtual_calls.py): the provider retries until it reads `{"code": 0}`. The
numbers a record carries are never stored or logged."""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web

from bot.errors import TooLarge
from bot.providers.privacy.aliyun import CALLBACK_PATH
from bot.wechat.callback import read_capped
from services.draws.followups import VirtualCalls

log = logging.getLogger(__name__)

MAX_BODY = 256 * 1024  # a record is ~600 bytes; the provider batches a few hundred at most
PRIVACY_CALLBACK_TOKEN = web.AppKey("privacy_callback_token", str)
VIRTUAL_CALLS = web.AppKey("virtual_calls", VirtualCalls)  # where the records are applied


def answer(code: int, message: str, status: int = 200) -> web.Response:
    return web.json_response({"code": code, "msg": message}, status=status)


async def aliyun_report(request: web.Request) -> web.Response:
    token = request.app.get(PRIVACY_CALLBACK_TOKEN, "")
    if not token:
        raise web.HTTPNotFound()  # the provider is not configured here
    if not hmac.compare_digest(request.query.get("token", "").encode(), token.encode()):
        return answer(1, "forbidden", 403)
    try:
        body = await read_capped(request, MAX_BODY)
    except TooLarge:
        return answer(1, "too large", 413)
    try:
        reports = json.loads(body)
    except ValueError:
        return answer(1, "not JSON", 400)
    if isinstance(reports, dict):
        reports = [reports]
    if not isinstance(reports, list):
        return answer(1, "not a JSON array", 400)
    new = await request.app[VIRTUAL_CALLS].apply_reports(reports[:1000])
    log.info("privacy call records: %d received, %d new", len(reports), new)
    return answer(0, "接收成功")


def setup_privacy_callbacks(app: web.Application, token: str) -> None:
    app[PRIVACY_CALLBACK_TOKEN] = token
    app.router.add_post(CALLBACK_PATH, aliyun_report)
