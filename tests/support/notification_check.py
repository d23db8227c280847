"""Every notification a test makes is rendered, after the test, for every channel its kind
has (customer service, template, subscribe, SMS, voice), with the parameters the service
really gave it, and each field is held to the channel's rules (WX-MP: template and subscribe
fields by type — `time`, `thing` ≤ 20, `phrase` ≤ 5 Chinese characters, `character_string`
≤ 32 …; a text no provider would send: empty, over the SMS length, a leftover placeholder).
So a producer that writes a time WeChat refuses (a UTC "%H:%M" once made every reviewer's
push fail) fails the test that made it, whichever test that is."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tortoise.signals import post_save

from bot.relay.notify_texts import CHANNEL_FILES, NotifyTexts
from bot.wechat.template_fields import FieldFormatError
from models.notifications import Notification
from sandbox.platform_records import check_field
from services.common.texts import Texts

ROOT = Path(__file__).resolve().parents[2]
NOTIFY = NotifyTexts(Texts(ROOT / "texts"), {}, {}, sandbox=True)
MADE: list[tuple[str, dict[str, Any]]] = []  # (kind, params) of this test's notifications
# TC-SMS: one message is 70 characters, a long one is sent in parts up to about 500
SMS_MAX = 500
_FALLBACKS = {"-", "通知", "0"}  # what fit() writes when a field's value was empty


@post_save(Notification)
async def _remember(sender: type[Notification], instance: Notification, created: bool,
                    using_db: object, update_fields: object) -> None:
    if created:
        MADE.append((instance.kind, dict(instance.params)))


# system.test is the sandbox's and the tests' own push, its values chosen by whoever queues it
EXEMPT = {"system.test"}


def problems(kind: str, params: dict[str, Any]) -> list[str]:
    """What is wrong with one notification on each of its kind's channels."""
    found: list[str] = []
    if kind in EXEMPT:
        return found
    for channel in CHANNEL_FILES:
        if not NOTIFY.has(kind, channel):
            continue
        if channel == "cs" and "media_id" in params:  # an image: no text to render
            continue
        # by phone the sender adds whether the person uses WeChat with us (bot/relay/sender.py)
        for wechat in ("", "1") if channel in ("sms", "voice") else (None,):
            found += _channel_problems(kind, channel, params if wechat is None
                                       else {**params, "wechat": wechat})
    return found


def _channel_problems(kind: str, channel: str, params: dict[str, Any]) -> list[str]:
    where = f"{kind}/{channel} with {params}"
    try:
        text = NOTIFY.text(kind, channel, params)
    except Exception as exc:  # a missing parameter, a bad filter: the send would fail
        return [f"{where}: does not render ({exc!r})"]
    found: list[str] = []
    if not text.strip() or "{{" in text or "None" in text:
        found.append(f"{where}: renders {text!r}")
    if channel in ("template", "subscribe"):
        try:
            fields = NOTIFY.fields(kind, channel, params)
        except FieldFormatError as exc:
            return [*found, f"{where}: WeChat would refuse it (47003): {exc}"]
        for key, value in fields.items():
            if not check_field(key, value):
                found.append(f"{where}: {key}={value!r} breaks its field's rule")
            raw = re.search(rf"^\s*{key}\s*:(.*)$", text, re.M)
            if value in _FALLBACKS and raw and not raw.group(1).strip():
                found.append(f"{where}: {key} is empty")
    elif channel == "sms" and len(text) > SMS_MAX:
        found.append(f"{where}: an SMS of {len(text)} characters")
    return found


def check_made() -> list[str]:
    """The problems of every notification made since the last call (and forget them)."""
    made = list(MADE)
    MADE.clear()
    return [p for kind, params in made for p in problems(kind, params)]
