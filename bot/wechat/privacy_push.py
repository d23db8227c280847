"""WeChat's privacy events (WX-MP-PRIVACY 授权用户信息变更) as the message servers read them:
the mini-program's (bot/wechat/mini_push.py) and the official account's
(bot/wechat/callback.py), where the user is `OpenID` (`FromUserName` is WeChat's push
service) and `RevokeInfo` lists what was withdrawn."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from aiohttp import web

from bot.errors import BadRequest
from bot.wechat.incoming import OPENID
from models.wechat import Channel
from services.common.runtime.infra import infrastructure_errors
from services.people import EVENTS, PrivacyEvent, WeChatPrivacy

PRIVACY = web.AppKey("wechat_privacy", WeChatPrivacy)  # applies them (both servers)


def _scopes(raw: str) -> tuple[int, ...]:
    """RevokeInfo: one number, or several separated by commas (or spaces); anything else
    is kept out (an unknown number is still recorded)."""
    parts = raw.replace(",", " ").replace("，", " ").split()
    return tuple(int(p) for p in parts if p.isdigit() and len(p) <= 6)


def privacy_event(fields: dict[str, str], channel: str = Channel.MINI_PROGRAM
                  ) -> PrivacyEvent | None:
    """The privacy event these fields carry, or None for any other push."""
    event = fields.get("Event", "").strip().lower()
    if fields.get("MsgType", "").strip().lower() != "event" or event not in EVENTS:
        return None
    openid = fields.get("OpenID", "").strip()
    stamp = fields.get("CreateTime", "").strip()
    if not OPENID.fullmatch(openid) or not (stamp.isdigit() and len(stamp) <= 12):
        raise BadRequest("a privacy event without a well-formed OpenID or CreateTime")
    unionid = fields.get("UnionID", "").strip()
    return PrivacyEvent(event, openid, int(stamp), channel=channel,
                        unionid=unionid if OPENID.fullmatch(unionid) else None,
                        scopes=_scopes(fields.get("RevokeInfo", "")))


async def apply_privacy(request: web.Request, event: PrivacyEvent | None) -> bool:
    """Apply a privacy push before answering it: False when the database or Redis could
    not take it (the server answers 503 and WeChat sends it again)."""
    if event is None:
        return True
    try:
        await request.app[PRIVACY].apply(event, datetime.now(UTC))
    except infrastructure_errors() as exc:
        logging.getLogger(__name__).warning("a privacy event waits for WeChat's retry: %r",
                                            exc)
        return False
    return True
