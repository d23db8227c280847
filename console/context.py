"""What the console runs on (handed over by the composition root), and who is asking."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web
from jinja2 import Environment

from console.invoke import Endpoints
from console.sessions import ConsoleSession, ConsoleSessions
from models.people import Person, Role
from services.common.texts import Texts
from services.domain import Domain


@dataclass(frozen=True, kw_only=True)
class ConsoleServices:
    domain: Domain
    texts: Texts
    endpoints: Endpoints
    sessions: ConsoleSessions
    secret: bytes  # signs the pre-sign-in CSRF token and the flash message
    secure_cookies: bool  # production: cookies only over HTTPS
    # the desk roles whose sign-in takes a second factor (DESK_2FA_ROLES)
    second_factor_roles: frozenset[Role] = frozenset()
    password_days: int = 0  # DESK_PASSWORD_DAYS: a desk password older is changed first


@dataclass
class Visitor:
    """The browser making this request: its session and person once signed in."""

    pre: str  # the pre-sign-in cookie's value (CSRF of the sign-in forms, the SMS code's owner)
    session: ConsoleSession | None = None
    person: Person | None = None
    roles: set[Role] = field(default_factory=set)

    @property
    def csrf(self) -> str:
        return self.session.csrf if self.session is not None else ""


CONSOLE = web.AppKey("console", ConsoleServices)
PAGES = web.AppKey("console_pages", Environment)
VISITOR = web.RequestKey("console_visitor", Visitor)
