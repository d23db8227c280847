"""Applications to the library (HN-APPLY, XJ-SIGNUP): drafts, attachments, submission, the
staged review and its scope, returns, the 公示 of the admitted.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.applicants.applications import Applications, current_deadline, window_text
from services.applicants.attachments import (
    ATTACHMENTS,
    MB,
    TYPE_NAMES,
    attachment_kind,
    require_size,
    required_attachments,
    sniff,
)
from services.applicants.notice_board import BoardBatch, Listed, notice_board
from services.applicants.public_notice import PublicNotice
from services.applicants.reads import applications_of, form_of, progress_of
from services.applicants.returns import SECTIONS
from services.applicants.review import Decided, Review, describe_items, logs_of
from services.applicants.review_scope import stages, waiting_industries
from services.applicants.standing_view import ApplicantStanding, applicant_standing
from services.applicants.unit_requests import RequestView, UnitRequests

__all__ = [
    "ATTACHMENTS",
    "MB",
    "SECTIONS",
    "TYPE_NAMES",
    "ApplicantStanding",
    "Applications",
    "BoardBatch",
    "Decided",
    "Listed",
    "PublicNotice",
    "RequestView",
    "Review",
    "UnitRequests",
    "applicant_standing",
    "applications_of",
    "attachment_kind",
    "current_deadline",
    "describe_items",
    "form_of",
    "logs_of",
    "notice_board",
    "progress_of",
    "require_size",
    "required_attachments",
    "sniff",
    "stages",
    "waiting_industries",
    "window_text",
]
