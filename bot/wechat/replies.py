"""What a handler answers with, and how it becomes the passive-reply XML."""

from __future__ import annotations

import time
from dataclasses import dataclass
from xml.sax.saxutils import escape

from bot.wechat.incoming import Incoming
from services.common.pii import mask_text

SUCCESS = "success"  # WeChat: "nothing to say", and stop retrying


@dataclass(frozen=True, slots=True)
class Text:
    content: str


@dataclass(frozen=True, slots=True)
class Image:
    media_id: str


@dataclass(frozen=True, slots=True)
class Silence:
    """Answer `success`: nothing to show (or the answer follows as a customer-service message)."""


@dataclass(frozen=True, slots=True)
class Retry:
    """No answer in time, so that WeChat delivers the push again: what a push that could be
    neither handled nor kept gets (a receipt while Redis and the database are down)."""


@dataclass(frozen=True, slots=True)
class Refused:
    """The push is not genuine (a plaintext query string used again with another body):
    answered 403, nothing done."""


Reply = Text | Image | Silence | Retry | Refused
SILENCE = Silence()
RETRY = Retry()
REFUSED = Refused()


def as_reply(value: Reply | str | None) -> Reply:
    """Handlers may return a str (a text reply) or None (silence)."""
    if value is None:
        return SILENCE
    if isinstance(value, str):
        return Text(value) if value.strip() else SILENCE
    return value


def dump_reply(reply: Reply) -> str:
    """A compact string form, for Redis and job arguments."""
    if isinstance(reply, Text):
        return "t" + reply.content
    if isinstance(reply, Image):
        return "i" + reply.media_id
    return "s"


def load_reply(value: str) -> Reply:
    """The inverse of dump_reply."""
    if value.startswith("t"):
        return Text(value[1:])
    if value.startswith("i"):
        return Image(value[1:])
    return SILENCE


def _xml(fields: dict[str, str | int | dict[str, str]]) -> str:
    """A reply document, every value escaped (no CDATA a value could close early)."""
    def node(tag: str, value: str | int | dict[str, str]) -> str:
        inner = "".join(node(k, v) for k, v in value.items()) if isinstance(value, dict) \
            else escape(str(value))
        return f"<{tag}>{inner}</{tag}>"

    return "<xml>" + "".join(node(k, v) for k, v in fields.items()) + "</xml>"


def render_reply(reply: Reply, msg: Incoming, now: int | None = None) -> str:
    """The passive-reply XML for `msg`, or `success` for silence."""
    stamp = now if now is not None else int(time.time())
    head: dict[str, str | int | dict[str, str]] = {
        "ToUserName": msg.openid, "FromUserName": msg.to_user, "CreateTime": stamp}
    if isinstance(reply, Text):
        # Phones and ID numbers never leave unmasked, even where a handler forgot.
        return _xml({**head, "MsgType": "text", "Content": mask_text(reply.content)})
    if isinstance(reply, Image):
        return _xml({**head, "MsgType": "image", "Image": {"MediaId": reply.media_id}})
    return SUCCESS
