"""The application form as it is printed and signed (XJ-SIGNUP: 申请和资格审查表, "导出 pdf
文件，打印后经本人签字、所在单位盖章后扫描"; HN-APPLY: 资格审查表): one list of sections, read
by the printable page (web/templates/review_form.html) and by its PDF
(services/documents/pdf.py), so the two never say different things. Phone and ID number are
masked, as everywhere."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from models.applications import Application
from models.people import Person
from services.common.clock import china_time
from services.common.pii import mask_phone
from services.common.texts import Texts
from services.people import ApplicationDraft
from services.reference import Reference


@dataclass(frozen=True)
class Section:
    title: str
    header: tuple[str, ...] | None  # a table's column heads; None: label and value pairs
    rows: Sequence[tuple[str, ...]]


@dataclass(frozen=True)
class Sheet:
    batch: str
    app_id: int
    printed: str
    sections: list[Section]
    title: str  # the form's own words (texts/words/document.j2)
    heading: str  # batch · application number · printed at
    promise: str
    sign: tuple[str, ...]


class FormSheets:
    """The application form as a sheet (the part `form_sheet` of Documents)."""

    @staticmethod
    def sheet(texts: Texts, app: Application, person: Person) -> Sheet:
        """The form of one application (its batch prefetched), as the reviewers will read it."""
        def w(key: str) -> str:
            return texts.word("document", key)

        def yes(value: bool | None) -> str:
            return "" if value is None else w("yes" if value else "no")

        form = ApplicationDraft.model_validate(app.data)
        cat = Reference.catalogue.catalogue_of(app.catalogue_version)
        main_title = f"{form.title_name or ''}（{w('title_from_qualification')}）" \
            if form.title_from_qualification \
            else f"{form.title_name or ''}（{form.title_level or ''}）"
        titles = "；".join([main_title] + [
            f"{t.name}（{t.level}）" for t in form.more_titles])
        practice = (f"{form.practice_specialty} {cat.path_name(form.practice_specialty)}"
                    if form.practice_specialty else "")
        basics = Section(w("basics"), None, [
            (w("name"), person.name), (w("gender"), texts.word("gender", person.gender)),
            (w("birth_year"), f"{person.birth_year}{w('years')}"),
            (w("political_status"), form.political_status or ""),
            (w("id_number"), person.id_masked), (w("phone"), mask_phone(person.phone)),
            (w("region"), Reference.regions().full_name(form.region or "")), (w("email"),
                                                                              form.email or ""),
            (w("work_unit"), form.work_unit or ""), (w("credit_code"), form.unit_credit_code or ""),
            (w("titles"), titles), (w("practice"), practice),
            (w("practice_years"), "" if form.practice_years is None
             else f"{form.practice_years}{w('years')}"),
            (w("remote_ok"), yes(form.remote_ok)), (w("emergency_ok"), yes(form.emergency_ok)),
            *([(w("transfer_reason"), form.transfer_reason)] if form.transfer_reason else [])])
        avoid = [(form.work_unit or "", form.unit_credit_code or "", w("own_unit"))] + [
            (u.name, u.credit_code or "", u.reason) for u in form.avoid_units]
        printed = china_time(app.printed_at or datetime.now(UTC))
        return Sheet(batch=app.batch.name, app_id=app.id, printed=printed, sections=[
            basics,
            Section(w("work_history"), (w("period"), w("unit"), w("position")), [
                (f"{h.start} — {h.end or w('until_now')}", h.unit, h.position)
                for h in form.work_history]),
            Section(w("education"), (w("school"), w("major"), w("degree"), w("graduated")), [
                (e.school, e.major, e.degree, str(e.graduated)) for e in form.education]),
            Section(w("qualifications"), (w("q_name"), w("q_number")), [
                (q.name, q.number) for q in form.qualifications] or [(w("none"), "")]),
            Section(w("specialties"), (w("code"), w("specialty"), w("rank")), [
                (c["code"], cat.path_name(c["code"]), w("primary" if c["primary"] else "alternate"))
                for c in app.specialties]),
            Section(w("experience"), None, [(w("experience"),
                                             form.evaluation_experience or w("none"))]),
            Section(w("avoid_units"), (w("unit"), w("credit_code"), w("reason")), avoid),
            Section(w("relatives"), (w("relation"), w("name"), w("id_number"), w("unit"),
                                     w("post")), [
                (texts.word("kinship", r.relation), r.name, r.id_masked or "", r.unit_name,
                 texts.word("kinship", r.post) if r.post else "") for r in form.relatives]
                or [(w("none"), "", "", "", "")])],
            title=w("form_title"), promise=w("promise"),
            heading=f"{app.batch.name} · {w('app_number')} {app.id} · {w('printed_at')} {printed}",
            sign=(w("sign_person"), w("sign_unit"), w("sign_date")))
