"""Mini-program subscribe-message consents (wx.requestSubscribeMessage): one consent lets one
message through (the sender spends them)."""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.expressions import F

from models.notifications import SubscribeConsent


class Consents:
    """The consents a person gave to subscribe messages (the part `consents` of Outbox)."""

    @staticmethod
    async def record_consents(mp_openid: str, accepted: Iterable[str], known: set[str]) -> int:
        """One more consent for each accepted template we know; returns how many were recorded."""
        recorded = 0
        for template_id in set(accepted) & known:
            row, created = await SubscribeConsent.get_or_create(
                mp_openid=mp_openid, template_id=template_id, defaults={"remaining": 1})
            if not created:
                await SubscribeConsent.filter(id=row.id).update(remaining=F("remaining") + 1)
            recorded += 1
        return recorded
