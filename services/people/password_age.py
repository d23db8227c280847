"""Desk passwords are changed periodically (GB/T 22239-2019 level 3, 身份鉴别 a): "口令应具有
复杂度要求并定期更换"): a desk person whose password is older than DESK_PASSWORD_DAYS signs in,
and changes it before anything else (the console's forced change). The period is ours
(docs/rules-that-are-ours.md); 0 turns it off. Experts and applicants, who sign in through
WeChat, are not asked."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from models.people import DESK_ROLES, Person, Role


def password_expired(person: Person, roles: Collection[Role], now: datetime,
                     days: int) -> bool:
    """The person's desk password is older than `days` (a row's own time when it was set
    before the date was kept)."""
    if days <= 0 or person.password_hash is None or not DESK_ROLES & set(roles):
        return False
    changed = person.password_changed_at or person.created_at
    return changed is not None and now - changed > timedelta(days=days)
