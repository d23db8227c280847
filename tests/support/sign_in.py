"""Signing in and its limits: the SMS codes sent, wrong guesses."""

from __future__ import annotations

import re

from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from services.demo import DemoPerson
from tests.support.helpers import eventually


def sent_code(platform: Platform, phone: str) -> str:
    """The code of the latest verification SMS to `phone` (an alert the worker sends to the
    same number, say that someone tried its ID number, may arrive after it)."""
    for text in reversed(platform.sms_to(phone)):
        if found := re.search(r"验证码(\d{6})", text):
            return found.group(1)
    raise AssertionError(f"no verification code was sent to {phone}")



LOCKED = "已锁定30分钟"
# the person's password refused for everyone, with the way back in
PAUSED = "密码登录已暂停"


async def sms_code(platform: Platform, phone: str, nth: int = 1) -> str:
    """The code in the `nth` SMS to `phone` (codes are sent in the background: wait)."""
    await eventually(lambda: len(platform.sms_to(phone)) >= nth)
    found = re.search(r"验证码(\d{6})", platform.sms_to(phone)[nth - 1])
    assert found
    return found.group(1)


def wrong_codes(right: str, n: int) -> list[str]:
    return [g for g in (f"{k:06d}" for k in range(n + 1)) if g != right][:n]


async def unbind_mp(person: DemoPerson) -> None:
    await WeChatIdentity.filter(openid=person.mp_openid).update(person_id=None)
