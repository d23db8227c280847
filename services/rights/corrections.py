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
from datetime import datetime
from typing import Literal

from models.applications import AppKind, Application, AppStatus
from models.experts import ExpertProfile
from models.people import Person
from services.applicants import Applications
from services.common.errors import BadInput, Conflict, NotFound
from services.payments import Invoices
from services.people import ApplicationDraft

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


async def request_correction(applications: Applications, person: Person, field: str,
                             value: str | None, now: datetime) -> Correction:
    """Route one field's correction (see the module's docstring)."""
    if field in IDENTITY:
        raise BadInput("privacy.identity_fixed")
    if field == "email":
        if not value or not EMAIL.fullmatch(value.strip()):
            raise BadInput("privacy.value_needed")
        await Invoices.set_email(person, value.strip())
        return Correction("email_changed")
    if field == "phone":
        return Correction("phone_by_code")
    if field not in ApplicationDraft.model_fields:
        raise BadInput("privacy.unknown_field")
    if await ExpertProfile.exists(person_id=person.id, active=True):
        open_one = await Application.filter(
            person_id=person.id, kind=AppKind.CHANGE,
            status__in=[AppStatus.DRAFT, AppStatus.RETURNED]).first()
        if open_one is None:
            open_one = await applications.start_request(person, AppKind.CHANGE, now)
        return Correction("change_request", open_one.id)
    latest = await Application.filter(person_id=person.id).order_by("-id").first()
    if latest is None:
        raise NotFound("privacy.no_application")
    if latest.status not in (AppStatus.DRAFT, AppStatus.RETURNED):
        raise Conflict("application.in_review")
    return Correction("edit_application", latest.id)
