"""Who is calling. A signed-in WeChat identity, in one statement: the identity, the person
it is bound to (unless deregistered) and that person's unrevoked role grants — read on every
signed-in mini-program request, where three ORM queries cost more than the endpoint itself.

Desk passwords are changed periodically (GB/T 22239-2019 level 3, 身份鉴别 a): "口令应具有
复杂度要求并定期更换"): a desk person whose password is older than DESK_PASSWORD_DAYS signs in,
and changes it before anything else (the console's forced change). The period is ours
(docs/rules-that-are-ours.md); 0 turns it off. Experts and applicants, who sign in through
WeChat, are not asked."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from models.orm.statements import columns, model_from, models_from, rows
from models.people import DESK_ROLES, Person, Role, RoleGrant
from models.wechat import WeChatIdentity


@cache
def _sql() -> str:  # the models' columns are known once tortoise is initialised
    return (
        f"SELECT {columns(WeChatIdentity, 'i')}, {columns(Person, 'p')}, "
        f"{columns(RoleGrant, 'g')} "
        "FROM wechat_identity i "
        "LEFT JOIN person p ON p.id = i.person_id AND p.deregistered_at IS NULL "
        "LEFT JOIN role_grant g ON g.person_id = p.id AND g.revoked_at IS NULL "
        "WHERE i.id = ? ORDER BY g.id"
    )


@dataclass
class Signed:
    """A signed-in identity; `person` None when unbound (or deregistered)."""

    identity: WeChatIdentity
    person: Person | None
    grants: list[RoleGrant] = field(default_factory=list)  # active at the time asked


class Callers:
    """Who is calling: a session's identity, person and grants, and whether a desk password
    is due to change."""

    @staticmethod
    async def signed_identity(identity_id: int, now: datetime) -> Signed | None:
        """The identity with its person and active grants; None if there is no such identity."""
        found = await rows(_sql(), identity_id)
        if not found:
            return None
        identity = model_from(WeChatIdentity, found[0], "i")
        assert identity is not None
        person = model_from(Person, found[0], "p")
        grants = [g for g in models_from(RoleGrant, found, "g") if g is not None and g.active(now)]
        return Signed(identity, person, grants)

    @staticmethod
    def password_expired(person: Person, roles: Collection[Role], now: datetime,
                         days: int) -> bool:
        """The person's desk password is older than `days` (a row's own time when it was set
        before the date was kept)."""
        if days <= 0 or person.password_hash is None or not DESK_ROLES & set(roles):
            return False
        changed = person.password_changed_at or person.created_at
        return changed is not None and now - changed > timedelta(days=days)
