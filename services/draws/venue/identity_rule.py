"""Whether a venue's check-in asks for an identity check, and whether an expert passed one
(services/draws/venue/identity.py makes the checks). The check follows the venue's record the
notice picked (Notice.venue_id), never how its name is spelled (services/draws/setup/
venue_choice.py)."""

from __future__ import annotations

from models import column
from models.draws import Invitation, Notice
from models.venues import Venue
from services.draws.news.notices import Notices


async def identity_required(invitation: Invitation, notice: Notice | None = None) -> bool:
    """Whether check-in at this invitation's venue asks for an identity check (`notice`:
    its notice, when the caller has it)."""
    if notice is None:
        notice = await Notices.notice_of(invitation)
    return notice.venue_id is not None and await Venue.exists(id=notice.venue_id,
                                                              identity_check=True)


class IdentityRule:
    """Whether a venue's check-in asks for an identity check, and whether an expert passed one."""

    @staticmethod
    async def checking_venues(venue_ids: set[int]) -> set[int]:
        """Which of these venues (their records' ids) ask for an identity check at check-in."""
        return set(await column(Venue.filter(id__in=list(venue_ids), identity_check=True),
                                "id"))
