"""What the fake WeChat platform (sandbox/platform.py) keeps and answers with: a follower, a
message it delivered, a fault a test injects into an endpoint, its error (errcode, errmsg),
and the rules of a template's typed fields (47003 on a violation)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class PlatformError(Exception):
    """An errcode the fake answers with."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(errmsg)
        self.errcode = errcode
        self.errmsg = errmsg


@dataclass
class FakeUser:
    openid: str
    follower: bool = True
    last_interaction: float | None = None  # when the open window opened
    window: tuple[int, int] = (5, 48 * 3600)  # that window's (messages, seconds)
    window_used: int = 0  # customer-service messages sent in it
    unionid: str | None = None
    nickname: str = ""
    consents: dict[str, int] = field(default_factory=dict)  # mini-program template -> count
    blocks_templates: bool = False  # "refuse messages": template jobs finish "failed:user block"
    # numbers typed into this phone (to register, say): SMS to them show in its inbox
    numbers: set[str] = field(default_factory=set)


@dataclass
class Sent:
    """Something the platform delivered (or refused) to a user; the simulator shows these."""

    seq: int
    kind: str  # custom_text, custom_image, template, subscribe, sms, voice
    openid: str
    payload: dict[str, Any]
    at: float
    msgid: int = 0
    receipt: str = ""  # a template job's TEMPLATESENDJOBFINISH status; failed = not received


@dataclass
class Fault:
    """Make the next `times` calls to `path` fail: with `errcode`, an HTTP `status`, or a
    `delay` (seconds) before answering normally."""

    path: str
    errcode: int = 0
    status: int = 0
    delay: float = 0.0
    delay_after: float = 0.0  # handle the call normally, then wait before answering
    times: int = 1
    # template/send only: accept the message, then report its job finished with this status
    # (`failed: system failed`: WeChat could not deliver it)
    receipt: str = ""


# Template field rules (WeChat's typed fields since 2023).
_RULES: dict[str, Callable[[str], bool]] = {
    "thing": lambda v: len(v) <= 20,
    "phrase": lambda v: len(v) <= 5 and bool(re.fullmatch(r"[\u4e00-\u9fff]+", v)),
    "character_string": lambda v: len(v) <= 32 and bool(re.fullmatch(r"[\x21-\x7e]+", v)),
    "name": lambda v: len(v) <= 10,
    "phone_number": lambda v: len(v) <= 17 and bool(re.fullmatch(r"[0-9+\-() ]+", v)),
    "number": lambda v: len(v) <= 32 and bool(re.fullmatch(r"[0-9.]+", v)),
    "amount": lambda v: bool(re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?元?", v)),
    "time": lambda v: bool(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日( \d{1,2}:\d{2})?|"
                                        r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?", v)),
    "date": lambda v: bool(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}", v)),
    "const": lambda v: len(v) <= 20,
}


def field_type(key: str) -> str:
    """`thing3` -> `thing`: WeChat names template fields after their type."""
    return re.sub(r"\d+$", "", key)


def check_field(key: str, value: str) -> bool:
    rule = _RULES.get(field_type(key))
    return rule is None or rule(value)
