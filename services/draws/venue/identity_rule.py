"""Whether a venue's check-in asks for an identity check, and whether an expert passed one
(services/draws/venue/identity.py makes the checks)."""

from __future__ import annotations

from models.draws import Invitation, Notice
from models.venues import Venue
from services.draws.news.notices import Notices


async def identity_required(invitation: Invitation, notice: Notice | None = None) -> bool:
    """Whether check-in at this invitation's venue asks for an identity check (`notice`:
    its notice, when the caller has it)."""
    if notice is None:
        notice = await Notices.notice_of(invitation)
    return await Venue.exists(name=notice.venue.strip(), identity_check=True)


class IdentityRule:
    """Whether a venue's check-in asks for an identity check, and whether an expert passed one."""

    @staticmethod
    async def checking_venues(names: set[str]) -> set[str]:
        """Which of these venues ask for an identity check at check-in."""
        found = await Venue.filter(name__in=[n.strip() for n in names], identity_check=True
                                   ).values_list("name", flat=True)
        return {str(n) for n in found}
