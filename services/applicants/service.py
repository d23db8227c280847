"""What the edges read of applications besides the changes Applications makes: a person's
applications and their progress, the printed form, a window and a deadline in words, and the
attachments' rules (which a draw's evidence follows too)."""

from __future__ import annotations

from services.applicants.applications import current_deadline, window_text
from services.applicants.attachments import (
    attachment_kind,
    require_size,
    required_attachments,
    sniff,
)
from services.applicants.form_limits import limits_of
from services.applicants.reads import applications_of, form_of, progress_of


class ApplicationReads:
    """An applicant's applications, their progress and form, and the attachments' rules."""

    applications_of = staticmethod(applications_of)
    progress_of = staticmethod(progress_of)
    form_of = staticmethod(form_of)
    current_deadline = staticmethod(current_deadline)
    window_text = staticmethod(window_text)
    attachment_kind = staticmethod(attachment_kind)
    required_attachments = staticmethod(required_attachments)
    require_size = staticmethod(require_size)
    sniff = staticmethod(sniff)
    limits_of = staticmethod(limits_of)  # the numbers the batch's rule set allows
