"""What the mini-program API runs on, handed to its sub-app by the composition root."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web

from miniapp_api.sessions import SessionStore
from models.people import Role
from services.common.clock import SYSTEM_CLOCK, Clock
from services.common.ports import MiniLogin, QrImages
from services.common.texts import Texts
from services.domain import Domain


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


MINIAPP = web.AppKey("miniapp", MiniappServices)
