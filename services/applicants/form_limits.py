"""An application held to the limits of its batch's rule set (services/reference/
rule_limits.py: HN-APPLY, JL-GP, XJ-SIGNUP): as each section is saved (only the sections
sent, so that a draft saved before a limit still saves its other sections), again when the
form is printed, and as each certificate is uploaded. Each refusal says the limit and what to
do, and the draft saved before stays as it was."""

from __future__ import annotations

from collections.abc import Iterable

from models.applications import Batch
from services.applicants.attachments import ATTACHMENTS
from services.common.errors import BadInput
from services.people import ApplicationDraft
from services.reference import FormLimits, Reference, SpecialtyRule

TITLE_SECTIONS = {"title_name", "more_titles"}
ALL_SECTIONS = frozenset({"specialties", "work_history", "qualifications", *TITLE_SECTIONS})


def require_within(draft: ApplicationDraft, limits: FormLimits,
                   sent: Iterable[str] = ALL_SECTIONS) -> None:
    """BadInput, saying the limit, for the first of the sections `sent` that holds more
    entries than the rule set allows."""
    sent = set(sent)
    if "specialties" in sent:
        Reference.specialties.require_specialty_count(limits.rule, len(draft.specialties))
    titles = len(draft.more_titles) + 1
    if sent & TITLE_SECTIONS and titles > limits.titles:
        raise BadInput("application.too_many_titles", limit=limits.titles, count=titles)
    for section, code, limit in (
            ("work_history", "application.too_many_work_entries", limits.work_history),
            ("qualifications", "application.too_many_qualifications", limits.qualifications)):
        count = len(getattr(draft, section))
        if section in sent and count > limit:
            raise BadInput(code, limit=limit, count=count)


def upload_limit(kind: str, limits: FormLimits) -> int:
    """How many files of `kind` an application may hold: a certificate per title and per
    qualification the rule set allows, and its number of 其他材料."""
    return {"title_cert": limits.titles, "qualification": limits.qualifications,
            "extra": limits.extra_files}.get(kind, ATTACHMENTS[kind].max_count)


class BatchLimits:
    """The limits a batch's rule set holds an application to (the part `form_limits` of
    ApplicationReads)."""

    @staticmethod
    def limits_of(batch: Batch) -> FormLimits:
        """The limits of an application in `batch`: its rule set's, and the batch's own number
        of qualifications where the rule set's document states none."""
        return Reference.rule_limits.form_limits(SpecialtyRule(batch.specialty_rule),
                                                 batch.max_qualifications)
