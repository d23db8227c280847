"""What a reviewer's return reopens. Printing locks the form for good (HN-APPLY: 【打印表格】
按钮点击后，系统将锁定所有已填写的申报信息，无法再进行修改); a return reopens only the items
it names (HN-APPLY: 市州行业部门可打回该专业要求申请人进行修改信息; XJ-SIGNUP: 如申请被驳回…
根据驳回理由…修改补充). An item is a section of the form, one specialty
(`specialty:A0401`) or one kind of attachment (`attachment:title_cert`)."""

from __future__ import annotations

from typing import Any

from models.applications import Application
from services.applicants.attachments import ATTACHMENTS
from services.common.errors import BadInput
from services.people import ApplicationDraft

SECTIONS = {"basic": "基本信息", "work": "工作经历", "education": "学历信息", "title": "职称",
            "qualifications": "执业资格", "specialties": "评标专业", "avoid": "回避单位",
            "attachments": "附件"}
# the section each field of the form (services/people/particulars.py) belongs to; the rest
# of the fields are the basic information
FIELD_SECTIONS = {
    "work_history": "work", "practice_specialty": "work", "practice_years": "work",
    "evaluation_experience": "work", "education": "education", "title_name": "title",
    "title_level": "title", "more_titles": "title", "title_from_qualification": "title",
    "qualifications": "qualifications",
    "specialties": "specialties", "primary_specialty": "specialties",
    "primary_specialties": "specialties", "avoid_units": "avoid"}
# the section an attachment belongs with: a returned 职称 reopens its certificates too
ATTACHMENT_SECTIONS = {"id_front": "basic", "id_back": "basic", "photo": "basic",
                       "pledge": "basic", "diploma": "education", "title_cert": "title",
                       "qualification": "qualifications", "extra": "attachments"}


def _open_sections(items: list[str]) -> set[str]:
    return {"specialties" if i.startswith("specialty:") else i for i in items}


def require_returned_fields(items: list[str], changes: dict[str, Any],
                            stored: dict[str, Any]) -> None:
    """Refuse a change to a field the return did not reopen (unchanged values may be sent
    again, as a form that posts every section does)."""
    if not items:
        return
    opened = _open_sections(items)
    closed = sorted({FIELD_SECTIONS.get(name, "basic") for name, value in changes.items()
                     if value != stored.get(name)} - opened)
    if closed:
        raise BadInput("application.not_returned", sections="、".join(
            SECTIONS[s] for s in closed))


def require_returned_attachment(items: list[str], kind: str) -> None:
    """The signed form is always uploaded again; another attachment only when returned."""
    if not items or kind == "review_form":
        return
    opened = _open_sections(items)
    if f"attachment:{kind}" in items or "attachments" in opened or \
            ATTACHMENT_SECTIONS.get(kind, "attachments") in opened:
        return
    title = ATTACHMENTS[kind].title if kind in ATTACHMENTS else kind
    raise BadInput("application.not_returned", sections=f"附件「{title}」")


def require_unlocked(app: Application, merged: ApplicationDraft) -> None:
    """The draft as it would be saved changes nothing locked: Hunan's specialties once
    submitted (HN-APPLY: 评标专业…一经选择…不可修改), and after a return whatever it did
    not reopen."""
    if app.specialties_fixed and (
            set(merged.specialties) != {c["code"] for c in app.specialties}
            or set(merged.primary_specialties) != {c["code"] for c in app.specialties
                                                   if c["primary"]}):
        raise BadInput("application.specialties_fixed")
    stored = ApplicationDraft.model_validate(app.data).model_dump(mode="json")
    require_returned_fields(app.returned_items, merged.model_dump(mode="json"), stored)
