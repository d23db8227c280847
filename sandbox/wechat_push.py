"""Builds pushes as the WeChat server sends them (signed; plaintext, compatible or safe mode;
XML, or JSON as a mini-program's message server may choose) and reads the passive replies.
Used by the simulator page and by the tests."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Literal
from xml.sax.saxutils import escape

from wechatpy.crypto import PrpCrypto, WeChatCrypto

from bot.wechat.signature import sign
from bot.wechat.xmlparse import parse_xml

Mode = Literal["plain", "compat", "safe"]
Format = Literal["xml", "json"]


def to_xml(fields: dict[str, str | int]) -> str:
    """A WeChat-style <xml> document (text in CDATA, numbers bare)."""
    parts = []
    for key, value in fields.items():
        if isinstance(value, int):
            parts.append(f"<{key}>{value}</{key}>")
        else:
            safe = str(value).replace("]]>", "]]]]><![CDATA[>")
            parts.append(f"<{key}><![CDATA[{safe}]]></{key}>")
    return "<xml>" + "".join(parts) + "</xml>"


@dataclass
class Push:
    query: dict[str, str]
    body: bytes


class Pusher:
    """Plays the WeChat server's side of the message push for one official account."""

    def __init__(self, token: str, appid: str, aes_key: str | None = None,
                 mode: Mode = "plain", fmt: Format = "xml") -> None:
        if mode != "plain" and not aes_key:
            raise ValueError("compatible and safe mode need an EncodingAESKey")
        self.token = token
        self.appid = appid
        self.mode = mode
        self.fmt = fmt
        self.crypto = WeChatCrypto(token, aes_key, appid) if aes_key else None

    def _json(self, fields: dict[str, str | int], timestamp: str, nonce: str,
              query: dict[str, str]) -> Push:
        """A push in the JSON data format (the mini-program's console may choose it)."""
        plain = json.dumps(fields, ensure_ascii=False)
        if self.mode == "plain" or self.crypto is None:
            return Push(query, plain.encode())
        encrypt = PrpCrypto(self.crypto.key).encrypt(plain, self.appid)
        encrypt = encrypt.decode() if isinstance(encrypt, bytes) else str(encrypt)
        query.update(encrypt_type="aes", msg_signature=sign(self.token, timestamp, nonce, encrypt))
        body = {**fields, "Encrypt": encrypt} if self.mode == "compat" else \
            {"ToUserName": fields.get("ToUserName", ""), "Encrypt": encrypt}
        return Push(query, json.dumps(body, ensure_ascii=False).encode())

    def build(self, fields: dict[str, str | int], timestamp: str | None = None,
              nonce: str | None = None) -> Push:
        """The signed query and body WeChat would POST for `fields`."""
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or str(secrets.randbelow(10**9))
        query = {"signature": sign(self.token, timestamp, nonce), "timestamp": timestamp,
                 "nonce": nonce, "openid": str(fields.get("FromUserName", ""))}
        if self.fmt == "json":
            return self._json(fields, timestamp, nonce, query)
        plain = to_xml(fields)
        if self.mode == "plain" or self.crypto is None:
            return Push(query, plain.encode())
        envelope = self.crypto.encrypt_message(plain, nonce, timestamp)
        encrypt = parse_xml(envelope)["Encrypt"]
        query.update(encrypt_type="aes", msg_signature=sign(self.token, timestamp, nonce, encrypt))
        if self.mode == "compat":
            fields = {**fields, "Encrypt": encrypt}
            return Push(query, to_xml(fields).encode())
        to_user = escape(str(fields.get("ToUserName", "")))
        body = (f"<xml><ToUserName><![CDATA[{to_user}]]></ToUserName>"
                f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>")
        return Push(query, body.encode())

    def read_reply(self, body: str, push: Push) -> dict[str, str] | None:
        """The reply's fields, decrypted where needed; None for `success` or an empty body."""
        if body.strip() in ("", "success"):
            return None
        fields = parse_xml(body.encode())
        if "Encrypt" in fields:
            if self.crypto is None:
                raise ValueError("encrypted reply but no key")
            plain = self.crypto.decrypt_message(body, fields["MsgSignature"], fields["TimeStamp"],
                                                fields["Nonce"])
            fields = parse_xml(plain.encode())
        return fields


def text_fields(openid: str, content: str, to_user: str = "gh_expertbot",
                msg_id: int | None = None, create_time: int | None = None) -> dict[str, str | int]:
    """A text message from `openid`."""
    return {"ToUserName": to_user, "FromUserName": openid,
            "CreateTime": create_time or int(time.time()), "MsgType": "text",
            "Content": content, "MsgId": msg_id or secrets.randbelow(10**18)}


def event_fields(openid: str, event: str, key: str = "", to_user: str = "gh_expertbot",
                 create_time: int | None = None, **extra: str | int) -> dict[str, str | int]:
    """An event from `openid` (subscribe, SCAN, CLICK, TEMPLATESENDJOBFINISH, ...)."""
    fields: dict[str, str | int] = {"ToUserName": to_user, "FromUserName": openid,
                                    "CreateTime": create_time or int(time.time()),
                                    "MsgType": "event", "Event": event}
    if key:
        fields["EventKey"] = key
    fields.update(extra)
    return fields


def privacy_fields(openid: str, event: str, revoke: str = "", appid: str = "",
                   create_time: int | None = None, unionid: str = "") -> dict[str, str | int]:
    """A privacy event about `openid` (WX-MP-PRIVACY: user_info_modified,
    user_authorization_revoke with RevokeInfo, user_authorization_cancellation), from
    WeChat's push service: the user is OpenID, not FromUserName."""
    fields: dict[str, str | int] = {
        "ToUserName": "gh_expertbot_mp", "FromUserName": "o_wechat_push_service",
        "CreateTime": create_time or int(time.time()), "MsgType": "event", "Event": event,
        "OpenID": openid, "AppID": appid}
    if unionid:
        fields["UnionID"] = unionid
    if revoke:
        fields["RevokeInfo"] = revoke
    return fields
