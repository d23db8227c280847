"""Applications to the library (HN-APPLY, XJ-SIGNUP): drafts, attachments, submission, the
staged review and its scope, returns, the 公示 of the admitted.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.applicants.applications import Applications
from services.applicants.attachments import (
    ATTACHMENTS,
    MB,
    TYPE_NAMES,
)
from services.applicants.notice_board import BoardBatch, Listed
from services.applicants.objections import (
    EVIDENCE_COUNT,
    EVIDENCE_MAX,
    GROUNDS_MAX,
    Evidence,
    ObjectionView,
    Objector,
)
from services.applicants.public_notice import PublicNotice
from services.applicants.reads import ApplicationReads
from services.applicants.returns import SECTIONS
from services.applicants.review import Decided, Review
from services.applicants.standing_view import ApplicantStanding
from services.applicants.unit_requests import RequestView, UnitRequests

__all__ = [
    "ATTACHMENTS",
    "EVIDENCE_COUNT",
    "EVIDENCE_MAX",
    "GROUNDS_MAX",
    "MB",
    "SECTIONS",
    "TYPE_NAMES",
    "ApplicantStanding",
    "ApplicationReads",
    "Applications",
    "BoardBatch",
    "Decided",
    "Evidence",
    "Listed",
    "ObjectionView",
    "Objector",
    "PublicNotice",
    "RequestView",
    "Review",
    "UnitRequests",
]
