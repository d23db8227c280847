"""Who a signed-in WeChat identity is, in one statement: the identity, the person
it is bound to (unless deregistered) and that person's unrevoked role grants — read on every
signed-in mini-program request, where three ORM queries cost more than the endpoint itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from models.orm.statements import columns, model_from, models_from, rows
from models.people import Person, RoleGrant
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
