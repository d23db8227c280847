"""Reading the console's HTML forms into the API's request bodies: text trimmed, lists from
repeated fields, a `datetime-local` value read as China time, and a refusal of the API put
in words that name the fields (InvalidFields)."""

from __future__ import annotations

from typing import Any

from multidict import MultiDictProxy

from miniapp_api.framework import InvalidFields
from services.common.errors import DomainError
from services.common.texts import Texts

CHINA_OFFSET = "+08:00"
def text(form: MultiDictProxy[Any], name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def when(form: MultiDictProxy[Any], name: str) -> str:
    """2026-11-25T09:00 typed in the browser is China time."""
    value = text(form, name)
    return value + CHINA_OFFSET if value and "+" not in value and "Z" not in value else value


def many(form: MultiDictProxy[Any], name: str) -> list[str]:
    return [v.strip() for v in form.getall(name, []) if isinstance(v, str) and v.strip()]


def committee(form: MultiDictProxy[Any]) -> dict[str, Any]:
    """The committee as typed: its size and representatives (blank: not given) and the
    cases ticked (services/draws/facts/committee.py)."""
    return {"committee_size": text(form, "committee_size") or None,
            "representatives": text(form, "representatives") or None,
            "committee_cases": many(form, "committee_cases")}


# the form fields a refusal of the service is about (a refusal by field names them itself)
FIELDS_OF: dict[str, tuple[str, ...]] = {
    "project.kind": ("kind",), "project.funding": ("funding",),
    "project.tender_method": ("tender_method",), "project.organisation": ("organisation",),
    "project.tenderer_type": ("tenderer_type",), "project.region": ("region",),
    "project.investment_code": ("investment_code",),
    "project.contact_phone": ("contact_phone",), "draw.media_required": ("media",),
    "draw.bid_open_region": ("bid_open_region",), "draw.handler_name_required": ("handler_name",),
    "draw.handler_phone": ("handler_phone",), "draw.handler_id_number": ("handler_id_number",),
    "draw.handler_required": ("handler_phone", "handler_id_number"),
    "draw.supervisor_name": ("supervisor_name",), "draw.supervisor_phone": ("supervisor_phone",),
    "notice.place": ("city", "district"), "notice.unit_in_address": ("street",),
    "notice.gathering_after_end": ("gather_at",), "notice.gathering_past": ("gather_at",),
    "notice.notes_too_long": ("notes",), "notice.role": ("role",),
    "notice.secondary_without_main": ("role",), "notice.two_mains": ("role",),
    "notice.ruling_required": ("ruling",),
    "condition.regions": ("regions",), "condition.specialty": ("main_specialty",),
    "condition.same_alternate": ("alternate_specialty",),
    "condition.region_mode": ("region_mode",), "condition.notice": ("notice_id",),
    "review.items_required": ("items",), "review.reason_required": ("reason",),
    "review.unknown_action": ("action",), "review.primary_not_admitted": ("admitted",),
    "review.admitted_not_chosen": ("admitted",), "verify.reason_required": ("comment",),
    "avoidance.name_required": ("name",), "avoidance.kind": ("kind",),
    "avoidance.import_empty": ("file",), "avoidance.not_template": ("file",),
    "fee.reason_needed": ("reason",),
    "fee.reason_long": ("reason",), "fee_standard.name": ("name",),
    "fee_standard.past": ("effective_from",), "fee_standard.base_hours": ("base_hours",),
    "fee_standard.cap_below_base": ("daily_cap_yuan",), "fee_standard.profile": ("profile",),
    "fee_standard.late_after_hours": ("late_after_hours",),
    "fee_standard.secondary_rule": ("secondary_rule",), "performance.score": ("score",),
    "performance.too_long": ("comment",), "performance.conduct_unknown": ("conduct",),
    "performance.note_required": ("review_note",), "conduct.name": ("name",),
    "conduct.duplicate": ("name",), "conduct.deadline_days": ("deadline_days",),
    "draw_policy.weight_range": ("weight_a", "weight_b", "weight_c", "weight_d"),
    "draw_policy.weight_order": ("weight_a", "weight_b", "weight_c", "weight_d"),
    "venue_check.venue_name": ("name",), "venue_check.region": ("region",),
    "committee.size": ("committee_size",), "committee.share": ("representatives",),
    "committee.representatives": ("representatives",), "committee.total": ("total",),
    "committee.incomplete": ("committee_size", "representatives"),
    "committee.case": ("committee_cases",)}


def problems(texts: Texts, exc: DomainError) -> list[tuple[str, str]]:
    """Each field the refusal names, with its problem in words (for marking the field)."""
    if not isinstance(exc, InvalidFields):
        return [(field, texts.error(exc)) for field in FIELDS_OF.get(exc.code, ())]
    return [(p.field.split(".")[0], texts.error(p.refusal) if p.refusal else p.message)
            for p in exc.problems]


def said(texts: Texts, exc: DomainError) -> str:
    """The refusal in words, each field's problem named."""
    if isinstance(exc, InvalidFields):
        return "；".join(f"{texts.render('console/labels.j2', field=field)}：{message}"
                        for field, message in problems(texts, exc))
    return texts.error(exc)
