"""The seal (GD-DRAW): a draw's results, names and urging wait until 30 minutes before the
evaluation starts; the signed links of the printable result and check-in pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from models.draws import DrawActivity
from services.common.errors import ClosedWindow

SEAL_BEFORE = timedelta(minutes=30)  # results unseal 30 minutes before evaluation starts
RESULT_LINK = "draw-result"  # the purpose of the printable result page's signed links
CHECKIN_LINK = "checkin-qr"  # ... and of the printable venue check-in page


SUPPLEMENT = "supplement"


def check_hidden(kind: str, eval_start: datetime, now: datetime) -> bool:
    """A 补抽 is invisible to the agency while its results are sealed: whether it had any
    place to fill would tell that a phone registered absent was drawn. (It serves its
    parent's evaluation, whose time it has, so it unseals with it.)"""
    return kind == SUPPLEMENT and now < eval_start - SEAL_BEFORE


def unseal_at(activity: DrawActivity) -> datetime:
    """When the activity's results unseal."""
    return activity.eval_start - SEAL_BEFORE


class Seal:
    """The seal (GD-DRAW): whether a draw's results are still sealed."""

    @staticmethod
    def check_sealed(activity: DrawActivity, now: datetime) -> bool:
        """The results stay sealed until 30 minutes before the evaluation starts (GD-DRAW)."""
        return now < unseal_at(activity)


def require_unsealed(activity: DrawActivity, now: datetime) -> None:
    """Names, results and urging wait until the results unseal."""
    if Seal.check_sealed(activity, now):
        raise ClosedWindow("draw.sealed", unseal=unseal_at(activity))
