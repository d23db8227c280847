"""What the mini-program API runs on, handed to its sub-app by the composition root."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from aiohttp import web

from miniapp_api.sessions import SessionStore
from models.people import Role
from services.common.clock import SYSTEM_CLOCK, Clock
from services.common.ports import MiniLogin, QrImages
from services.common.texts import Texts
from services.domain import Domain

# whether the caller's address opened a page more than so many times this minute (the web
# pages' counter, web/rate.py, handed over by the composition root)
OverLimit = Callable[[web.Request, str, int], Awaitable[bool]]


async def unlimited(_request: web.Request, _page: str, _per_minute: int) -> bool:
    """No counter handed over: nothing is over its limit."""
    return False


@dataclass(frozen=True, kw_only=True)
class MiniappServices:
    domain: Domain
    sessions: SessionStore
    texts: Texts  # the words of every refusal
    login: MiniLogin  # wx.login() codes (the mini-program's WeChat API)
    qr: QrImages  # parametric QR codes of the official account
    subscribe_templates: Mapping[str, str]  # notification kind -> subscribe template id
    # roles whose work needs a second factor (DESK_2FA_ROLES): done in the console only
    second_factor_roles: frozenset[Role] = frozenset()
    password_days: int = 0  # DESK_PASSWORD_DAYS (shown to the security administrator)
    # the moment a call is made at (the runtime's clock: a test's own in the tests)
    clock: Clock = SYSTEM_CLOCK
    over_limit: OverLimit = unlimited  # the public endpoints limited per address


MINIAPP = web.AppKey("miniapp", MiniappServices)
