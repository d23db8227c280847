"""A person's request to correct their data (PIPL Art. 46: 个人发现其个人信息不准确或者不完整
的，有权请求个人信息处理者更正、补充), routed by field to what already decides it: contact fields
through their own services (the email as the invoices set it; the phone through its SMS-code
change, at most once a year), the application's fields through the review flow (a formal
expert's change request, 变更, reviewed by the same stages, JL-GP; an applicant edits their own
application while it is a draft or returned), name and ID number nowhere (HN-APPLY: they never
change after registration)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

IDENTITY = ("name", "id_number", "gender", "birth_year")  # gender and birth from the ID number
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")  # as PUT /me/email checks it


CorrectionOutcome = Literal[
    "email_changed", "phone_by_code", "change_request", "edit_application"]


@dataclass(frozen=True)
class Correction:
    """What became of a request: `done` (changed now) or where it went; words in
    texts/privacy/corrected.j2 by `outcome`."""

    outcome: CorrectionOutcome
    application_id: int | None = None
