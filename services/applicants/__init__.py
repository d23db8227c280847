"""Applications to the library (seed 000/001): drafts, attachments, submission, the
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
from services.applicants.public_notice import PublicNotice
from services.applicants.reads import applications_of, form_of, progress_of
from services.applicants.returns import SECTIONS
from services.applicants.review import Decided, Review, describe_items, logs_of
from services.applicants.review_scope import stages
from services.applicants.standing_view import ApplicantStanding, applicant_standing

__all__ = [
    "ATTACHMENTS",
    "MB",
    "SECTIONS",
    "TYPE_NAMES",
    "ApplicantStanding",
    "Applications",
    "Decided",
    "PublicNotice",
    "Review",
    "applicant_standing",
    "applications_of",
    "attachment_kind",
    "current_deadline",
    "describe_items",
    "form_of",
    "logs_of",
    "progress_of",
    "require_size",
    "required_attachments",
    "sniff",
    "stages",
    "window_text",
]
