"""Who is calling the mini-program API: their identity, the person it is bound to, roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.people import Person, Role, RoleGrant
from models.wechat import WeChatIdentity
from services.common.errors import NotAllowed


class SignInRequired(NotAllowed):
    """No session, or one that has expired (HTTP 401): sign in again."""


@dataclass
class Caller:
    token: str | None = None
    identity: WeChatIdentity | None = None
    person: Person | None = None
    grants: list[RoleGrant] = field(default_factory=list)  # as this sign-in acts (below)
    # a person of several agencies acts for the one chosen for this sign-in (GD-DRAW:
    # 登录后选择以经办企业的身份进入系统): its id, and every active grant before that choice
    acting_agency: int | None = None
    held: list[RoleGrant] = field(default_factory=list)

    def has(self, *roles: Role) -> bool:
        return any(g.role in roles for g in self.grants)

    def grant(self, role: Role) -> RoleGrant | None:
        return next((g for g in self.grants if g.role == role), None)

    def need_person(self) -> Person:
        if self.person is None:
            raise NotAllowed("auth.not_bound")
        return self.person

    def need_identity(self) -> WeChatIdentity:
        if self.identity is None:
            raise SignInRequired("auth.sign_in")
        return self.identity
